"""The scheduled 四性检测 of the stored archive: the worker runs it daily, ``yekuo archive check
--stored`` on demand, and each run is audited (``archive.stored_check``).

Over every archived case in the database, the items of a package's check that apply to what is
stored: the originals and archival copies in the object store still hash to their digests (A1),
the 档号 follow the pattern and each year's 件号 run from 1 without gaps (A2); every catalogued
document has both, of their registered sizes (I2), and the metadata a catalogue needs (I4);
every original is of an allowed format and its bytes are of it (U2); every archival copy
declares PDF/A-2b (U3); no PDF is encrypted (S1) or holds scripts, actions or embedded files
(S2). An object is read once, however many documents share it (the parts of a stack). The
report has the same shape as a package's; the manual items (virus scan, carrier) are the
package's, not the store's.
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._archive_numbers import ArchiveNumberPattern
from archive._audit import record_event
from archive._auth import Actor
from archive._catalogue import CatalogueEntry, catalogue, catalogued_documents
from archive._digests import sha256_hex
from archive._errors import ObjectNotFoundError
from archive._four_checks import CheckItem, CheckReport, format_problem, pdf_items, result_item
from archive._pdf_inspection import PdfFindings
from archive.db._models import AuditEvent, Case
from archive.rules._model import RuleBook
from archive.storage._protocol import ObjectStore

STORED_CHECK_ACTION = "archive.stored_check"


@dataclass
class _Found:
    damaged: list[str] = field(default_factory=list)
    incomplete: list[str] = field(default_factory=list)
    metadata: list[str] = field(default_factory=list)
    formats: list[str] = field(default_factory=list)
    pdf: PdfFindings = field(default_factory=PdfFindings)
    seen: set[str] = field(default_factory=set)


class StoredCheckRun(BaseModel):
    """The last check of the stored archive, as the keeper's start page shows it."""

    at: dt.datetime
    passed: bool
    failed: list[CheckItem]


def check_stored(
    session: Session, *, store: ObjectStore, pattern: ArchiveNumberPattern, book: RuleBook
) -> CheckReport:
    """The 四性检测 of what is archived in the database and the object store."""
    cases = list(session.scalars(select(Case).where(Case.archived_at.is_not(None))).unique())
    found = _Found()
    for case in cases:
        entries = catalogue(case, book=book)
        found.metadata += _metadata_problems(case, entries)
        for document in catalogued_documents(case):
            where = f"{case.archive_no} document {document.id}"
            _inspect(
                store,
                found,
                name=f"{where} original",
                sha256=document.sha256,
                size=document.size_bytes,
                media_type=document.media_type,
                long_term=False,
            )
            if document.archival_sha256 is None:
                found.incomplete.append(f"{where}: no archival copy")
                continue
            _inspect(
                store,
                found,
                name=f"{where} archival copy",
                sha256=document.archival_sha256,
                size=document.archival_size,
                media_type="application/pdf",
                long_term=True,
            )
    # A re-opened case keeps its 档号, so the numbers are those of every case that has one.
    numbered = session.scalars(select(Case).where(Case.archive_no.is_not(None))).unique()
    items: list[CheckItem] = [
        result_item(
            "A1", "authenticity", "存储的原件与长期保存版本摘要一致", found.damaged, "all match"
        ),
        result_item(
            "A2",
            "authenticity",
            "档号符合档号规则，每年件号连续无空号",
            _number_problems(list(numbered), pattern),
            "no gaps",
        ),
        result_item(
            "I2",
            "integrity",
            "每份归档文件的原件与长期保存版本均在，大小与登记一致",
            found.incomplete,
            "all there",
        ),
        result_item(
            "I4",
            "integrity",
            "必备元数据齐全",
            found.metadata,
            f"{len(cases)} 件 have their metadata",
        ),
        result_item(
            "U2", "usability", "原件格式在允许范围内", found.formats, "PDF, JPEG, PNG, TIFF only"
        ),
        *pdf_items(found.pdf),
    ]
    return CheckReport(passed=all(i.result != "fail" for i in items), items=items)


def _inspect(
    store: ObjectStore,
    found: _Found,
    *,
    name: str,
    sha256: str,
    size: int | None,
    media_type: str,
    long_term: bool,
) -> None:
    """Read one stored object (once) and note what is wrong with it; ``long_term``: an
    archival copy, which must declare PDF/A-2b."""
    if sha256 in found.seen:
        return
    found.seen.add(sha256)
    try:
        data = store.get_bytes(sha256)
    except ObjectNotFoundError:
        found.damaged.append(f"{name}: missing from the object store")
        return
    if sha256_hex(data) != sha256:
        found.damaged.append(f"{name}: altered (its bytes no longer hash to its digest)")
        return
    if len(data) != size:
        found.incomplete.append(f"{name}: {len(data)} bytes, registered {size}")
    problem = format_problem(data[:8], media_type)
    if problem:
        found.formats.append(f"{name}: {problem}")
    elif media_type == "application/pdf":
        found.pdf.inspect(io.BytesIO(data), name=name, long_term=long_term)


def _metadata_problems(case: Case, entries: list[CatalogueEntry]) -> list[str]:
    problems = []
    if not case.archived_by:
        problems.append(f"{case.archive_no}: no 归档人 (archived_by)")
    for entry in entries:
        values = {"题名": entry.title, "责任者": entry.author.strip(), "页数": entry.pages}
        empty = [name for name, value in values.items() if not value]
        if empty:
            problems.append(
                f"{case.archive_no} document {entry.document_id}: no {', '.join(empty)}"
            )
    return problems


def _number_problems(cases: list[Case], pattern: ArchiveNumberPattern) -> list[str]:
    matcher = pattern.matcher()
    numbers: dict[int, set[int]] = defaultdict(set)
    problems = []
    for case in cases:
        match = matcher.match(case.archive_no or "")
        if match is None:
            problems.append(
                f"case {case.case_no}: 档号 {case.archive_no!r} does not follow the rule"
            )
            continue
        numbers[int(match.group("year"))].add(int(match.group("number")))
    for year, taken in sorted(numbers.items()):
        gaps = sorted(set(range(1, max(taken) + 1)) - taken)
        if gaps:
            problems.append(f"{year}: 件号 {', '.join(map(str, gaps))} are not on an archived case")
    return problems


def run_stored_check(
    session: Session,
    *,
    store: ObjectStore,
    pattern: ArchiveNumberPattern,
    book: RuleBook,
    actor: Actor,
) -> CheckReport:
    """``check_stored``, audited ``archive.stored_check`` with the items passed and those
    failed (with their detail); the caller commits."""
    report = check_stored(session, store=store, pattern=pattern, book=book)
    record_event(
        session,
        actor=actor,
        action=STORED_CHECK_ACTION,
        entity_type="archive",
        entity_id="stored",
        after={
            "passed": report.passed,
            "passed_items": [i.id for i in report.items if i.result == "pass"],
            "failed_items": [i.model_dump() for i in report.items if i.result == "fail"],
        },
    )
    return report


def last_stored_check(session: Session) -> StoredCheckRun | None:
    """The latest audited check of the stored archive, or None if none has run."""
    event = session.scalar(
        select(AuditEvent)
        .where(AuditEvent.action == STORED_CHECK_ACTION)
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )
    if event is None or event.after is None:
        return None
    return StoredCheckRun(
        at=event.at, passed=event.after["passed"], failed=event.after["failed_items"]
    )
