"""Reading a multipart upload as it arrives: the file part goes straight to a spooler.

Starlette's form parser reads the whole body before the route runs; this reader lets the
size limit stop a 2 GB upload at the limit instead of after it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import Request
from python_multipart.multipart import MultipartParser, parse_options_header

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

from archive import (
    EmptyUploadError,
    SpooledUpload,
    UploadError,
    UploadSpooler,
    UploadTooLargeError,
    too_large_message,
)

FILE_FIELD = "file"
MAX_TEXT_FIELD_BYTES = 1024
MULTIPART_OVERHEAD_BYTES = 64 * 1024


@dataclass
class UploadForm:
    """The spooled file part and the small text fields beside it."""

    upload: SpooledUpload
    fields: dict[str, str]


@dataclass
class _FormState:
    tmp_dir: Path
    max_bytes: int
    headers: dict[bytes, bytes] = field(default_factory=dict)
    header_field: bytes = b""
    header_value: bytes = b""
    spooler: UploadSpooler | None = None
    upload: SpooledUpload | None = None
    text_name: str | None = None
    text_value: bytearray = field(default_factory=bytearray)
    fields: dict[str, str] = field(default_factory=dict)
    in_file_part: bool = False

    def on_part_begin(self) -> None:
        self.headers, self.text_name, self.in_file_part = {}, None, False
        self.text_value = bytearray()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.headers[self.header_field.strip().lower()] = self.header_value.strip()
        self.header_field, self.header_value = b"", b""

    def on_headers_finished(self) -> None:
        _, params = parse_options_header(self.headers.get(b"content-disposition", b""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        if name == FILE_FIELD:
            if self.spooler is not None:
                raise UploadError("send one file per request in the part named 'file'")
            filename = params.get(b"filename", b"").decode("utf-8", "replace")
            self.spooler = UploadSpooler(
                tmp_dir=self.tmp_dir, max_bytes=self.max_bytes, filename=filename
            )
            self.in_file_part = True
        else:
            self.text_name = name

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.in_file_part and self.spooler is not None:
            self.spooler.write(data[start:end])
        elif self.text_name is not None:
            self.text_value += data[start:end]
            if len(self.text_value) > MAX_TEXT_FIELD_BYTES:
                raise UploadError(f"form field {self.text_name!r} is too long")

    def on_part_end(self) -> None:
        if self.in_file_part and self.spooler is not None:
            self.upload = self.spooler.finish()
            self.in_file_part = False
        elif self.text_name is not None:
            self.fields[self.text_name] = self.text_value.decode("utf-8", "replace").strip()

    def abort(self) -> None:
        if self.upload is not None:
            self.upload.close()
        elif self.spooler is not None:
            self.spooler.abort()


async def read_upload_form(request: Request, *, tmp_dir: Path, max_bytes: int) -> UploadForm:
    """The request's file part spooled to disk, refusing it as soon as it passes the limit."""
    content_type, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if content_type != b"multipart/form-data" or not boundary:
        raise EmptyUploadError(
            "send the scan as multipart/form-data with the file in a part named 'file'"
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes + MULTIPART_OVERHEAD_BYTES:
        raise UploadTooLargeError(too_large_message("the upload", max_bytes))
    state = _FormState(tmp_dir=tmp_dir, max_bytes=max_bytes)
    parser = MultipartParser(boundary, _callbacks(state))
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except BaseException:
        state.abort()
        raise
    if state.upload is None:
        state.abort()
        raise EmptyUploadError("the request has no complete part named 'file'; attach the scan")
    return UploadForm(upload=state.upload, fields=state.fields)


def _callbacks(state: _FormState) -> MultipartCallbacks:
    return {
        "on_part_begin": state.on_part_begin,
        "on_header_field": state.on_header_field,
        "on_header_value": state.on_header_value,
        "on_header_end": state.on_header_end,
        "on_headers_finished": state.on_headers_finished,
        "on_part_data": state.on_part_data,
        "on_part_end": state.on_part_end,
    }
