"""Capture conditions: repeatable, and each looks as its name says (on small drawn pages)."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from synthetic import (
    CONDITIONS,
    Condition,
    capture,
    fax,
    low_res,
    phone_photo,
    render,
    turned,
    write_scan,
)
from synthetic._capture import FAX_DPI
from synthetic._sheet import DPI


def _page() -> Image.Image:
    page = Image.new("RGB", (420, 594), "white")
    draw = ImageDraw.Draw(page)
    for y in range(60, 560, 30):
        draw.rectangle((40, y, 380, y + 12), fill=(25, 25, 25))
    return page


@pytest.mark.parametrize("condition", CONDITIONS)
def test_every_condition_is_repeatable_and_rgb(condition: Condition) -> None:
    first = capture(_page(), condition, random.Random(4))
    second = capture(_page(), condition, random.Random(4))
    assert first.mode == "RGB"
    assert first.tobytes() == second.tobytes()


def test_clean_capture_is_the_page_itself() -> None:
    assert capture(_page(), "clean", random.Random(1)).tobytes() == _page().tobytes()


def test_a_phone_photo_shows_the_page_in_perspective_on_a_darker_desk() -> None:
    photo = phone_photo(_page(), random.Random(3))
    corners = np.array(photo.corners)
    width, height = photo.image.size
    assert (corners >= 0).all()
    assert (corners[:, 0] <= width).all()
    assert (corners[:, 1] <= height).all()
    sides = [np.linalg.norm(corners[(i + 1) % 4] - corners[i]) for i in range(4)]
    assert abs(sides[0] - sides[2]) > 1 or abs(sides[1] - sides[3]) > 1  # not a rectangle
    grey = np.asarray(photo.image.convert("L"), dtype=np.float32)
    x, y = (int(value) for value in corners.mean(axis=0))
    paper = float(np.percentile(grey[y - 20 : y + 20, x - 20 : x + 20], 90))
    assert paper > float(np.median(grey[:3, :])) + 40


def test_phone_photos_are_sometimes_taken_sideways() -> None:
    photos = [phone_photo(_page(), random.Random(seed)).image for seed in range(8)]
    shapes = {photo.width > photo.height for photo in photos}
    assert shapes == {True, False}


def test_a_fax_is_black_and_white_at_fax_resolution_with_a_header() -> None:
    page = fax(_page(), random.Random(2))
    grey = np.asarray(page.convert("L"))
    assert set(np.unique(grey)) <= {0, 255}
    assert page.width == pytest.approx(_page().width * FAX_DPI / DPI, rel=0.05)
    assert (grey[:30] == 0).any()  # the sender's header line


def test_turned_pages_lie_at_a_quarter_or_half_turn() -> None:
    pages = [turned(_page(), random.Random(seed)) for seed in range(8)]
    assert {page.width > page.height for page in pages} == {True, False}


def test_a_low_resolution_copy_is_about_120_dpi() -> None:
    copy = low_res(_page(), random.Random(5))
    assert 110 / DPI <= copy.width / _page().width <= 130 / DPI


def test_write_scan_keeps_a_fax_lossless_and_a_photo_as_jpeg(tmp_path: Path) -> None:
    doc = render("supply_plan", random.Random(1))
    faxed = write_scan(doc, "fax", random.Random(1), tmp_path / "fax")
    assert faxed.suffix == ".png"
    with Image.open(faxed) as image:
        assert set(np.unique(np.asarray(image.convert("L")))) <= {0, 255}
    assert write_scan(doc, "low_res", random.Random(1), tmp_path / "copy").suffix == ".jpg"
