"""Batch import: many files from disk onto their cases, through the same path as an upload."""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from archive._auth import Actor
from archive._cases import get_case
from archive._documents import store_upload
from archive._errors import ValidationError
from archive._vocabulary import DocType
from archive.db._database import Database
from archive.storage._protocol import ObjectStore
from archive.storage._uploads import UploadSpooler
from core import YekuoError

CHUNK = 1024 * 1024
MANIFEST_COLUMNS = ("file", "case_no", "doc_type")


@dataclass(frozen=True)
class ImportItem:
    """One file to import, the case it belongs to and an optional document type hint."""

    path: Path
    case_no: str
    doc_type: DocType | None = None


@dataclass(frozen=True)
class ImportResult:
    """What became of one file: ``stored``, ``duplicate`` or ``refused`` (with the reason)."""

    path: Path
    case_no: str
    outcome: str
    document_id: str | None = None
    message: str = ""


def read_manifest(path: Path) -> list[ImportItem]:
    """Items from a CSV with the columns file, case_no and optional doc_type.

    Relative file paths are taken from the manifest's directory. A bad row is a
    ValidationError naming the manifest's line.
    """
    items: list[ImportItem] = []
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        missing = {"file", "case_no"} - set(reader.fieldnames or [])
        if missing:
            raise ValidationError(
                f"{path}: the manifest needs the columns {', '.join(MANIFEST_COLUMNS)} "
                f"(doc_type optional); missing {', '.join(sorted(missing))}"
            )
        for row in reader:
            line = reader.line_num
            file, case_no = (row.get("file") or "").strip(), (row.get("case_no") or "").strip()
            if not file or not case_no:
                raise ValidationError(f"{path}, line {line}: file and case_no are both required")
            items.append(
                ImportItem(
                    path=(path.parent / file),
                    case_no=case_no,
                    doc_type=parse_doc_type(row.get("doc_type"), where=f"{path}, line {line}"),
                )
            )
    return items


def parse_doc_type(raw: str | None, *, where: str) -> DocType | None:
    """A document type code, or None for an empty value; ValidationError otherwise."""
    if not raw or not raw.strip():
        return None
    try:
        return DocType(raw.strip())
    except ValueError:
        raise ValidationError(
            f"{where}: {raw!r} is not a document type; use one of "
            + ", ".join(t.value for t in DocType)
        ) from None


def expand(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and the files inside directories (recursively, sorted, no hidden ones)."""
    for path in paths:
        if path.is_dir():
            yield from (
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and not any(part.startswith(".") for part in p.parts)
            )
        else:
            yield path


def import_files(
    items: Iterable[ImportItem],
    *,
    database: Database,
    store: ObjectStore,
    tmp_dir: Path,
    max_bytes: int,
    actor: Actor,
) -> Iterator[ImportResult]:
    """Store each file on its case, one transaction each; a refused file does not stop the rest."""
    for item in items:
        try:
            yield import_file(
                item,
                database=database,
                store=store,
                tmp_dir=tmp_dir,
                max_bytes=max_bytes,
                actor=actor,
            )
        except (YekuoError, OSError) as error:
            message = error.message if isinstance(error, YekuoError) else str(error)
            yield ImportResult(
                path=item.path, case_no=item.case_no, outcome="refused", message=message
            )


def import_file(
    item: ImportItem,
    *,
    database: Database,
    store: ObjectStore,
    tmp_dir: Path,
    max_bytes: int,
    actor: Actor,
) -> ImportResult:
    """Store one file on its case in a transaction of its own (``stored`` or ``duplicate``).

    Raises what an upload of the file would (UploadError, NotFoundError for the case,
    ObjectStoreError), and OSError when the file cannot be read.
    """
    spooler = UploadSpooler(tmp_dir=tmp_dir, max_bytes=max_bytes, filename=item.path.name)
    try:
        with item.path.open("rb") as source:
            while chunk := source.read(CHUNK):
                spooler.write(chunk)
    except OSError:
        spooler.abort()
        raise
    with spooler.finish() as upload, database.transaction() as session:
        case = get_case(session, case_no=item.case_no, actor=actor)
        stored = store_upload(
            session, store=store, case=case, upload=upload, doc_type_hint=item.doc_type, actor=actor
        )
        return ImportResult(
            path=item.path,
            case_no=item.case_no,
            outcome="duplicate" if stored.duplicate else "stored",
            document_id=stored.document.id,
        )


REPORT_COLUMNS = ("file", "case_no", "outcome", "document_id", "message", "at")
DONE_OUTCOMES = ("stored", "duplicate")


class ImportReport:
    """A CSV of every file's outcome, appended and flushed file by file.

    An interrupted import leaves a valid report; ``imported`` reads it back so that the
    next run (``--resume``) skips what is already stored.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        fresh = not path.exists() or path.stat().st_size == 0
        self._handle = path.open("a", newline="", encoding="utf-8")
        self._writer = csv.writer(self._handle)
        if fresh:
            self._writer.writerow(REPORT_COLUMNS)
            self._handle.flush()

    def write(self, result: ImportResult) -> None:
        """Record one file's outcome, durably."""
        self._writer.writerow(
            (
                str(result.path.resolve()),
                result.case_no,
                result.outcome,
                result.document_id or "",
                result.message,
                dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            )
        )
        self._handle.flush()
        os.fsync(self._handle.fileno())

    def close(self) -> None:
        """Close the file."""
        self._handle.close()

    @staticmethod
    def imported(path: Path) -> set[tuple[str, str]]:
        """(file, case_no) pairs a previous run stored or found already stored."""
        if not path.exists():
            return set()
        with path.open(newline="", encoding="utf-8") as handle:
            return {
                (row["file"], row["case_no"])
                for row in csv.DictReader(handle)
                if row.get("outcome") in DONE_OUTCOMES
            }


def not_yet_imported(items: list[ImportItem], done: set[tuple[str, str]]) -> list[ImportItem]:
    """The items a previous run (its report read with ``ImportReport.imported``) did not store."""
    return [item for item in items if (str(item.path.resolve()), item.case_no) not in done]
