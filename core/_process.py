"""Who this process is on its machine, so that what a dead process left behind can be found.

A process is named by the kernel's boot id and its pid. A name with this machine's current
boot id and a pid that no longer runs belongs to a process that died (or ended) here; a name
from another boot (or from another machine sharing a directory) is not this machine's to judge.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

_BOOT_ID = Path("/proc/sys/kernel/random/boot_id")


@lru_cache(maxsize=1)
def boot_id() -> str:
    """The first 8 characters of the kernel's boot id ('' where the kernel has none)."""
    try:
        return _BOOT_ID.read_text("ascii").strip().replace("-", "")[:8]
    except OSError:
        return ""


def process_tag() -> str:
    """``<boot id>-<pid>``: this process on this machine since its last boot."""
    return f"{boot_id()}-{os.getpid()}"


def ended_here(tag: str) -> bool:
    """Whether ``tag`` (from ``process_tag``) names a process of this boot that no longer runs."""
    boot, _, pid = tag.partition("-")
    if not boot or boot != boot_id() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # it runs, as another user
        return False
    return False


def ended_on_this_machine(tag: str) -> bool:
    """Whether ``tag``, known to come from this machine, names a process that no longer runs.

    Unlike :func:`ended_here`, a tag of another boot counts as ended (the machine rebooted
    since), so only a caller that knows the tag is this machine's may ask (a lease holder on
    this host name). A tag this machine cannot judge (no boot id) has not ended.
    """
    boot, _, pid = tag.partition("-")
    if not boot or not boot_id() or not pid.isdigit():
        return False
    return boot != boot_id() or ended_here(tag)
