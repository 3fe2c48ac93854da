"""Runs Debian's ``pg_dump`` and ``pg_restore`` for one database URL; translates their failures.

The password travels in ``PGPASSWORD``, never on a command line other users could read.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from archive.backup._errors import BackupToolError

_DEBIAN_ROOT = Path("/usr/lib/postgresql")


def _program(name: str) -> str:
    """The newest Debian build of ``name`` (``/usr/lib/postgresql/N/bin``), else one on PATH."""
    builds = sorted(
        _DEBIAN_ROOT.glob(f"*/bin/{name}"),
        key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0,
    )
    if builds:
        return str(builds[-1])
    found = shutil.which(name)
    if found is None:
        raise BackupToolError(
            f"{name} is not installed: install Debian's postgresql-client (the same major "
            "version as the server), then run the command again"
        )
    return found


def _connection(url: URL) -> tuple[list[str], dict[str, str]]:
    args = ["--host", url.host or "127.0.0.1", "--port", str(url.port or 5432)]
    if url.username:
        args += ["--username", url.username]
    env = dict(os.environ, PGCONNECT_TIMEOUT="10")
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    return args, env


def _run(name: str, url: str, args: list[str]) -> None:
    parsed = make_url(url)
    connection, env = _connection(parsed)
    command = [_program(name), *connection, "--dbname", parsed.database or "", *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        lines = (done.stderr or done.stdout or "no output").strip().splitlines()
        shown = parsed.render_as_string(hide_password=True)
        raise BackupToolError(
            f"{name} failed on {shown}: {lines[-1] if lines else 'no output'}; check that the "
            "server runs and YEKUO_DATABASE_URL, then run the command again"
        )


def pg_dump(*, url: str, target: Path) -> None:
    """A consistent snapshot of the database (``--format=custom``) in ``target``."""
    _run("pg_dump", url, ["--format=custom", "--no-owner", "--file", str(target)])


def pg_restore(*, url: str, source: Path) -> None:
    """Load a ``pg_dump`` archive into the (empty) database, all of it or nothing."""
    _run(
        "pg_restore",
        url,
        ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", str(source)],
    )
