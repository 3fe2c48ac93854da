"""Page preparation steps, each on a small drawn page (no OCR engine needed)."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from intake import Preparation, prepare
from intake._prepare import (
    deskew,
    flatten_lighting,
    red_channel,
    skew_angle,
    stretch_contrast,
    turn,
)


def _lines_page() -> Image.Image:
    """Rows of dark 'text' bars, like a page of print, with a mark in the top-left corner."""
    page = Image.new("RGB", (600, 800), "white")
    draw = ImageDraw.Draw(page)
    for y in range(80, 760, 36):
        draw.rectangle((60, y, 540, y + 12), fill=(25, 25, 25))
    draw.rectangle((0, 0, 29, 29), fill=(0, 0, 0))
    return page


class _Detector:
    def __init__(self, rotation: int) -> None:
        self.rotation = rotation

    def detect_rotation(self, image: Image.Image) -> int:
        return self.rotation


@pytest.mark.parametrize(
    ("rotation", "corner"), [(0, (5, 5)), (90, (795, 5)), (180, (595, 795)), (270, (5, 595))]
)
def test_turn_is_clockwise(rotation: int, corner: tuple[int, int]) -> None:
    turned = turn(_lines_page(), rotation)
    assert turned.getpixel(corner) == (0, 0, 0)


def test_prepare_turns_by_what_the_detector_says_and_reports_it() -> None:
    page = _lines_page().rotate(90, expand=True)  # lying on its side, as a landscape scan
    image, rotation = prepare(page, steps=Preparation(red_channel=False), detector=_Detector(90))
    assert rotation == 90
    assert image.size == (600, 800)
    assert image.getpixel((5, 5)) == (0, 0, 0)


def test_prepare_without_detector_or_orientation_keeps_the_page() -> None:
    page = _lines_page()
    steps = Preparation(orientation=False, red_channel=False)
    assert prepare(page, steps=steps, detector=_Detector(180)) == (page, 0)
    assert prepare(page, steps=Preparation(red_channel=False), detector=None) == (page, 0)


def test_red_channel_fades_a_red_seal_but_keeps_black_and_blue_ink() -> None:
    page = Image.new("RGB", (30, 10), "white")
    page.paste((214, 38, 44), (0, 0, 10, 10))  # seal red
    page.paste((26, 26, 30), (10, 0, 20, 10))  # print
    page.paste((24, 34, 96), (20, 0, 30, 10))  # ballpoint blue
    grey = np.asarray(red_channel(page))
    assert grey.shape == (10, 30)
    assert grey[5, 5] > 200
    assert grey[5, 15] < 40
    assert grey[5, 25] < 40


def test_flatten_lighting_whitens_a_shadowed_page_and_keeps_the_print() -> None:
    page = np.asarray(_lines_page().convert("L"), dtype=np.float32)
    shadow = np.linspace(0.55, 1.0, page.shape[1], dtype=np.float32)[None, :]
    flat = np.asarray(flatten_lighting(Image.fromarray((page * shadow).astype(np.uint8), "L")))
    paper = flat[40:70, :]  # above the first row of print
    assert paper.min() > 225
    assert flat[86, 80] < 90


def test_stretch_contrast_spans_black_to_white() -> None:
    faint = Image.fromarray(np.linspace(90, 170, 256, dtype=np.uint8).reshape(16, 16), "L")
    stretched = np.asarray(stretch_contrast(faint))
    assert stretched.min() <= 5
    assert stretched.max() >= 250


@pytest.mark.parametrize("degrees", [-3.0, -1.5, 2.0, 4.0])
def test_skew_angle_finds_the_tilt_and_deskew_levels_it(degrees: float) -> None:
    tilted = _lines_page().rotate(degrees, expand=True, fillcolor="white")
    assert skew_angle(tilted) == pytest.approx(degrees, abs=0.3)
    assert abs(skew_angle(deskew(tilted))) <= 0.3


def test_deskew_leaves_a_level_page_alone() -> None:
    page = _lines_page()
    assert deskew(page) is page
