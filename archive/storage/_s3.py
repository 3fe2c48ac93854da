"""ObjectStore on an S3 API (MinIO or any S3) through the ``minio`` client."""

from __future__ import annotations

import contextlib
import hashlib
import io
import uuid
from collections.abc import Iterator
from pathlib import PurePosixPath
from typing import BinaryIO

import urllib3
from minio import Minio
from minio.commonconfig import CopySource, Filter
from minio.error import MinioException, S3Error
from minio.lifecycleconfig import Expiration, LifecycleConfig, Rule

from archive._errors import ObjectNotFoundError, ObjectStoreError
from archive.storage._protocol import (
    CHUNK_SIZE,
    ObjectInfo,
    mismatch_message,
    require_record_name,
    require_sha256,
)
from core import Closing

OBJECTS_PREFIX = "objects/"
UPLOADS_PREFIX = "uploading/"
RECORDS_PREFIX = "records/"


class _HashingReader:
    """Wraps a stream, hashing and counting what the client reads from it."""

    def __init__(self, stream: BinaryIO) -> None:
        self._stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self._stream.read(size)
        self.digest.update(chunk)
        self.size += len(chunk)
        return chunk


class S3ObjectStore(Closing):
    """Objects under ``objects/ab/cd/<sha256>`` in one bucket.

    A put uploads to ``uploading/<random>`` while hashing, and only when the bytes hash to
    the key is the object copied server-side to its final name; the temporary object is
    removed either way (and a bucket lifecycle rule expires any that a crash left behind).
    """

    def __init__(
        self,
        *,
        endpoint: str,
        bucket: str,
        access_key: str,
        secret_key: str,
        secure: bool,
        region: str = "",
    ) -> None:
        self.bucket = bucket
        self.endpoint = endpoint
        self._http = urllib3.PoolManager(
            timeout=urllib3.Timeout(connect=5, read=60),
            retries=urllib3.Retry(total=3, backoff_factor=0.2, status_forcelist=(500, 502, 503)),
        )
        self._client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region or None,
            http_client=self._http,
        )

    def ensure_bucket(self) -> None:
        """Create the bucket if missing, with a rule expiring abandoned temporary uploads."""
        try:
            if not self._client.bucket_exists(self.bucket):
                self._client.make_bucket(self.bucket)
            rule = Rule(
                "Enabled",
                rule_filter=Filter(prefix=UPLOADS_PREFIX),
                rule_id="expire-abandoned-uploads",
                expiration=Expiration(days=1),
            )
            self._client.set_bucket_lifecycle(self.bucket, LifecycleConfig([rule]))
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise self._error(f"could not prepare bucket {self.bucket}", exc) from exc

    def put(self, stream: BinaryIO, *, sha256: str, size: int, content_type: str) -> ObjectInfo:
        """Store the bytes of ``stream`` under ``sha256`` (see ObjectStore)."""
        require_sha256(sha256)
        existing = self.head(sha256)
        if existing is not None:
            return existing
        staging = f"{UPLOADS_PREFIX}{uuid.uuid4().hex}"
        reader = _HashingReader(stream)
        try:
            self._client.put_object(
                self.bucket,
                staging,
                reader,  # type: ignore[arg-type]  # the client only calls read()
                size,
                content_type=content_type,
            )
            actual = reader.digest.hexdigest()
            if actual != sha256 or reader.size != size:
                raise ObjectStoreError(
                    mismatch_message(
                        sha256=sha256, size=size, actual_sha256=actual, actual_size=reader.size
                    )
                )
            self._client.copy_object(
                self.bucket, self._key(sha256), CopySource(self.bucket, staging)
            )
        except (ValueError, OSError) as exc:
            if reader.size < size:
                # The client refuses (IOError) a stream shorter than the size it was promised.
                raise ObjectStoreError(
                    mismatch_message(
                        sha256=sha256,
                        size=size,
                        actual_sha256=reader.digest.hexdigest(),
                        actual_size=reader.size,
                    )
                ) from exc
            raise self._error(f"could not store object {sha256}", exc) from exc
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise self._error(f"could not store object {sha256}", exc) from exc
        finally:
            self._remove_quietly(staging)
        return ObjectInfo(sha256=sha256, size=size, content_type=content_type)

    def head(self, sha256: str) -> ObjectInfo | None:
        """What is stored under ``sha256``, or None."""
        key = self._key(require_sha256(sha256))
        try:
            stat = self._client.stat_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject", "ResourceNotFound"):
                return None
            raise self._error(f"could not look up object {sha256}", exc) from exc
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise self._error(f"could not look up object {sha256}", exc) from exc
        return ObjectInfo(
            sha256=sha256,
            size=stat.size or 0,
            content_type=stat.content_type or "application/octet-stream",
        )

    def open_chunks(self, sha256: str) -> Iterator[bytes]:
        """The object's bytes in chunks, streamed from the server."""
        if self.head(sha256) is None:
            raise ObjectNotFoundError(f"no object {sha256} in bucket {self.bucket}")
        return self._stream(sha256)

    def get_bytes(self, sha256: str) -> bytes:
        """The whole object."""
        return b"".join(self.open_chunks(sha256))

    def list(self) -> Iterator[ObjectInfo]:
        """Every complete object (temporary uploads are not objects)."""
        try:
            for item in self._client.list_objects(
                self.bucket, prefix=OBJECTS_PREFIX, recursive=True
            ):
                name = PurePosixPath(item.object_name or "").name
                yield ObjectInfo(sha256=name, size=item.size or 0, content_type="")
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise self._error("could not list objects", exc) from exc

    def verify(self, sha256: str) -> bool:
        """Whether the stored bytes still hash to ``sha256``."""
        digest = hashlib.sha256()
        for chunk in self.open_chunks(sha256):
            digest.update(chunk)
        return digest.hexdigest() == sha256

    def delete(self, sha256: str) -> bool:
        """Remove the object from the bucket; whether there was one."""
        if self.head(sha256) is None:
            return False
        try:
            self._client.remove_object(self.bucket, self._key(sha256))
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise self._error(f"could not delete object {sha256}", exc) from exc
        return True

    def check(self) -> None:
        """Raise ObjectStoreError if the bucket cannot be reached."""
        try:
            if not self._client.bucket_exists(self.bucket):
                raise ObjectStoreError(
                    f"bucket {self.bucket} does not exist at {self.endpoint}; start yekuo once "
                    "with write access so it creates it, or create it yourself"
                )
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise self._error(f"could not reach bucket {self.bucket}", exc) from exc

    def put_record(self, name: str, data: bytes) -> None:
        """Store the record under ``records/`` (one PUT: S3 shows it whole or not at all)."""
        key = RECORDS_PREFIX + require_record_name(name)
        try:
            self._client.put_object(
                self.bucket, key, io.BytesIO(data), len(data), content_type="application/json"
            )
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise self._error(f"could not store record {name}", exc) from exc

    def get_record(self, name: str) -> bytes:
        """The record's bytes."""
        key = RECORDS_PREFIX + require_record_name(name)
        try:
            response = self._client.get_object(self.bucket, key)
            try:
                return response.read()
            finally:
                response.close()
                response.release_conn()
        except S3Error as exc:
            if exc.code in ("NoSuchKey", "NoSuchObject", "ResourceNotFound"):
                raise ObjectNotFoundError(f"no record {name} in bucket {self.bucket}") from exc
            raise self._error(f"could not read record {name}", exc) from exc
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise self._error(f"could not read record {name}", exc) from exc

    def list_records(self, prefix: str) -> tuple[str, ...]:
        """Names of the records whose name starts with ``prefix``, ascending."""
        try:
            items = self._client.list_objects(
                self.bucket, prefix=RECORDS_PREFIX + prefix, recursive=True
            )
            names = ((item.object_name or "").removeprefix(RECORDS_PREFIX) for item in items)
            return tuple(sorted(names))
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise self._error("could not list records", exc) from exc

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._http.clear()

    def _stream(self, sha256: str) -> Iterator[bytes]:
        try:
            response = self._client.get_object(self.bucket, self._key(sha256))
            try:
                yield from response.stream(CHUNK_SIZE)
            finally:
                response.close()
                response.release_conn()
        except (MinioException, urllib3.exceptions.HTTPError) as exc:
            raise self._error(f"could not read object {sha256}", exc) from exc

    def _remove_quietly(self, key: str) -> None:
        # If this fails, the bucket's lifecycle rule expires the temporary object.
        with contextlib.suppress(MinioException, urllib3.exceptions.HTTPError):
            self._client.remove_object(self.bucket, key)

    @staticmethod
    def _key(sha256: str) -> str:
        return f"{OBJECTS_PREFIX}{sha256[:2]}/{sha256[2:4]}/{sha256}"

    def _error(self, what: str, exc: Exception) -> ObjectStoreError:
        if isinstance(exc, ObjectStoreError):
            return exc
        return ObjectStoreError(
            f"{what} at S3 endpoint {self.endpoint}: {exc}; check that the server is up and "
            "YEKUO_S3_* are right, the upload is kept for a retry"
        )
