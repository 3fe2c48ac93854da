"""RapidOCR runs offline: a page is read with every connect and name lookup refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[3]

# Any attempt to reach the network in the child process ends it with status 3 (creating a
# socket is allowed: urllib3 opens one on import to see whether the host has IPv6).
_OFFLINE_READ = """
import os, random, sys

REACH = ("socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "socket.sendto",
         "urllib.Request")

def no_network(event, args):
    if event in REACH:
        print(f"network attempt: {event} {args}", file=sys.stderr)
        os._exit(3)

sys.addaudithook(no_network)
from intake._rapid import RapidOcrEngine
from synthetic import render

doc = render("business_license", random.Random(2))
page = doc.images[0].crop((0, 0, doc.images[0].width, doc.images[0].height // 2))
text = "".join(RapidOcrEngine(threads=1).recognise(page).text.split())
print(doc.fields["credit_code"] in text)
"""


@pytest.mark.slow
def test_a_page_is_read_with_the_network_shut() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _OFFLINE_READ],
        cwd=_ROOT,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
