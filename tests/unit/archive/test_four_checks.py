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
from archive._four_checks import OWN_FILES, CheckReport, check_package
from archive._pdfa import CopyMetadata, archival_copy
from archive._transfer import PackageFile, catalogue_xml, manifest_xml, number_rule_text
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
    (root / "其他/四性检测报告.json").write_text('{"passed": true}\n', encoding="utf-8")
    (root / "说明文件.txt").write_text("说明文件\n", encoding="utf-8")
    (root / "其他/摘要清单.xml").write_bytes(manifest_xml(root, names=list(OWN_FILES)))


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
    (package / "其他/备注.txt").write_text("随包附言\n", encoding="utf-8")
    assert failed(check_package(package)) == {
        "I3": "其他/备注.txt: in neither 文件目录.xml nor 其他/摘要清单.xml; "
        f"{FOLDER}/stray.png: in neither 文件目录.xml nor 其他/摘要清单.xml"
    }


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


def flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "name", ["说明文件.txt", "文件目录.xml", "其他/移交登记表.txt", "其他/四性检测报告.json"]
)
def test_a_changed_byte_in_a_file_of_the_package_itself_fails_naming_it(
    package: Path, name: str
) -> None:
    flip_a_byte(package / name)
    problems = failed(check_package(package))
    assert f"{name}: size or SHA256/SM3 do not match 其他/摘要清单.xml" in problems["A3"]


@pytest.mark.parametrize("name", [*OWN_FILES, "其他/摘要清单.xml"])
def test_a_missing_file_of_the_package_itself_fails_naming_it(package: Path, name: str) -> None:
    (package / name).unlink()
    problems = failed(check_package(package))
    assert f"{name}: missing" in problems["I1"]


def test_a_changed_manifest_fails(package: Path) -> None:
    manifest = package / "其他/摘要清单.xml"
    text = manifest.read_text("utf-8")
    manifest.write_text(text.replace("<大小>", "<大小>1", 1), encoding="utf-8")
    assert "do not match 其他/摘要清单.xml" in failed(check_package(package))["A3"]
    manifest.write_text(text.replace("<文件>", "<文件><备注/>", 1), encoding="utf-8")
    assert "其他/摘要清单.xml does not follow its schema" in failed(check_package(package))["A3"]


def test_while_a_package_is_written_its_report_is_not_expected(package: Path) -> None:
    (package / "其他/四性检测报告.json").unlink()
    (package / "其他/摘要清单.xml").write_bytes(
        manifest_xml(package, names=[n for n in OWN_FILES if n != "其他/四性检测报告.json"])
    )
    assert check_package(package, expect_report=False).passed
    assert "其他/四性检测报告.json: missing" in failed(check_package(package))["I1"]


def test_a_damaged_schema_is_a_failed_item_not_a_crash(package: Path) -> None:
    flip = package / "其他/文件目录.xsd"
    flip.write_text(flip.read_text("utf-8").replace("</xs:schema>", ""), encoding="utf-8")
    problems = failed(check_package(package))
    assert "其他/文件目录.xsd is not a readable XML schema" in problems["U1"]
    assert "其他/文件目录.xsd: size or SHA256/SM3 do not match" in problems["A3"]


@pytest.mark.parametrize(
    ("rule", "why"),
    [
        (b"\xff\xfe not UTF-8", "其他/档号规则.txt cannot be read"),
        ("档号格式: {fonds}-{number}\n全宗号: 0412\n".encode(), "is not a usable rule"),
        ("档号格式: {year-{number}\n全宗号: 0412\n".encode(), "is not a usable rule"),
        ("档号规则\n".encode(), "has no 档号格式 and 全宗号 lines"),
    ],
)
def test_an_unreadable_number_rule_is_a_failed_item(package: Path, rule: bytes, why: str) -> None:
    (package / "其他/档号规则.txt").write_bytes(rule)
    problems = failed(check_package(package))
    assert why in problems["A2"]


def scripted_pdf(change: str) -> bytes:
    """The PDF/A copy with JavaScript where S2 must find it: a widget's /AA or an XFA form."""
    pdf = pikepdf.open(io.BytesIO(pdfa()))
    script = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS="app.alert(1)")
    widget = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.Widget,
            Rect=[0, 0, 10, 10],
            FT=pikepdf.Name.Tx,
            T="户名",
        )
    )
    if change == "widget":
        widget.AA = pikepdf.Dictionary(K=script)
        pdf.pages[0].Annots = pdf.make_indirect(pikepdf.Array([widget]))
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array([widget]))
    else:
        xfa = pdf.make_stream(b"<xdp:xdp><script>app.alert(1)</script></xdp:xdp>")
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xfa)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ("widget", "001.pdf: page 1 has an annotation with actions on its events"),
        ("xfa", "001.pdf: an XFA form, which may run scripts"),
    ],
)
def test_javascript_in_a_form_fails_security(tmp_path: Path, change: str, found: str) -> None:
    write_package(tmp_path, [(1, "长期保存", "001.pdf", scripted_pdf(change))])
    assert f"{FOLDER}/{found}" in failed(check_package(tmp_path))["S2"]
