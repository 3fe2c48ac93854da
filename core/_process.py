"""Who this process is on its machine, so that what a dead process left behind can be found.

A process is named by the kernel's boot id and its pid (and, where a pid given again would
deceive, by when it started). A name with this machine's current
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


def _started(pid: int) -> str | None:
    """When process ``pid`` started (clock ticks after boot); None if it is not to be seen."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text("ascii", errors="replace")
    except OSError:
        return None
    fields = stat.rpartition(")")[2].split()  # the command name, in (), may hold spaces
    return fields[19] if len(fields) > 19 else None  # field 22 of proc(5), the 20th after it


def process_instance() -> str:
    """``<boot id>-<pid>-<start>``: this process, told apart from a later one with its pid.

    A pid is given again: a restarted container's worker is often pid 1 (or 7) every time, so a
    lease named by boot id and pid alone would look alive to the very process that replaced it.
    """
    return f"{process_tag()}-{_started(os.getpid()) or ''}"


def ended_on_this_machine(tag: str) -> bool:
    """Whether ``tag``, known to come from this machine, names a process that no longer runs.

    ``tag`` is a ``process_instance`` (or a ``process_tag``, whose start is not compared).
    Unlike :func:`ended_here`, a tag of another boot counts as ended (the machine rebooted
    since), so only a caller that knows the tag is this machine's may ask (a lease holder on
    this host name); so does one whose pid now runs a process started at another time. A tag
    this machine cannot judge (no boot id) has not ended.
    """
    boot, _, rest = tag.partition("-")
    pid, _, started = rest.partition("-")
    if not boot or not boot_id() or not pid.isdigit():
        return False
    if boot != boot_id() or ended_here(f"{boot}-{pid}"):
        return True
    now_started = _started(int(pid))
    return bool(started) and now_started is not None and now_started != started
