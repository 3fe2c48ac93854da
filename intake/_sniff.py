"""The real type of a file, from its first bytes, never from its name or declared type."""

from __future__ import annotations

from typing import Literal

MediaType = Literal["application/pdf", "image/jpeg", "image/png", "image/tiff"]

ACCEPTED_TYPES: tuple[MediaType, ...] = ("application/pdf", "image/jpeg", "image/png", "image/tiff")
ACCEPTED_DESCRIPTION = "PDF, JPEG, PNG or TIFF scans"
SNIFF_BYTES = 1024

_SIGNATURES: tuple[tuple[bytes, MediaType], ...] = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)

_KNOWN_OTHERS: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"Rar!", "a RAR archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "an executable"),
    (b"BM", "a BMP image"),
    (b"RIFF", "a RIFF file (WebP, AVI or WAV)"),
)


def sniff_media_type(head: bytes) -> MediaType | None:
    """The accepted media type that the leading bytes show, or None.

    A PDF may have a few bytes of junk before ``%PDF-`` (readers allow 1024), so that
    marker is looked for in the whole head; image signatures must start the file.
    """
    for signature, media_type in _SIGNATURES:
        if head.startswith(signature):
            return media_type
    if b"%PDF-" in head[:SNIFF_BYTES]:
        return "application/pdf"
    return None


def describe_unaccepted(head: bytes) -> str:
    """A short human description of a file that is not an accepted type."""
    for signature, description in _KNOWN_OTHERS:
        if head.startswith(signature):
            return description
    if head.lstrip()[:1] in (b"<", b"{", b"["):
        return "a text document (HTML, XML or JSON)"
    return "an unrecognised file type"
