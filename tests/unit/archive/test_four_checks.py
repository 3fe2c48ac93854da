"""四性检测 of a package made here by hand: each kind of damage fails its item, naming the file."""

from __future__ import annotations

import datetime as dt
import io
from importlib import resources
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from archive._archive_numbers import ArchiveNumberPattern
from archive._catalogue import CatalogueEntry
from archive._digests import sha256_hex, sm3_hex
from archive._four_checks import CheckReport, check_package
from archive._pdfa import CopyMetadata, archival_copy
from archive._transfer import PackageFile, catalogue_xml, number_rule_text
from archive._vocabulary import Retention

ARCHIVE_NO = "0412-YK-2026-Y-0001"
FOLDER = f"电子档案/2026/{ARCHIVE_NO}"
PATTERN = ArchiveNumberPattern(pattern="{fonds}-YK-{year}-{retention}-{number:04d}", fonds="0412")


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, format="PNG")
    return out.getvalue()


def pdfa() -> bytes:
    meta = CopyMetadata("题名", "王小明", ARCHIVE_NO, dt.datetime(2026, 1, 5, tzinfo=dt.UTC))
    return archival_copy(
        png(), "image/png", pages=[1], ocr_pages=[], metadata=meta, max_pixels=10**8
    )


def write_package(root: Path, files: list[tuple[int, str, str, bytes]]) -> None:
    """A package of ``(顺序号, 版本, name, bytes)`` files under one 档号."""
    entries = []
    for sequence, version, name, data in files:
        entry = CatalogueEntry(
            sequence=sequence, document_id="d", doc_type="id_card", title="王小明居民身份证",
            author="王小明", date=dt.date(2026, 1, 5), pages=1, page_range="1-1",
            retention=Retention.years_10,
        )  # fmt: skip
        media_type = "application/pdf" if name.endswith(".pdf") else "image/png"
        (root / FOLDER).mkdir(parents=True, exist_ok=True)
        (root / FOLDER / name).write_bytes(data)
        entries.append(
            PackageFile(
                entry=entry, archive_no=ARCHIVE_NO, version=version, media_type=media_type,
                path=f"{FOLDER}/{name}", size=len(data), sha256=sha256_hex(data), sm3=sm3_hex(data),
            )
        )  # fmt: skip
    (root / "文件目录.xml").write_bytes(catalogue_xml(entries, fonds="0412"))
    (root / "其他").mkdir()
    xsd = resources.files("archive").joinpath("transfer_catalogue.xsd").read_bytes()
    (root / "其他/文件目录.xsd").write_bytes(xsd)
    (root / "其他/档号规则.txt").write_text(number_rule_text(PATTERN), encoding="utf-8")
    (root / "其他/移交登记表.txt").write_text("移交登记表\n", encoding="utf-8")
    (root / "说明文件.txt").write_text("说明文件\n", encoding="utf-8")


def failed(report: CheckReport) -> dict[str, str]:
    return {item.id: item.detail for item in report.items if item.result == "fail"}


@pytest.fixture
def package(tmp_path: Path) -> Path:
    write_package(
        tmp_path, [(1, "原件", "001-原件.png", png()), (1, "长期保存", "001-长期保存.pdf", pdfa())]
    )
    return tmp_path


def test_a_whole_package_passes_and_leaves_what_a_person_checks_manual(package: Path) -> None:
    report = check_package(package)
    assert report.passed, failed(report)
    assert {item.id for item in report.items if item.result == "manual"} >= {"S4"}


def test_a_file_outside_the_catalogue_fails_integrity(package: Path) -> None:
    (package / FOLDER / "stray.png").write_bytes(png())
    assert failed(check_package(package)) == {"I3": f"{FOLDER}/stray.png: not in the catalogue"}


def test_a_gap_in_the_sequence_numbers_fails_authenticity(tmp_path: Path) -> None:
    write_package(tmp_path, [(1, "原件", "001.png", png()), (3, "原件", "003.png", png())])
    assert failed(check_package(tmp_path)) == {"A2": f"{ARCHIVE_NO}: 顺序号 [1, 3] have gaps"}


def test_a_script_an_encryption_and_a_plain_pdf_fail_security_and_usability(tmp_path: Path) -> None:
    scripted = pikepdf.open(io.BytesIO(pdfa()))
    scripted.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")
    scripted_bytes = io.BytesIO()
    scripted.save(scripted_bytes)
    locked = io.BytesIO()
    pikepdf.open(io.BytesIO(pdfa())).save(locked, encryption=pikepdf.Encryption(owner="o", user=""))
    plain = io.BytesIO()
    document = pikepdf.new()
    document.add_blank_page()
    document.save(plain)
    write_package(
        tmp_path,
        [
            (1, "长期保存", "001.pdf", scripted_bytes.getvalue()),
            (2, "长期保存", "002.pdf", locked.getvalue()),
            (3, "长期保存", "003.pdf", plain.getvalue()),
        ],
    )
    problems = failed(check_package(tmp_path))
    assert problems["S2"] == f"{FOLDER}/001.pdf: an action on opening"
    assert problems["S1"] == f"{FOLDER}/002.pdf: encrypted"
    assert f"{FOLDER}/003.pdf: not declared PDF/A-2b" in problems["U3"]


def test_a_catalogue_that_is_not_xml_fails_and_names_it(package: Path) -> None:
    (package / "文件目录.xml").write_text("<文件目录><文件>", encoding="utf-8")
    assert "文件目录.xml" in failed(check_package(package))["U1"]


def test_bytes_that_are_not_their_format_fail_usability(tmp_path: Path) -> None:
    write_package(tmp_path, [(1, "原件", "001.png", b"MZ not an image")])
    assert failed(check_package(tmp_path))["U2"] == f"{FOLDER}/001.png: its bytes are not image/png"
