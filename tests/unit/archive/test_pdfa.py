"""Archival copies: PDF/A-2b structure, the invisible OCR text, pages of a stack, veraPDF."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
from PIL import Image

from archive._pdfa import CopyMetadata, archival_copy
from tests.databases import missing_server

VERAPDF = Path(__file__).parents[3] / "scripts" / "verapdf.sh"
META = CopyMetadata(
    title="王小明居民身份证",
    creator="王小明",
    archive_no="0412-YK-2026-Y-0001",
    made_at=dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC),
)
WORDS = {"number": 1, "width": 400, "height": 300, "rotation": 0}


def png(size: tuple[int, int] = (400, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "white").save(out, format="PNG")
    return out.getvalue()


def three_page_pdf() -> bytes:
    out = io.BytesIO()
    pages = [Image.new("RGB", (200, 280), colour) for colour in ("white", "grey", "black")]
    pages[0].save(out, format="PDF", save_all=True, append_images=pages[1:])
    return out.getvalue()


def copy_of_png() -> bytes:
    lines = [{"text": "公民身份号码 11010519491231002X", "box": [20, 40, 380, 70]}]
    return archival_copy(
        png(), "image/png", pages=[1], ocr_pages=[{**WORDS, "lines": lines}], metadata=META,
        max_pixels=10**8,
    )  # fmt: skip


def test_a_copy_declares_pdfa_2b_with_an_srgb_output_intent_and_no_active_content() -> None:
    with pikepdf.open(io.BytesIO(copy_of_png())) as pdf:
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("2", "B")
        assert meta["dc:identifier"] == META.archive_no
        intent = pdf.Root.OutputIntents[0]
        assert intent.S == "/GTS_PDFA1"
        assert intent.DestOutputProfile.N == 3
        assert not pdf.is_encrypted
        assert "/Names" not in pdf.Root
        assert "/OpenAction" not in pdf.Root


def test_the_ocr_words_are_an_invisible_text_layer_that_extracts() -> None:
    copy = copy_of_png()
    with pdfplumber.open(io.BytesIO(copy)) as pdf:
        assert pdf.pages[0].extract_text() == "公民身份号码 11010519491231002X"
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        content = pdf.pages[0].Contents.read_bytes()
        assert b"3 Tr" in content  # rendering mode 3: never drawn over the scan


def test_a_part_of_a_stack_copies_only_its_pages() -> None:
    copy = archival_copy(
        three_page_pdf(), "application/pdf", pages=[2, 3], ocr_pages=[], metadata=META,
        max_pixels=10**8,
    )  # fmt: skip
    with pikepdf.open(io.BytesIO(copy)) as pdf:
        assert len(pdf.pages) == 2


def test_copies_validate_as_pdfa_2b_with_verapdf(tmp_path: Path) -> None:
    if shutil.which("java") is None or shutil.which("mvn") is None:
        missing_server("veraPDF (Java and Maven)", "PATH")
    files = []
    for name, data in (
        ("png.pdf", copy_of_png()),
        ("pdf.pdf", archival_copy(three_page_pdf(), "application/pdf", pages=[1, 2, 3],
                                  ocr_pages=[], metadata=META, max_pixels=10**8)),
    ):  # fmt: skip
        (tmp_path / name).write_bytes(data)
        files.append(str(tmp_path / name))
    done = subprocess.run(
        [str(VERAPDF), *files], capture_output=True, text=True, timeout=300, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line.split()[0] for line in done.stdout.splitlines()[-2:]] == ["PASS", "PASS"]


def test_verapdf_refuses_a_plain_pdf(tmp_path: Path) -> None:
    if shutil.which("java") is None or shutil.which("mvn") is None:
        missing_server("veraPDF (Java and Maven)", "PATH")
    plain = pikepdf.new()
    plain.add_blank_page()
    plain.save(tmp_path / "plain.pdf")
    done = subprocess.run(
        [str(VERAPDF), str(tmp_path / "plain.pdf")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert "FAIL" in done.stdout
