"""Builds the backends chosen by the settings: the one place that picks implementations."""

from __future__ import annotations

from archive._db import Database
from archive._localstore import LocalObjectStore
from archive._objectstore import ObjectStore
from archive._s3store import S3ObjectStore
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


def open_database(settings: Settings) -> Database:
    """The relational store the settings choose."""
    return Database(settings.resolved_database_url)
