"""Marks that are not printed text: red round seals, handwriting-like signatures, emblems."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from PIL import Image, ImageChops, ImageDraw

from synthetic._fonts import get_font

SEAL_RED = (214, 38, 44)
PEN_BLUE = (24, 34, 96)


def stamp(page: Image.Image, mark: Image.Image, center: tuple[int, int]) -> None:
    """Multiply an RGB mark drawn on white onto the page, as ink over print."""
    left = center[0] - mark.width // 2
    top = center[1] - mark.height // 2
    box = (left, top, left + mark.width, top + mark.height)
    page.paste(ImageChops.multiply(page.crop(box), mark), box)


def _star(
    center: tuple[float, float], radius: float, angle: float = -90.0
) -> list[tuple[float, float]]:
    """The ten corners of a five-pointed star."""
    points = []
    for index in range(10):
        r = radius if index % 2 == 0 else radius * 0.382
        theta = math.radians(angle + index * 36)
        points.append((center[0] + r * math.cos(theta), center[1] + r * math.sin(theta)))
    return points


def _arc_text(canvas: Image.Image, text: str, radius: float, size: int) -> None:
    """Draw text clockwise along the top of a circle centred in canvas, characters upright.

    Long names get condensed characters, as seal engravers do, so they never overlap.
    """
    span = min(250.0, 24.0 * len(text))
    step = radius * math.radians(span) / len(text)
    font = get_font("serif_bold", size)
    glyph_width = max(8, int(min(size, step * 0.95)))
    centre = canvas.width / 2
    for index, char in enumerate(text):
        phi = 270 - span / 2 + span * (index + 0.5) / len(text)
        glyph = Image.new("L", (size, size), 0)
        ImageDraw.Draw(glyph).text((size / 2, size / 2), char, font=font, fill=255, anchor="mm")
        square = Image.new("L", (size * 2, size * 2), 0)
        square.paste(glyph.resize((glyph_width, size)), ((size * 2 - glyph_width) // 2, size // 2))
        square = square.rotate(-(phi - 270), resample=Image.Resampling.BICUBIC)
        x = centre + radius * math.cos(math.radians(phi)) - size
        y = centre + radius * math.sin(math.radians(phi)) - size
        canvas.paste(0, (int(x), int(y)), square)


def make_seal(rng: random.Random, text: str, *, radius: int = 190, bottom: str = "") -> Image.Image:
    """A red round company seal (ring, star, name along the arc, optional bottom line)."""
    side = radius * 2 + 8
    canvas = Image.new("L", (side, side), 255)
    draw = ImageDraw.Draw(canvas)
    c = side / 2
    ring = max(6, radius // 18)
    draw.ellipse((c - radius, c - radius, c + radius, c + radius), outline=0, width=ring)
    draw.polygon(_star((c, c), radius * 0.3), fill=0)
    _arc_text(canvas, text, radius * 0.68, max(24, int(radius * 0.24)))
    if bottom:
        font = get_font("serif_bold", int(radius * 0.17))
        draw.text((c, c + radius * 0.52), bottom, font=font, fill=0, anchor="mm")
    canvas = canvas.rotate(rng.uniform(-25, 25), resample=Image.Resampling.BICUBIC, fillcolor=255)
    return _ink(rng, canvas, SEAL_RED, patchy=0.45)


def _ink(
    rng: random.Random, mask: Image.Image, colour: tuple[int, int, int], patchy: float
) -> Image.Image:
    """Colour a mask (0 = ink) with uneven ink density, on white."""
    noise_rng = np.random.default_rng(rng.getrandbits(32))
    coverage = 1.0 - np.asarray(mask, dtype=np.float32) / 255.0
    small = noise_rng.uniform(
        1.0 - patchy, 1.0, size=(max(2, mask.height // 24), max(2, mask.width // 24))
    )
    density = cv2.resize(
        small.astype(np.float32), (mask.width, mask.height), interpolation=cv2.INTER_CUBIC
    )
    alpha = np.clip(coverage * density, 0.0, 1.0)[..., None]
    ink = np.array(colour, dtype=np.float32)[None, None, :]
    rgb = 255.0 * (1.0 - alpha) + ink * alpha
    return Image.fromarray(rgb.astype(np.uint8), "RGB")


def make_signature(rng: random.Random, name: str, *, height: int = 90) -> Image.Image:
    """A handwriting-like signature: uneven, tilted, slanted and wavy characters, a flourish."""
    font_kind = rng.choice(("hei", "sans"))
    width = int(height * (len(name) + 2))
    canvas = Image.new("L", (width, int(height * 1.9)), 255)
    draw = ImageDraw.Draw(canvas)
    x = height * 0.3
    for char in name:
        size = int(height * rng.uniform(0.8, 1.15))
        glyph = Image.new("L", (size * 2, size * 2), 0)
        ImageDraw.Draw(glyph).text(
            (size, size), char, font=get_font(font_kind, size), fill=255, anchor="mm"
        )
        glyph = glyph.rotate(rng.uniform(-14, 14), resample=Image.Resampling.BICUBIC)
        canvas.paste(0, (int(x - size * 0.5), int(height * rng.uniform(0.05, 0.3))), glyph)
        x += size * rng.uniform(0.72, 0.92)
    tail_y = height * rng.uniform(1.15, 1.45)
    points = [
        (height * 0.2, tail_y),
        (x * 0.5, tail_y + height * 0.15),
        (x + height * 0.3, tail_y - height * 0.4),
    ]
    draw.line(points, fill=0, width=max(2, height // 28), joint="curve")
    return _ink(rng, _warp(rng, canvas), PEN_BLUE, patchy=0.25)


def _warp(rng: random.Random, canvas: Image.Image) -> Image.Image:
    """Slant and wave a mask so printed glyphs look written by hand."""
    pixels = np.asarray(canvas, dtype=np.uint8)
    rows, cols = pixels.shape
    grid_x, grid_y = np.meshgrid(
        np.arange(cols, dtype=np.float32), np.arange(rows, dtype=np.float32)
    )
    shear = rng.uniform(0.2, 0.45)
    amplitude = rng.uniform(2.0, 5.0)
    period = rng.uniform(40.0, 90.0)
    map_x = grid_x + shear * (grid_y - rows / 2) + amplitude * np.sin(grid_y / period * 2 * np.pi)
    map_y = grid_y + amplitude * np.sin(grid_x / period * 2 * np.pi)
    warped = cv2.remap(pixels, map_x, map_y, cv2.INTER_LINEAR, borderValue=255)
    return Image.fromarray(warped, "L")


def draw_emblem(
    draw: ImageDraw.ImageDraw,
    center: tuple[float, float],
    radius: float,
    fill: tuple[int, int, int],
) -> None:
    """A national-emblem-like roundel (circle, stars, gate outline) in one colour."""
    cx, cy = center
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=fill, width=4)
    draw.polygon(_star((cx, cy - radius * 0.38), radius * 0.26), fill=fill)
    for index in range(4):
        theta = math.radians(-150 + index * 40)
        small = (
            cx + radius * 0.55 * math.cos(theta),
            cy - radius * 0.05 + radius * 0.45 * math.sin(theta),
        )
        draw.polygon(_star(small, radius * 0.09), fill=fill)
    gate = (cx - radius * 0.5, cy + radius * 0.15, cx + radius * 0.5, cy + radius * 0.5)
    draw.rectangle(gate, outline=fill, width=3)
    draw.rectangle(
        (cx - radius * 0.15, cy + radius * 0.28, cx + radius * 0.15, cy + radius * 0.5), fill=fill
    )


def draw_portrait(page: Image.Image, box: tuple[int, int, int, int], grey: int) -> None:
    """A head-and-shoulders silhouette standing in for the ID card photo, clipped to box."""
    width, height = box[2] - box[0], box[3] - box[1]
    mask = Image.new("L", (width, height), 0)
    draw = ImageDraw.Draw(mask)
    cx = width / 2
    draw.ellipse((cx - width * 0.24, height * 0.1, cx + width * 0.24, height * 0.55), fill=255)
    draw.ellipse((width * 0.02, height * 0.62, width * 0.98, height * 1.4), fill=255)
    draw.rectangle((cx - width * 0.09, height * 0.5, cx + width * 0.09, height * 0.7), fill=255)
    page.paste((grey, grey, grey), box[:2], mask)
