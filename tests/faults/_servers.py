"""Private PostgreSQL, MinIO and Elasticsearch servers the fault tests may stop and kill.

They are started by ``scripts/services.sh`` from its cached binaries, on their own ports and in
their own run directory (``YEKUO_SERVICES_RUN``), so the shared servers other test runs use are
never touched. A fault is a real one: PostgreSQL is stopped with ``pg_ctl -m immediate`` (a
crash: no shutdown checkpoint) and started again on the same data; MinIO is killed and started
again with the command line and environment it ran with; Elasticsearch is stopped and started
again on its data by its own launcher, or replaced by a new, empty node (``services.sh start``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "scripts" / "services.sh"
CACHE = Path(os.environ.get("YEKUO_SERVICES_CACHE", Path.home() / ".cache" / "yekuo-services"))
START_SECONDS = 180

# Ports beside the shared servers' (55432, 59000, 59200): both sets may run at once.
PORTS = {
    "YEKUO_PG_PORT": "55532",
    "YEKUO_MINIO_PORT": "59100",
    "YEKUO_MINIO_CONSOLE_PORT": "59101",
    "YEKUO_ES_PORT": "59250",
    "YEKUO_ES_TRANSPORT_PORT": "59350",
}


class ServerStartError(RuntimeError):
    """A private server did not start (its log's last lines are in the message)."""


@dataclass
class PrivateServers:
    """The private set: ``services.sh`` with this run directory and these ports."""

    run_dir: Path

    @property
    def environment(self) -> dict[str, str]:
        """The environment ``services.sh`` runs in for this set."""
        return dict(os.environ, YEKUO_SERVICES_RUN=str(self.run_dir), **PORTS)

    def services(self, *args: str) -> str:
        """Run ``services.sh ARGS`` for this set; its standard output."""
        done = subprocess.run(
            ["bash", str(SERVICES), *args],
            env=self.environment,
            capture_output=True,
            text=True,
            timeout=START_SECONDS + 60,
            check=False,
        )
        if done.returncode != 0:
            raise ServerStartError(f"services.sh {' '.join(args)} failed: {done.stderr[-2000:]}")
        return done.stdout

    def test_environment(self) -> dict[str, str]:
        """``YEKUO_TEST_*`` addresses of the running private servers."""
        found: dict[str, str] = {}
        for line in self.services("env").splitlines():
            name, _, value = line.removeprefix("export ").partition("=")
            found[name] = value.strip("'")
        return found


@dataclass
class Postgres:
    """The private PostgreSQL: crashed and started again on the same data directory."""

    servers: PrivateServers

    @property
    def data_dir(self) -> Path:
        """The cluster's data directory."""
        return self.servers.run_dir / "postgres" / "data"

    def crash(self) -> None:
        """Stop the server the way a crash does (``-m immediate``)."""
        self._pg_ctl("-m", "immediate", "stop")

    def start(self) -> None:
        """Start it again; it recovers from its WAL."""
        self._pg_ctl("-l", str(self.data_dir.parent / "postgres.log"), "start")

    def _pg_ctl(self, *args: str) -> None:
        pg_ctl = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))[-1]
        as_owner = _as_owner_of(self.data_dir)
        subprocess.run(
            [*as_owner, str(pg_ctl), "-D", str(self.data_dir), "-w", "-t", "60", *args],
            capture_output=True,
            timeout=90,
            check=True,
            start_new_session=True,
        )


