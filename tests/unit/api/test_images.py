"""Rendering a page for the viewer never decodes more than the viewer shows."""

from __future__ import annotations

import subprocess
import sys

from tests.e2e.test_viewer import _pdf

# Rendered in a fresh process so its peak memory is the render's alone: VmHWM starts anew at
# exec (getrusage's ru_maxrss would carry over the test process's own peak).
_RENDER = """
import re, sys
from pathlib import Path
from api.web.images import render_page
png = render_page(sys.stdin.buffer.read(), "application/pdf", page=1, max_pixels=80_000_000)
peak_kib = re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)
print(int(peak_kib) // 1024, len(png))
"""


def test_a_7200_point_page_renders_without_a_gigabyte_bitmap() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _RENDER],
        input=_pdf(1, side=7200),
        capture_output=True,
        check=True,
        timeout=60,
    )
    peak_mib, size = (int(part) for part in done.stdout.split())
    assert size > 0
    # At the old fixed 150 dpi the page was a 15,000 × 15,000 bitmap: about 900 MiB.
    assert peak_mib < 400, f"rendering took {peak_mib} MiB"
