"""Cleaning faxes: streaks and specks out, ruled lines and print kept, other pages untouched."""

from __future__ import annotations

import random

import numpy as np
from PIL import Image, ImageDraw

from intake._fax import clean_fax, is_bilevel
from synthetic import degrade, fax


def _fax_page() -> Image.Image:
    """A bilevel page: print rows inside a ruled table, a streak down the whole page, specks."""
    page = Image.new("L", (400, 600), 255)
    draw = ImageDraw.Draw(page)
    draw.rectangle((40, 100, 360, 500), outline=0, width=2)
    draw.line((200, 100, 200, 500), fill=0, width=2)  # a table's column rule
    for y in range(120, 480, 30):
        draw.rectangle((60, y, 180, y + 12), fill=0)
    draw.line((300, 0, 300, 599), fill=0, width=1)  # the streak
    for x, y in ((20, 20), (380, 560), (250, 50)):
        page.putpixel((x, y), 0)
    return page


def test_a_fax_is_told_by_its_black_and_white_pixels() -> None:
    page = Image.new("RGB", (300, 400), "white")
    ImageDraw.Draw(page).rectangle((30, 30, 270, 60), fill=(20, 20, 20))
    assert is_bilevel(fax(page, random.Random(1)))
    assert not is_bilevel(degrade(page, "mild", random.Random(1)))


def test_streaks_and_specks_go_and_rules_and_print_stay() -> None:
    cleaned = np.asarray(clean_fax(_fax_page()), dtype=np.float32)
    assert cleaned[10:90, 298:303].min() > 200  # the streak, above the table
    assert cleaned[550:, 298:303].min() > 200  # and below it
    assert cleaned[20, 20] > 200
    assert cleaned[50, 250] > 200
    assert cleaned[300, 199:202].min() < 100  # the column rule
    assert cleaned[126, 100] < 100  # the print


def test_a_page_that_is_not_bilevel_is_returned_as_it_is() -> None:
    page = degrade(Image.new("RGB", (300, 400), "white"), "mild", random.Random(2))
    assert clean_fax(page) is page
