"""Estimating the print's height and enlarging pages whose print is small."""

from __future__ import annotations

import random

import pytest
from PIL import Image, ImageDraw

from intake import Preparation, prepare
from intake._upscale import SMALL_TEXT_HEIGHT, TARGET_TEXT_HEIGHT, text_height, upscale_factor
from synthetic import low_res, render
from synthetic._fonts import get_font


def _print(size: int) -> Image.Image:
    """Lines of Chinese print at ``size`` pixels, on a page scaled with it."""
    scale = size / 32
    page = Image.new("RGB", (round(1000 * scale), round(1400 * scale)), "white")
    draw = ImageDraw.Draw(page)
    font = get_font("sans", size)
    for row in range(12):
        draw.text((60 * scale, (80 + row * 90) * scale), "供电方案答复单", font=font, fill=0)
    return page


@pytest.mark.parametrize("size", [20, 32, 44])
def test_text_height_follows_the_size_of_the_print(size: int) -> None:
    height = text_height(_print(size))
    assert height is not None
    assert 0.7 * size <= height <= 1.1 * size


def test_a_page_without_print_has_no_text_height() -> None:
    assert text_height(Image.new("RGB", (800, 1000), "white")) is None
    assert upscale_factor(Image.new("RGB", (800, 1000), "white")) == 1.0


def test_a_low_resolution_copy_is_enlarged_and_a_normal_scan_is_not() -> None:
    doc = render("supply_plan", random.Random(3))
    assert upscale_factor(doc.images[0]) == 1.0
    copy = low_res(doc.images[0], random.Random(3))
    factor = upscale_factor(copy)
    assert factor > 1.2
    height = text_height(copy)
    assert height is not None
    assert height < SMALL_TEXT_HEIGHT
    assert height * factor == pytest.approx(TARGET_TEXT_HEIGHT, rel=0.01)


def test_prepare_enlarges_small_print_only_when_asked() -> None:
    page = _print(16)
    steps = Preparation(orientation=False, red_channel=False)
    assert prepare(page, steps=steps, detector=None)[0].size == page.size
    enlarged, _ = prepare(page, steps=Preparation(orientation=False, upscale=True), detector=None)
    assert enlarged.width > 1.5 * page.width
