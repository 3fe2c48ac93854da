"""The ObjectStore contract, run against every implementation.

The S3 parametrisation needs a real server (``scripts/services.sh start minio``): it reads
``YEKUO_TEST_S3_ENDPOINT``, ``YEKUO_TEST_S3_ACCESS_KEY`` and ``YEKUO_TEST_S3_SECRET_KEY``.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import (
    LocalObjectStore,
    ObjectNotFoundError,
    ObjectStore,
    ObjectStoreError,
    S3ObjectStore,
)
from tests.databases import missing_server


def _s3_store() -> S3ObjectStore:
    endpoint = os.environ.get("YEKUO_TEST_S3_ENDPOINT")
    if not endpoint:
        missing_server("an S3 server (MinIO)", "YEKUO_TEST_S3_ENDPOINT")
    store = S3ObjectStore(
        endpoint=endpoint,
        bucket=f"yekuo-test-{uuid.uuid4().hex[:12]}",
        access_key=os.environ.get("YEKUO_TEST_S3_ACCESS_KEY", ""),
        secret_key=os.environ.get("YEKUO_TEST_S3_SECRET_KEY", ""),
        secure=False,
    )
    store.ensure_bucket()
    return store


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ObjectStore]:
    """A fresh, empty store of each implementation."""
    made: ObjectStore = (
        LocalObjectStore(tmp_path / "objects") if request.param == "local" else _s3_store()
    )
    try:
        yield made
    finally:
        made.close()


def _put(store: ObjectStore, content: bytes, content_type: str = "image/png") -> str:
    sha256 = hashlib.sha256(content).hexdigest()
    store.put(io.BytesIO(content), sha256=sha256, size=len(content), content_type=content_type)
    return sha256


class FailingStream(io.RawIOBase):
    """A stream that breaks after some bytes, like a disk or a network dying midway."""

    def __init__(self, content: bytes, fail_after: int) -> None:
        self._content, self._position, self._fail_after = content, 0, fail_after

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        if self._position >= self._fail_after:
            raise OSError("simulated failure while reading the upload")
        size = self._fail_after - self._position if size < 0 else size
        chunk = self._content[self._position : min(self._position + size, self._fail_after)]
        self._position += len(chunk)
        return chunk


def test_put_then_read_back(store: ObjectStore) -> None:
    content = os.urandom(3 * 1024 * 1024 + 17)
    sha256 = _put(store, content, "application/pdf")
    info = store.head(sha256)
    assert info is not None
    assert (info.sha256, info.size, info.content_type) == (sha256, len(content), "application/pdf")
    assert store.get_bytes(sha256) == content
    assert b"".join(store.open_chunks(sha256)) == content
    assert store.verify(sha256)


def test_put_is_idempotent(store: ObjectStore) -> None:
    content = b"same bytes"
    first = _put(store, content)
    second = _put(store, content)
    assert first == second
    assert [info.sha256 for info in store.list()] == [first]


def test_missing_object(store: ObjectStore) -> None:
    missing = hashlib.sha256(b"never stored").hexdigest()
    assert store.head(missing) is None
    with pytest.raises(ObjectNotFoundError, match=missing):
        store.get_bytes(missing)


def test_delete_removes_the_object_and_only_it(store: ObjectStore) -> None:
    gone = _put(store, b"a wrong upload")
    kept = _put(store, b"a right upload")
    assert store.delete(gone) is True
    assert store.head(gone) is None
    assert [info.sha256 for info in store.list()] == [kept]
    assert store.delete(gone) is False
    assert store.get_bytes(kept) == b"a right upload"


def test_list_yields_every_object_once(store: ObjectStore) -> None:
    stored = {_put(store, f"object {n}".encode()) for n in range(5)}
    listed = [info.sha256 for info in store.list()]
    assert sorted(listed) == sorted(stored)


def test_bytes_that_do_not_match_the_key_are_refused(store: ObjectStore) -> None:
    claimed = hashlib.sha256(b"what the caller said").hexdigest()
    with pytest.raises(ObjectStoreError, match="upload it again"):
        store.put(io.BytesIO(b"something else"), sha256=claimed, size=20, content_type="image/png")
    assert store.head(claimed) is None
    assert list(store.list()) == []


def test_a_stream_failing_midway_leaves_no_partial_object(store: ObjectStore) -> None:
    content = os.urandom(2 * 1024 * 1024)
    sha256 = hashlib.sha256(content).hexdigest()
    stream = FailingStream(content, fail_after=1024 * 1024)
    with pytest.raises((ObjectStoreError, OSError)):
        store.put(stream, sha256=sha256, size=len(content), content_type="image/png")  # type: ignore[arg-type]
    assert store.head(sha256) is None
    assert list(store.list()) == []
    _put(store, content)
    assert store.get_bytes(sha256) == content


def test_keys_must_be_sha256(store: ObjectStore) -> None:
    for bad in ("../../etc/passwd", "ABC", "g" * 64):
        with pytest.raises(ObjectStoreError, match="not a sha256"):
            store.head(bad)


def test_check_passes_on_a_working_store(store: ObjectStore) -> None:
    store.check()


def test_records_are_named_listed_in_order_and_not_objects(store: ObjectStore) -> None:
    _put(store, b"an original")
    store.put_record("audit/checkpoints/000000000010.json", b'{"last": 10}')
    store.put_record("audit/checkpoints/000000000002.json", b'{"last": 2}')
    store.put_record("other/x.json", b"{}")
    assert store.list_records("audit/checkpoints/") == (
        "audit/checkpoints/000000000002.json",
        "audit/checkpoints/000000000010.json",
    )
    assert store.get_record("audit/checkpoints/000000000010.json") == b'{"last": 10}'
    store.put_record("other/x.json", b'{"again": true}')
    assert store.get_record("other/x.json") == b'{"again": true}'
    assert len(list(store.list())) == 1
    assert store.list_records("nothing/") == ()


@pytest.mark.parametrize("name", ["../escape", "/root", "a/../b", "UPPER", "a//b", ""])
def test_a_record_name_outside_the_records_is_refused(store: ObjectStore, name: str) -> None:
    with pytest.raises(ObjectStoreError, match="not a record name"):
        store.put_record(name, b"x")
    with pytest.raises(ObjectStoreError, match="not a record name"):
        store.get_record(name)


def test_a_missing_record_is_not_found(store: ObjectStore) -> None:
    with pytest.raises(ObjectNotFoundError, match=r"no record audit/none\.json"):
        store.get_record("audit/none.json")
