"""Object storage of the originals (a local directory or S3) and the spooling of uploads."""

from archive.storage._factory import open_object_store
from archive.storage._local import LocalObjectStore
from archive.storage._protocol import ObjectInfo, ObjectStore, sha256_of_file
from archive.storage._s3 import S3ObjectStore
from archive.storage._uploads import (
    SpooledUpload,
    UploadSpooler,
    clean_filename,
    remove_orphaned_temporaries,
    temporary_prefix,
    too_large_message,
)

__all__ = [
    "LocalObjectStore",
    "ObjectInfo",
    "ObjectStore",
    "S3ObjectStore",
    "SpooledUpload",
    "UploadSpooler",
    "clean_filename",
    "open_object_store",
    "remove_orphaned_temporaries",
    "sha256_of_file",
    "temporary_prefix",
    "too_large_message",
]
