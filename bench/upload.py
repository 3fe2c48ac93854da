"""Upload acceptance latency: how long an archivist waits for the 202 of one scan.

Starts ``yekuo serve`` on embedded defaults in a temporary data directory, creates a case
and uploads N different scans of about SIZE_MB each over HTTP, then prints the median and
p95 of the time from the first byte sent to the 202 received.

    .venv/bin/python -m bench.upload [--count 50] [--size-mb 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx2 as httpx

API = "/api/v1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _scan(seed: int, size: int) -> bytes:
    """A JPEG-headed file of ``size`` bytes, different for each seed (sniffed as JPEG)."""
    body = bytearray(os.urandom(size))
    body[:4] = b"\xff\xd8\xff\xe0"
    body[4:8] = seed.to_bytes(4, "big")
    return bytes(body)


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("yekuo serve exited before it was up")
        try:
            if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise SystemExit("yekuo serve did not answer /healthz within 60 s")


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--size-mb", type=float, default=5.0)
    args = parser.parse_args()
    size = int(args.size_mb * 1024 * 1024)
    yekuo = str(Path(sys.executable).with_name("yekuo"))

    with tempfile.TemporaryDirectory(prefix="yekuo-bench-") as data_dir:
        env = {k: v for k, v in os.environ.items() if not k.startswith("YEKUO_")}
        env["YEKUO_DATA_DIR"] = data_dir
        token = subprocess.run(
            [yekuo, "token", "create", "--role", "admin", "--name", "bench"],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        port = _free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [yekuo, "serve", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(base, server)
            headers = {"Authorization": f"Bearer {token}"}
            with httpx.Client(base_url=base + API, headers=headers, timeout=120) as client:
                client.post(
                    "/cases",
                    json={
                        "case_no": "BENCH-1",
                        "category": "residential",
                        "business_type": "new",
                        "capacity_kva": 8,
                        "customer": {"name": "王小明", "id_number": "11010519491231002X"},
                    },
                ).raise_for_status()
                timings = []
                for seed in range(args.count):
                    content = _scan(seed, size)
                    started = time.perf_counter()
                    response = client.post(
                        "/cases/BENCH-1/documents", files={"file": ("scan.jpg", content)}
                    )
                    timings.append(time.perf_counter() - started)
                    if response.status_code != 202:
                        raise SystemExit(f"upload {seed}: {response.status_code} {response.text}")
        finally:
            server.terminate()
            server.wait(timeout=30)

    timings.sort()
    p95 = timings[max(0, round(0.95 * len(timings)) - 1)]
    median = statistics.median(timings)
    print(
        f"{args.count} uploads of {args.size_mb:g} MB: median {median * 1000:.0f} ms, "
        f"p95 {p95 * 1000:.0f} ms, max {timings[-1] * 1000:.0f} ms "
        f"({args.size_mb / median:.0f} MB/s at the median)"
    )


if __name__ == "__main__":
    main()