@dataclass
class Minio:
    """The private MinIO: killed -9 and started again with its own command line and data."""

    servers: PrivateServers
    _argv: list[str] | None = None
    _env: dict[str, str] | None = None
    _uid: int | None = None
    killed: bool = False
    _process: subprocess.Popen[bytes] | None = None

    @property
    def pid_file(self) -> Path:
        """Where services.sh keeps MinIO's pid (and where a restart writes the new one)."""
        return self.servers.run_dir / "minio" / "minio.pid"

    def kill(self) -> None:
        """SIGKILL the server, remembering how it ran."""
        pid = int(self.pid_file.read_text().split()[0])
        proc = Path(f"/proc/{pid}")
        self._argv = [a.decode() for a in (proc / "cmdline").read_bytes().split(b"\0") if a]
        pairs = (e.decode().partition("=") for e in (proc / "environ").read_bytes().split(b"\0"))
        self._env = {name: value for name, _, value in pairs if name}
        self._uid = proc.stat().st_uid
        os.kill(pid, signal.SIGKILL)
        self.killed = True
        _wait_gone(pid, sent=signal.SIGKILL)

    def start(self) -> None:
        """Start it again on the same data; return once it answers."""
        assert self._argv is not None, "start follows kill"
        with (self.pid_file.parent / "minio.log").open("ab") as log:
            self._process = subprocess.Popen(
                self._argv,
                env=self._env,
                stdout=log,
                stderr=log,
                stdin=subprocess.DEVNULL,
                user=self._uid,
                start_new_session=True,
            )
        self.pid_file.write_text(f"{self._process.pid}\n")
        self.killed = False
        port = PORTS["YEKUO_MINIO_PORT"]
        _wait_for(
            ["curl", "-fsS", "-o", "/dev/null", f"http://127.0.0.1:{port}/minio/health/ready"]
        )

    def stop_restarted(self) -> None:
        """Stop the MinIO this process started again (its child: services.sh cannot reap it)."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=60)
            self._process = None


@dataclass
class Elasticsearch:
    """The private Elasticsearch: stopped, then started again on its data or as a new node."""

    servers: PrivateServers
    url: str
    _launch: tuple[Path, dict[str, str], Path, int, int] | None = None
    stopped: bool = False

    @property
    def run_dir(self) -> Path:
        """The node's directory: config, data, logs and its pid file."""
        return self.servers.run_dir / "elasticsearch"

    def stop(self) -> None:
        """SIGTERM the node (as a service manager stops it), remembering how it was launched."""
        pid = int((self.run_dir / "elasticsearch.pid").read_text().split()[0])
        proc = Path(f"/proc/{pid}")
        argv = [a.decode() for a in (proc / "cmdline").read_bytes().split(b"\0") if a]
        home = next(a.partition("=")[2] for a in argv if a.startswith("-Des.path.home="))
        pairs = (e.decode().partition("=") for e in (proc / "environ").read_bytes().split(b"\0"))
        env = {name: value for name, _, value in pairs if name}
        owner = proc.stat()
        cwd = (proc / "cwd").readlink()
        self._launch = (Path(home) / "bin" / "elasticsearch", env, cwd, owner.st_uid, owner.st_gid)
        os.kill(pid, signal.SIGTERM)
        self.stopped = True
        _wait_gone(pid, sent=signal.SIGTERM)

    def start(self) -> None:
        """Start the node again on its data (``services.sh start`` would wipe it); return once
        its shards are assigned."""
        assert self._launch is not None, "start follows stop"
        launcher, env, cwd, uid, gid = self._launch
        with (self.run_dir / "launcher.log").open("ab") as log:
            subprocess.run(  # -d: the launcher returns once the node runs, detached from it
                [str(launcher), "-d", "-p", str(self.run_dir / "elasticsearch.pid")],
                env=env,
                cwd=cwd,
                user=uid,
                group=gid,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                timeout=START_SECONDS,
                check=True,
                start_new_session=True,
            )
        self.stopped = False
        _wait_for(["curl", "-fsS", f"{self.url}/_cluster/health?wait_for_status=yellow&timeout=5s"])

    def start_empty(self) -> None:
        """Start a new node in place of the stopped one: nothing of the old index is left."""
        self.servers.services("start", "elasticsearch")
        self.stopped = False


def _as_owner_of(path: Path) -> list[str]:
    """The prefix that runs a command as the owner of ``path`` (PostgreSQL refuses root)."""
    uid = path.stat().st_uid
    if os.getuid() == uid:
        return []
    return ["setpriv", f"--reuid={uid}", f"--regid={path.stat().st_gid}", "--clear-groups", "--"]


def _wait_gone(pid: int, *, sent: signal.Signals) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    raise ServerStartError(f"process {pid} did not exit within 30 s of {sent.name}")


def _wait_for(probe: list[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if subprocess.run(probe, capture_output=True, check=False).returncode == 0:
            return
        time.sleep(0.3)
    raise ServerStartError(f"{' '.join(probe)} did not succeed within 60 s")
