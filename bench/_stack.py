"""A running yekuo for a benchmark: its own data, database, bucket and index; serve and workers.

``embedded`` runs on a temporary data directory (SQLite, the local object store, the
embedded index). ``production`` runs on the servers ``scripts/services.sh env`` names
(``YEKUO_TEST_DATABASE_URL``, ``YEKUO_TEST_S3_*``, ``YEKUO_TEST_ELASTICSEARCH_URL``), in a
database, a bucket and an index made for the run and removed afterwards.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import httpx2 as httpx
from elasticsearch import Elasticsearch
from minio import Minio
from sqlalchemy import create_engine, make_url, text

from archive import Actor, Role, create_token, open_database
from core import Settings

Backends = Literal["embedded", "production"]
YEKUO = str(Path(sys.executable).with_name("yekuo"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _needed(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        raise SystemExit(f'{name} is not set: run `eval "$(scripts/services.sh env)"` first')
    return value


@contextmanager
def _postgres_database(tag: str) -> Iterator[str]:
    """A new database on the test server for this run; dropped afterwards."""
    server = _needed("YEKUO_TEST_DATABASE_URL")
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"yekuo_{tag}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def _bucket(tag: str) -> Iterator[dict[str, str]]:
    """The S3 settings of a bucket for this run (yekuo creates it); emptied and removed after."""
    endpoint = _needed("YEKUO_TEST_S3_ENDPOINT")
    access, secret = _needed("YEKUO_TEST_S3_ACCESS_KEY"), _needed("YEKUO_TEST_S3_SECRET_KEY")
    bucket = f"yekuo-{tag}".replace("_", "-")
    try:
        yield {
            "YEKUO_OBJECT_STORE": "s3",
            "YEKUO_S3_ENDPOINT": endpoint,
            "YEKUO_S3_BUCKET": bucket,
            "YEKUO_S3_ACCESS_KEY": access,
            "YEKUO_S3_SECRET_KEY": secret,
            "YEKUO_S3_SECURE": "false",
        }
    finally:
        client = Minio(endpoint, access_key=access, secret_key=secret, secure=False)
        if client.bucket_exists(bucket):
            for item in client.list_objects(bucket, recursive=True):
                if item.object_name is not None:
                    client.remove_object(bucket, item.object_name)
            client.remove_bucket(bucket)


@contextmanager
def _es_index(tag: str) -> Iterator[dict[str, str]]:
    """The search settings of an Elasticsearch index for this run; deleted afterwards."""
    url = _needed("YEKUO_TEST_ELASTICSEARCH_URL")
    index = f"yekuo-{tag}".replace("_", "-")
    try:
        yield {
            "YEKUO_SEARCH_BACKEND": "elasticsearch",
            "YEKUO_ELASTICSEARCH_URL": url,
            "YEKUO_ELASTICSEARCH_INDEX": index,
        }
    finally:
        with Elasticsearch(url) as client:
            client.options(ignore_status=404).indices.delete(index=index)


@dataclass
class Stack:
    """A served yekuo: its settings and environment, its URL and its processes."""

    env: dict[str, str]
    settings: Settings
    base: str = ""
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def yekuo(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a ``yekuo`` command on this stack's backends."""
        return subprocess.run(
            [YEKUO, *args], env=self.env, capture_output=True, text=True, check=False
        )

    def tokens(self, *roles: Role) -> list[str]:
        """A new API token for each of ``roles``."""
        actor = Actor(name="bench", role=Role.admin)
        with open_database(self.settings) as database, database.transaction() as session:
            made = [
                create_token(session, name=f"load-{role.value}", role=role, actor=actor)
                for role in roles
            ]
        return [secret for _row, secret in made]


def _wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("yekuo serve exited before it was up")
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("yekuo serve did not answer /healthz within 90 s")


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [YEKUO, *args], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def running_stack(backends: Backends, data_dir: Path, *, workers: int) -> Iterator[Stack]:
    """``yekuo serve`` and ``workers`` ``yekuo worker`` processes on ``backends``."""
    tag = f"load_{uuid.uuid4().hex[:8]}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("YEKUO_")}
    env |= {"YEKUO_DATA_DIR": str(data_dir), "YEKUO_INTAKE_IN_PROCESS": "false"}
    with ExitStack() as stack:
        if backends == "production":
            env["YEKUO_DATABASE_URL"] = stack.enter_context(_postgres_database(tag))
            env |= stack.enter_context(_bucket(tag))
            env |= stack.enter_context(_es_index(tag))
        settings = Settings(
            data_dir=data_dir, database_url=env.get("YEKUO_DATABASE_URL", ""), _env_file=None
        )
        running = Stack(env=env, settings=settings)
        with open_database(settings) as database:
            database.upgrade()
        port = _free_port()
        server = _start(env, "serve", "--port", str(port))
        stack.callback(_stop, server)
        running.base = f"http://127.0.0.1:{port}"
        for _ in range(workers):
            worker = _start(env, "worker", "--threads", "1")
            stack.callback(_stop, worker)
            running.workers.append(worker)
        _wait_until_up(running.base, server)
        yield running
