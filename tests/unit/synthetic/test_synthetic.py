"""The synthetic corpus: every type renders, identifiers validate, outputs decode."""

from __future__ import annotations

import io
import random

import pdfplumber
import pypdfium2
import pytest
from PIL import Image, ImageDraw

from intake import is_valid_citizen_id, is_valid_credit_code
from synthetic import (
    DOC_TYPES,
    HELD_OUT_LAYOUTS,
    LAYOUTS,
    degrade,
    jpeg_bytes,
    png_bytes,
    render,
    scanned_pdf_bytes,
    text_pdf_bytes,
    tiff_bytes,
)
from synthetic._sheet import PrintedLine, raster_order

_IDENTIFIERS = {"id_number": is_valid_citizen_id, "credit_code": is_valid_credit_code}


@pytest.mark.parametrize("doc_type", DOC_TYPES)
def test_every_type_renders_pages_text_and_fields(doc_type: str) -> None:
    doc = render(doc_type, random.Random(7))
    assert doc.doc_type == doc_type
    assert doc.pages == len(doc.page_texts) >= 1
    assert all(image.mode == "RGB" and image.width > 1000 for image in doc.images)
    assert doc.fields
    assert all(value for value in doc.fields.values())
    for name, check in _IDENTIFIERS.items():
        if name in doc.fields:
            assert check(doc.fields[name]), (name, doc.fields[name])
            assert doc.fields[name] in doc.text


@pytest.mark.parametrize(
    ("doc_type", "field"), [("id_card", "id_number"), ("business_license", "credit_code")]
)
def test_invalid_identifiers_fail_their_check(doc_type: str, field: str) -> None:
    for seed in range(2):
        doc = render(doc_type, random.Random(seed), valid_identifiers=False)
        assert not _IDENTIFIERS[field](doc.fields[field])


_EVERY_LAYOUT = [(doc_type, layout) for doc_type in DOC_TYPES for layout in LAYOUTS[doc_type]]


@pytest.mark.parametrize(("doc_type", "layout"), _EVERY_LAYOUT)
def test_every_layout_renders_its_fields_and_records_its_name(doc_type: str, layout: str) -> None:
    doc = render(doc_type, random.Random(11), layout=layout)
    assert doc.layout == layout
    assert doc.fields
    for name in ("agent_name", "agent_id_number"):
        if name in doc.fields:
            assert doc.fields[name] in doc.text.replace("\n", ""), (name, doc.fields[name])


def test_layouts_are_drawn_at_random_and_repeatably() -> None:
    drawn = {render("inspection_record", random.Random(seed)).layout for seed in range(30)}
    assert drawn == set(LAYOUTS["inspection_record"])
    assert [render("meter_installation", random.Random(4)).layout for _ in range(2)] == [
        render("meter_installation", random.Random(4)).layout
    ] * 2


def test_some_layouts_are_held_out_of_tuning_and_some_not() -> None:
    every = {layout for layouts in LAYOUTS.values() for layout in layouts}
    assert every > HELD_OUT_LAYOUTS
    for doc_type in ("inspection_record", "meter_installation", "authorization_letter"):
        assert set(LAYOUTS[doc_type]) - HELD_OUT_LAYOUTS, doc_type
        assert set(LAYOUTS[doc_type]) & HELD_OUT_LAYOUTS, doc_type


def test_a_layout_the_type_does_not_have_is_refused() -> None:
    with pytest.raises(ValueError, match="record_box"):
        render("inspection_record", random.Random(1), layout="letter_prose")


def test_unknown_type_is_refused_with_the_known_ones() -> None:
    with pytest.raises(KeyError, match=r"id_card"):
        render("passport", random.Random(1))


def test_same_seed_same_document() -> None:
    first, second = (
        render("application_form", random.Random(3)),
        render("application_form", random.Random(3)),
    )
    assert first.fields == second.fields
    assert first.images[0].tobytes() == second.images[0].tobytes()


def test_ground_truth_reads_rows_across_columns() -> None:
    lines = [
        PrintedLine("建设单位", (900, 100, 1050, 134)),
        PrintedLine("中华人民共和国", (200, 104, 600, 150)),
        PrintedLine("编号：001", (200, 300, 420, 334)),
        PrintedLine("建设位置", (900, 296, 1050, 330)),
        PrintedLine("北京市朝阳区", (1100, 298, 1400, 332)),
    ]
    assert raster_order(lines) == ["中华人民共和国 建设单位", "编号：001 建设位置 北京市朝阳区"]


def test_a_label_between_two_wrapped_lines_is_a_row_of_its_own() -> None:
    lines = [
        PrintedLine("成都德恒物流股", (545, 379, 783, 413)),
        PrintedLine("户名", (205, 404, 273, 438)),
        PrintedLine("份有限公司", (545, 428, 715, 462)),
    ]
    assert raster_order(lines) == ["成都德恒物流股", "户名", "份有限公司"]


@pytest.mark.parametrize("doc_type", ["planning_permit", "design_drawing", "id_card"])
def test_every_line_recorded_once_where_it_is_printed(doc_type: str) -> None:
    doc = render(doc_type, random.Random(5))
    lines = doc.page_lines[0]
    assert len(set(lines)) == len(lines)
    width, height = doc.images[0].size
    assert all(0 <= line.box[0] < line.box[2] <= width for line in lines)
    assert all(0 <= line.box[1] < line.box[3] <= height for line in lines)


def _sample_page() -> Image.Image:
    page = Image.new("RGB", (400, 300), "white")
    draw = ImageDraw.Draw(page)
    for y in range(30, 280, 40):
        draw.rectangle((30, y, 370, y + 14), fill=(20, 20, 20))
    return page


@pytest.mark.parametrize("level", ["clean", "mild", "hard"])
def test_degrade_is_repeatable_and_keeps_the_page(level: str) -> None:
    page = _sample_page()
    first = degrade(page, level, random.Random(11))  # type: ignore[arg-type]
    second = degrade(page, level, random.Random(11))  # type: ignore[arg-type]
    assert first.mode == "RGB"
    assert first.tobytes() == second.tobytes()
    assert 0.6 * min(page.size) <= min(first.size) <= 1.1 * max(page.size)


def test_hard_degradation_sometimes_turns_the_page() -> None:
    page = _sample_page()
    shapes = {degrade(page, "hard", random.Random(seed)).width > 300 for seed in range(6)}
    assert shapes == {True, False}


def test_image_writers_decode() -> None:
    pages = [_sample_page(), _sample_page().rotate(180)]
    for data, expected in ((jpeg_bytes(pages[0]), "JPEG"), (png_bytes(pages[0]), "PNG")):
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == expected
            assert image.size == (400, 300)
    with Image.open(io.BytesIO(tiff_bytes(pages))) as tiff:
        assert tiff.format == "TIFF"
        assert getattr(tiff, "n_frames", 1) == 2


def test_pdf_writers_decode() -> None:
    pages = [_sample_page(), _sample_page()]
    scanned = pypdfium2.PdfDocument(scanned_pdf_bytes(pages))
    assert len(scanned) == 2
    scanned.close()
    texts = ["供用电合同\n合同编号：GYD2023110108", "第二页 2023年05月12日"]
    with pdfplumber.open(io.BytesIO(text_pdf_bytes(texts))) as pdf:
        assert [page.extract_text() for page in pdf.pages] == texts
