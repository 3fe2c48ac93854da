"""The watched folder: settling, claiming, routing by name or cover, failing, and recovery."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from sqlalchemy import select

from archive import (
    SYSTEM,
    AuditEvent,
    CaseCreate,
    Database,
    Document,
    LocalObjectStore,
    ObjectInfo,
    ObjectStoreError,
    create_case,
)
from archive._cover_pdf import cover_image
from archive._cover_sheets import CoverPage
from core import Settings
from intake import CoverSheet
from synthetic import render, scanned_pdf_bytes
from tests.e2e.helpers import case_body, png_bytes
from worker import IntakeQueue, WatchFolder, WatchResult
from worker._watch_routing import case_by_name

SETTLE = 5.0


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class FlakyStore(LocalObjectStore):
    """A real local store whose ``put`` fails while ``down`` is set."""

    down = False

    def put(self, stream: BinaryIO, *, sha256: str, size: int, content_type: str) -> ObjectInfo:
        if self.down:
            raise ObjectStoreError("the object store at /mnt/objects is not reachable")
        return super().put(stream, sha256=sha256, size=size, content_type=content_type)


@pytest.fixture
def inbox(tmp_path: Path) -> Path:
    folder = tmp_path / "scanner"
    folder.mkdir()
    return folder


@pytest.fixture
def flaky(settings: Settings) -> FlakyStore:
    return FlakyStore(settings.resolved_object_store_dir)


@pytest.fixture
def queue(settings: Settings) -> Iterator[IntakeQueue]:
    queue = IntakeQueue(settings)
    yield queue
    queue.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def watched(
    inbox: Path,
    settings: Settings,
    database: Database,
    flaky: FlakyStore,
    queue: IntakeQueue,
    clock: Clock,
) -> WatchFolder:
    for case_no in ("YK", "YK-2026-0001"):
        with database.transaction() as session:
            create_case(session, data=CaseCreate.model_validate(case_body(case_no)), actor=SYSTEM)
    tuned = settings.model_copy(update={"watch_settle_seconds": SETTLE})
    return WatchFolder(
        inbox, settings=tuned, database=database, store=flaky, queue=queue, clock=clock
    )


def _settle(watched: WatchFolder, clock: Clock) -> list[Path]:
    """Look once, wait out the interval, look again: what is then ready."""
    watched.settled()
    clock.now += SETTLE
    return watched.settled()


def _results(watched: WatchFolder, clock: Clock) -> list[WatchResult]:
    """What one poll after the settle interval files."""
    watched.settled()
    clock.now += SETTLE
    return watched.poll()


def _documents(database: Database) -> list[Document]:
    with database.transaction() as session:
        documents = list(session.scalars(select(Document).order_by(Document.created_at)))
        session.expunge_all()
        return documents


def _cover_scan(case_no: str, doc_type: str) -> bytes:
    """A scanned PDF: the printed cover of ``case_no`` / ``doc_type``, then an ID card."""
    cover = CoverPage(
        sheet=CoverSheet(case_no=case_no, doc_type=doc_type),
        customer_name="王小明",
        doc_type_zh="居民身份证",
        requirement_zh="用电人有效身份证明",
        stage_zh="业务受理",
        alternatives_zh=(),
    )
    card = render("id_card", random.Random(3)).images[0]
    return scanned_pdf_bytes([cover_image(cover).convert("RGB"), card])


def test_a_file_is_taken_only_once_its_size_and_time_stop_changing(
    watched: WatchFolder, inbox: Path, clock: Clock
) -> None:
    scan = inbox / "YK-2026-0001-id.png"
    scan.write_bytes(png_bytes(1)[:40])
    assert watched.settled() == []
    clock.now += SETTLE - 1
    assert watched.settled() == []
    with scan.open("ab") as growing:
        growing.write(b"more")
    assert watched.settled() == []  # changed: the interval starts again
    clock.now += SETTLE - 0.5
    assert watched.settled() == []
    clock.now += 0.5
    assert watched.settled() == [scan]


def test_hidden_partial_and_folder_entries_are_never_taken(
    watched: WatchFolder, inbox: Path, clock: Clock
) -> None:
    for name in (".YK-1.png", "~YK-1.png", "YK-1.png.part", "YK-1.pdf.tmp"):
        (inbox / name).write_bytes(b"x")
    (inbox / "YK-sub").mkdir()
    assert _settle(watched, clock) == []


@pytest.mark.parametrize(
    ("name", "case_no"),
    [
        ("YK-2026-0001-身份证.pdf", "YK-2026-0001"),
        ("YK-2026-0001.pdf", "YK-2026-0001"),
        ("YK-2026-0001-2-副本.png", "YK-2026-0001"),
        ("YK-2026-00012.pdf", "YK"),
        ("YK-other.tif", "YK"),
        ("YK.jpg", "YK"),
        ("ZZ-2026-0001.pdf", None),
        ("YK2026.pdf", None),
        ("-YK.pdf", None),
    ],
)
def test_a_name_routes_to_the_longest_case_number_it_begins_with(
    watched: WatchFolder, database: Database, name: str, case_no: str | None
) -> None:
    with database.transaction() as session:
        assert case_by_name(session, name) == case_no


def test_a_named_file_is_stored_queued_audited_and_moved_to_done(
    watched: WatchFolder, inbox: Path, clock: Clock, database: Database, queue: IntakeQueue
) -> None:
    (inbox / "YK-2026-0001-id.png").write_bytes(png_bytes(1))
    [result] = _results(watched, clock)
    assert (result.outcome, result.case_no, result.routed_by) == ("stored", "YK-2026-0001", "name")
    assert sorted(p.name for p in inbox.rglob("*") if p.is_file()) == ["YK-2026-0001-id.png"]
    assert (inbox / "done" / "YK-2026-0001-id.png").is_file()
    [document] = _documents(database)
    assert document.id == result.document_id
    assert document.uploaded_by == f"watch:{inbox}"
    assert document.original_filename == "YK-2026-0001-id.png"
    assert queue.waiting() == {document.id}
    with database.transaction() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "document.upload"))
        assert event is not None
        assert (event.actor, event.actor_role) == (f"watch:{inbox}", "archivist")


def test_a_cover_sheet_routes_an_unnamed_scan_with_its_document_type(
    watched: WatchFolder, inbox: Path, clock: Clock, database: Database
) -> None:
    (inbox / "scan0001.pdf").write_bytes(_cover_scan("YK-2026-0001", "id_card"))
    [result] = _results(watched, clock)
    assert (result.outcome, result.case_no, result.routed_by) == ("stored", "YK-2026-0001", "cover")
    [document] = _documents(database)
    assert document.doc_type_hint == "id_card"


def _reason(inbox: Path, name: str) -> str:
    assert (inbox / "failed" / name).is_file()
    return (inbox / "failed" / f"{name}.reason.txt").read_text(encoding="utf-8")


def test_a_file_nothing_routes_fails_with_a_reason(
    watched: WatchFolder, inbox: Path, clock: Clock, database: Database
) -> None:
    (inbox / "scan0002.png").write_bytes(png_bytes(2))
    [result] = _results(watched, clock)
    assert (result.outcome, result.code) == ("failed", "case_not_named")
    reason = _reason(inbox, "scan0002.png")
    assert reason.startswith("无法确定所属案件：文件名不以已有的案件编号开头")
    assert "错误代码：case_not_named" in reason
    assert "CASE_NO-….pdf" in reason
    assert _documents(database) == []
    assert list((inbox / "processing").iterdir()) == []


def test_a_cover_naming_an_unknown_case_fails_naming_it(
    watched: WatchFolder, inbox: Path, clock: Clock
) -> None:
    (inbox / "scan0003.pdf").write_bytes(_cover_scan("YK-9999", "id_card"))
    [result] = _results(watched, clock)
    assert (result.outcome, result.code) == ("failed", "case_not_found")
    assert "case YK-9999, which does not exist" in _reason(inbox, "scan0003.pdf")


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("YK-2026-0001-notes.txt", b"not a scan at all", "unsupported_media_type"),
        ("YK-2026-0001-empty.pdf", b"", "empty_upload"),
        ("scan-broken.pdf", b"%PDF-1.7\n1 0 obj\n<<", "corrupt_file"),
    ],
)
def test_a_refused_file_fails_with_the_uploads_code(
    watched: WatchFolder, inbox: Path, clock: Clock, name: str, content: bytes, code: str
) -> None:
    (inbox / name).write_bytes(content)
    [result] = _results(watched, clock)
    assert (result.outcome, result.code) == ("failed", code)
    assert f"错误代码：{code}" in _reason(inbox, name)


def test_the_same_bytes_again_are_a_duplicate_and_a_taken_name_is_kept_apart(
    watched: WatchFolder, inbox: Path, clock: Clock, database: Database
) -> None:
    (inbox / "YK-2026-0001-id.png").write_bytes(png_bytes(4))
    _results(watched, clock)
    (inbox / "YK-2026-0001-id.png").write_bytes(png_bytes(4))
    [again] = _results(watched, clock)
    assert again.outcome == "duplicate"
    assert len(_documents(database)) == 1
    done = sorted(p.name for p in (inbox / "done").iterdir())
    assert done == ["YK-2026-0001-id.1.png", "YK-2026-0001-id.png"]


def test_what_a_dead_process_left_in_processing_is_filed_once_at_start(
    watched: WatchFolder, inbox: Path, database: Database
) -> None:
    # One file died after its upload was committed, one before anything was stored.
    (inbox / "YK-2026-0001-a.png").write_bytes(png_bytes(5))
    stored_before = watched.file(_claimed(inbox, "YK-2026-0001-a.png"))
    (inbox / "done" / "YK-2026-0001-a.png").rename(inbox / "processing" / "YK-2026-0001-a.png")
    (inbox / "processing" / "YK-2026-0001-b.png").write_bytes(png_bytes(6))
    results = {r.name: r for r in watched.recover()}
    assert results["YK-2026-0001-a.png"].outcome == "duplicate"
    assert results["YK-2026-0001-a.png"].document_id == stored_before.document_id
    assert results["YK-2026-0001-b.png"].outcome == "stored"
    assert list((inbox / "processing").iterdir()) == []
    assert len(_documents(database)) == 2
    assert sorted(p.name for p in (inbox / "done").iterdir()) == [
        "YK-2026-0001-a.png",
        "YK-2026-0001-b.png",
    ]


def _claimed(inbox: Path, name: str) -> Path:
    target = inbox / "processing" / name
    (inbox / name).rename(target)
    return target


def test_a_store_outage_puts_the_file_back_and_stores_nothing(
    watched: WatchFolder, inbox: Path, clock: Clock, database: Database, flaky: FlakyStore
) -> None:
    (inbox / "YK-2026-0001-id.png").write_bytes(png_bytes(7))
    flaky.down = True
    [result] = _results(watched, clock)
    assert result.outcome == "retry"
    assert "not reachable" in result.message
    assert (inbox / "YK-2026-0001-id.png").is_file()
    assert [p for p in inbox.rglob("*") if p.is_file()] == [inbox / "YK-2026-0001-id.png"]
    assert _documents(database) == []
    flaky.down = False
    [result] = _results(watched, clock)
    assert result.outcome == "stored"


def test_once_files_what_settles_within_one_interval(
    watched: WatchFolder, inbox: Path, clock: Clock
) -> None:
    (inbox / "YK-2026-0001-id.png").write_bytes(png_bytes(8))
    (inbox / "processing" / "YK-left.png").write_bytes(png_bytes(9))

    def sleep(seconds: float) -> None:
        assert seconds == SETTLE
        clock.now += seconds

    results = watched.once(sleep=sleep)
    assert [(r.name, r.outcome, r.case_no) for r in results] == [
        ("YK-left.png", "stored", "YK"),
        ("YK-2026-0001-id.png", "stored", "YK-2026-0001"),
    ]
