"""Batch import stores files on their cases like uploads, and reports what it refused."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from archive import (
    SYSTEM,
    CaseCreate,
    Database,
    DocType,
    ImportItem,
    LocalObjectStore,
    ValidationError,
    create_case,
    expand,
    import_files,
    read_manifest,
)
from core import Settings
from tests.e2e.helpers import case_body, png_bytes


@pytest.fixture
def database(settings: Settings) -> Iterator[Database]:
    with Database(settings.resolved_database_url) as database:
        database.upgrade()
        with database.transaction() as session:
            create_case(session, data=CaseCreate.model_validate(case_body("YK-1")), actor=SYSTEM)
        yield database


def _run(settings: Settings, database: Database, items: list[ImportItem]) -> list[tuple[str, str]]:
    store = LocalObjectStore(settings.resolved_object_store_dir)
    return [
        (result.path.name, result.outcome + (": " + result.message if result.message else ""))
        for result in import_files(
            items,
            database=database,
            store=store,
            tmp_dir=settings.resolved_tmp_dir,
            max_bytes=10_000,
            actor=SYSTEM,
        )
    ]


def test_a_folder_is_imported_and_bad_files_are_refused_with_the_reason(
    settings: Settings, database: Database, tmp_path: Path
) -> None:
    folder = tmp_path / "scans"
    folder.mkdir()
    (folder / "a.png").write_bytes(png_bytes(1))
    (folder / "b.png").write_bytes(png_bytes(2))
    (folder / "copy-of-a.png").write_bytes(png_bytes(1))
    (folder / "notes.jpg").write_bytes(b"PK\x03\x04 a zip renamed")
    (folder / "huge.png").write_bytes(png_bytes(3, size=(2000, 2000)) + b"\0" * 20_000)
    (folder / ".hidden.png").write_bytes(png_bytes(4))
    items = [ImportItem(path=p, case_no="YK-1") for p in expand([folder])]
    items.append(ImportItem(path=folder / "b.png", case_no="YK-404"))
    results = _run(settings, database, items)
    assert [name for name, _ in results] == [
        "a.png",
        "b.png",
        "copy-of-a.png",
        "huge.png",
        "notes.jpg",
        "b.png",
    ]
    outcomes = [outcome for _, outcome in results]
    assert outcomes[:3] == ["stored", "stored", "duplicate"]
    assert outcomes[3].startswith("refused: huge.png is larger than the upload limit")
    assert outcomes[4].startswith("refused: notes.jpg is a ZIP archive")
    assert outcomes[5].startswith("refused: no case YK-404")
    again = _run(settings, database, [ImportItem(path=folder / "b.png", case_no="YK-1")])
    assert again == [("b.png", "duplicate")]


def test_a_manifest_names_cases_and_types_and_a_bad_row_names_its_line(tmp_path: Path) -> None:
    manifest = tmp_path / "batch.csv"
    manifest.write_text(
        "file,case_no,doc_type\nscans/a.png,YK-1,id_card\nscans/b.png,YK-2,\n", encoding="utf-8"
    )
    items = read_manifest(manifest)
    assert items == [
        ImportItem(path=tmp_path / "scans/a.png", case_no="YK-1", doc_type=DocType.id_card),
        ImportItem(path=tmp_path / "scans/b.png", case_no="YK-2", doc_type=None),
    ]
    manifest.write_text("file,case_no,doc_type\na.png,YK-1,passport\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"batch.csv, line 2: 'passport'"):
        read_manifest(manifest)
    manifest.write_text("path,case\na.png,YK-1\n", encoding="utf-8")
    with pytest.raises(ValidationError, match="missing case_no, file"):
        read_manifest(manifest)
