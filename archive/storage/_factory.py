"""Builds the object store chosen by the settings: the one place that picks its implementation."""

from __future__ import annotations

from archive.storage._local import LocalObjectStore
from archive.storage._protocol import ObjectStore
from archive.storage._s3 import S3ObjectStore
from core import Settings


def open_object_store(settings: Settings) -> ObjectStore:
    """The object store the settings choose (the S3 bucket is created when missing)."""
    if settings.object_store == "s3":
        store = S3ObjectStore(
            endpoint=settings.s3_endpoint,
            bucket=settings.s3_bucket,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key.get_secret_value(),
            secure=settings.s3_secure,
            region=settings.s3_region,
        )
        store.ensure_bucket()
        return store
    return LocalObjectStore(settings.resolved_object_store_dir)
