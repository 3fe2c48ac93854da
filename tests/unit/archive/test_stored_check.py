"""The 四性检测 of the stored archive: every item that applies to stored originals and copies,
each failing on its own kind of damage and naming the 件 and document; each run audited."""

from __future__ import annotations

import io

import pikepdf
from PIL import Image
from sqlalchemy import select

from archive import (
    SYSTEM,
    ArchiveNumberPattern,
    AuditEvent,
    Case,
    Database,
    Document,
    LocalObjectStore,
    last_stored_check,
    load_rule_book,
    run_stored_check,
)
from archive._four_checks import CheckReport
from archive._stored_check import check_stored
from core import Settings, today_in_china
from tests.archived_cases import archived_case

ITEMS = {"A1", "A2", "I2", "I4", "U2", "U3", "S1", "S2"}


def stored_report(settings: Settings, database: Database, store: LocalObjectStore) -> CheckReport:
    with database.transaction() as session:
        return check_stored(
            session,
            store=store,
            pattern=ArchiveNumberPattern.from_settings(settings),
            book=load_rule_book(settings.rules_file),
        )


def failed(report: CheckReport) -> dict[str, str]:
    return {item.id: item.detail for item in report.items if item.result == "fail"}


def only_document(database: Database) -> Document:
    with database.transaction() as session:
        document = session.scalars(select(Document)).one()
        session.expunge(document)
        return document


def test_a_sound_stored_archive_passes_every_item(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    archived_case(settings, database, store, case_no="YK-S1")
    report = stored_report(settings, database, store)
    assert {item.id for item in report.items} == ITEMS
    assert report.passed, failed(report)


def test_an_altered_original_and_a_lost_copy_fail_authenticity_naming_the_document(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    number = archived_case(settings, database, store, case_no="YK-S2")
    document = only_document(database)
    assert document.archival_sha256 is not None
    path = next(settings.resolved_object_store_dir.rglob(document.sha256))
    path.chmod(0o644)
    path.write_bytes(b"\x89PNG altered")
    assert store.delete(document.archival_sha256)
    assert failed(stored_report(settings, database, store)) == {
        "A1": f"{number} document {document.id} original: altered (its bytes no longer hash to "
        f"its digest); {number} document {document.id} archival copy: missing from the object "
        "store"
    }


def test_a_wrong_size_format_metadata_or_number_in_the_register_fails_its_item(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    number = archived_case(settings, database, store, case_no="YK-S3")
    with database.transaction() as session:
        document = session.scalars(select(Document)).one()
        document.size_bytes += 1
        document.media_type = "image/gif"
        document.case.customer.name = " "
        document.case.archive_no = number.replace("-0001", "-0002")
        where = f"{document.case.archive_no} document {document.id}"
    problems = failed(stored_report(settings, database, store))
    size = document.size_bytes
    assert problems["I2"] == f"{where} original: {size - 1} bytes, registered {size}"
    assert problems["U2"] == f"{where} original: format image/gif is not allowed"
    assert problems["I4"] == f"{where}: no 责任者"
    assert problems["A2"] == f"{today_in_china().year}: 件号 1 are not on an archived case"


def scripted_pdf() -> bytes:
    image = io.BytesIO()
    Image.new("RGB", (64, 48), "white").save(image, format="PDF")
    pdf = pikepdf.open(io.BytesIO(image.getvalue()))
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def test_a_stored_pdf_original_with_a_script_fails_security(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    number = archived_case(
        settings, database, store, case_no="YK-S4", content=scripted_pdf(), filename="scan.pdf"
    )
    document = only_document(database)
    assert failed(stored_report(settings, database, store)) == {
        "S2": f"{number} document {document.id} original: an action on opening"
    }


def audited_run(settings: Settings, database: Database, store: LocalObjectStore) -> bool:
    with database.transaction() as session:
        return run_stored_check(
            session,
            store=store,
            pattern=ArchiveNumberPattern.from_settings(settings),
            book=load_rule_book(settings.rules_file),
            actor=SYSTEM,
        ).passed


def test_each_run_is_audited_with_what_passed_and_what_failed(
    settings: Settings, database: Database, store: LocalObjectStore
) -> None:
    archived_case(settings, database, store, case_no="YK-S5")
    document = only_document(database)
    with database.transaction() as session:
        assert last_stored_check(session) is None
    assert audited_run(settings, database, store)
    with database.transaction() as session:
        session.get_one(Case, document.case_id).archived_by = ""
    assert not audited_run(settings, database, store)
    with database.transaction() as session:
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "archive.stored_check")
        ).all()
        last = last_stored_check(session)
    afters = [event.after or {} for event in events]
    assert [after["passed"] for after in afters] == [True, False]
    assert set(afters[0]["passed_items"]) == ITEMS
    assert [item["id"] for item in afters[1]["failed_items"]] == ["I4"]
    assert last is not None
    assert (last.passed, [item.id for item in last.failed]) == (False, ["I4"])
