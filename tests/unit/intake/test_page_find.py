"""Finding and flattening the page in a phone photo; flat scans pass through untouched."""

from __future__ import annotations

import random

import numpy as np
import pytest
from PIL import Image, ImageDraw

from intake import Preparation, prepare
from intake._page_find import find_page, unwarp
from synthetic import capture, degrade, phone_photo, render


def _page() -> Image.Image:
    """An A4-shaped page of print rows in a ruled box, with a hatched mark in its top-left
    corner (thin strokes, as print is, so that flattening the light keeps it)."""
    page = Image.new("RGB", (500, 707), "white")
    draw = ImageDraw.Draw(page)
    draw.rectangle((30, 90, 470, 680), outline=(20, 20, 20), width=3)
    for y in range(110, 660, 28):
        draw.rectangle((50, y, 450, y + 11), fill=(25, 25, 25))
    for y in range(0, 40, 6):
        draw.rectangle((0, y, 39, y + 2), fill=(0, 0, 0))
    return page


class _Upright:
    """A detector that says how far the test page lies from upright, by its dark corner mark."""

    def detect_rotation(self, image: Image.Image) -> int:
        grey = np.asarray(image.convert("L"), dtype=np.float32)
        h, w = grey.shape
        # The mark's corner now, by the clockwise turn that brings it back to the top left.
        corners = {0: grey[:20, :20], 90: grey[h - 20 :, :20], 180: grey[h - 20 :, w - 20 :]}
        corners[270] = grey[:20, w - 20 :]
        return min(corners, key=lambda turn: float(corners[turn].mean()))


def _corner_error(found: tuple[tuple[float, float], ...], truth: np.ndarray) -> float:
    """The largest distance from a found corner to its true one, as a share of the photo."""
    return max(float(np.linalg.norm(truth - np.array(point), axis=1).min()) for point in found)


@pytest.mark.parametrize("seed", [1, 2, 3, 5])
def test_the_page_is_found_in_a_photo_within_a_few_percent(seed: int) -> None:
    photo = phone_photo(_page(), random.Random(seed))
    found = find_page(photo.image)
    assert found is not None
    assert _corner_error(found.corners, np.array(photo.corners)) < 0.02 * max(photo.image.size)
    assert found.paper - found.background >= 40


def test_an_unwarped_photo_is_an_upright_rectangle_of_the_page() -> None:
    photo = phone_photo(_page(), random.Random(1))
    found = find_page(photo.image)
    assert found is not None
    flat = unwarp(photo.image, found)
    ratio = max(flat.size) / min(flat.size)
    assert ratio == pytest.approx(2**0.5, rel=0.02)
    grey = np.asarray(flat.convert("L"), dtype=np.float32)
    # Nothing of the desk is left: the margins of the flattened page are paper.
    assert float(np.percentile(grey[:, : flat.width // 40], 50)) > 120
    assert float(np.percentile(grey[-flat.height // 40 :, :], 50)) > 120


def test_a_sideways_photo_comes_back_upright_and_evenly_lit() -> None:
    photo = phone_photo(_page(), random.Random(0))
    assert photo.image.width > photo.image.height  # this seed holds the phone in landscape
    image, rotation = prepare(photo.image, steps=Preparation(), detector=_Upright())
    assert rotation in (90, 270)
    assert image.height > image.width
    grey = np.asarray(image, dtype=np.float32)
    assert grey[5:25, 5:25].mean() < 180  # the corner mark is top-left again
    paper = grey[60:80, 60:-60]  # between the top edge and the box: paper only
    assert paper.min() > 180  # the shadow and the light's gradient are divided out


@pytest.mark.parametrize("condition", ["clean", "office_scan", "fax", "low_res", "turned"])
def test_a_flat_scan_is_not_taken_for_a_photo(condition: str) -> None:
    scan = capture(_page(), condition, random.Random(7))  # type: ignore[arg-type]
    assert find_page(scan) is None


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_a_hard_copy_with_a_shadow_across_it_is_not_taken_for_a_photo(seed: int) -> None:
    rng = random.Random(seed)
    doc = render("id_card", rng)
    assert find_page(degrade(doc.images[0], "hard", rng)) is None


def test_a_flat_scan_passes_through_preparation_unchanged() -> None:
    scan = degrade(_page(), "mild", random.Random(2))
    steps = Preparation(orientation=False, red_channel=False)
    image, rotation = prepare(scan, steps=steps, detector=None)
    assert image is scan
    assert rotation == 0


def test_a_card_copy_on_a_page_is_not_cut_out() -> None:
    page = Image.new("RGB", (500, 707), "white")
    draw = ImageDraw.Draw(page)
    draw.rounded_rectangle((80, 120, 420, 330), radius=14, fill=(238,) * 3, outline=(120,) * 3)
    draw.rounded_rectangle((80, 400, 420, 610), radius=14, fill=(238,) * 3, outline=(120,) * 3)
    assert find_page(page) is None


def test_a_photo_of_the_desk_alone_has_no_page() -> None:
    desk = np.random.default_rng(0).normal(90, 12, (600, 800, 3)).clip(0, 255).astype(np.uint8)
    assert find_page(Image.fromarray(desk, "RGB")) is None
