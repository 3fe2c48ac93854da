"""Degrading clean pages the way photocopiers, scanners and phone cameras do.

``clean`` is a good flatbed scan; ``mild`` a photocopy (grey paper, speckles, slight skew
and blur, JPEG at a middling quality); ``hard`` a phone photo or a bad copy: turned by
90/180/270 degrees now and then, skewed, uneven lighting with a shadow, lower resolution,
noise, blur and heavy JPEG compression.
"""

from __future__ import annotations

import io
import random
from typing import Literal

import numpy as np
from PIL import Image, ImageFilter

Level = Literal["clean", "mild", "hard"]
LEVELS: tuple[Level, ...] = ("clean", "mild", "hard")

_PAPER_FILL = (246, 244, 238)


def degrade(image: Image.Image, level: Level, rng: random.Random) -> Image.Image:
    """A degraded copy of an RGB page; the same rng state gives the same result."""
    if level == "clean":
        return image.copy()
    if level == "mild":
        page = _skew(image, rng.uniform(-1.2, 1.2))
        page = _paper(page, rng, grey=rng.uniform(4, 12), noise=5.0, speckles=0.0004)
        page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.7)))
        return _jpeg(page, rng.randint(70, 85))
    turn = rng.choice((0, 0, 90, 180, 270))
    page = _skew(image, rng.uniform(-3.0, 3.0))
    page = _lighting(page, rng)
    page = _resample(page, rng.uniform(0.7, 0.8))
    page = _paper(page, rng, grey=rng.uniform(10, 20), noise=9.0, speckles=0.001)
    page = page.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.0)))
    if turn:
        page = page.rotate(turn, expand=True)
    return _jpeg(page, rng.randint(45, 60))


def _skew(image: Image.Image, degrees: float) -> Image.Image:
    return image.rotate(
        degrees, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=_PAPER_FILL
    )


def _paper(
    image: Image.Image, rng: random.Random, *, grey: float, noise: float, speckles: float
) -> Image.Image:
    """Darker, noisy paper with toner speckles."""
    noise_rng = np.random.default_rng(rng.getrandbits(32))
    pixels = np.asarray(image, dtype=np.float32) * (1.0 - grey / 255.0)
    pixels += noise_rng.normal(0.0, noise, size=pixels.shape[:2])[..., None]
    dots = noise_rng.random(pixels.shape[:2]) < speckles
    pixels[dots] = noise_rng.uniform(20, 90)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def _lighting(image: Image.Image, rng: random.Random) -> Image.Image:
    """A phone photo's light: brighter on one side, a soft shadow across a corner."""
    width, height = image.size
    grid_x, grid_y = np.meshgrid(np.linspace(0, 1, width), np.linspace(0, 1, height))
    angle = rng.uniform(0, 2 * np.pi)
    ramp = np.cos(angle) * grid_x + np.sin(angle) * grid_y
    ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    light = 1.0 - rng.uniform(0.15, 0.3) * ramp
    corner_x, corner_y = rng.choice(((0, 0), (1, 0), (0, 1), (1, 1)))
    distance = np.hypot(grid_x - corner_x, grid_y - corner_y)
    light *= 1.0 - rng.uniform(0.15, 0.25) * np.clip(1.0 - distance / 0.6, 0.0, 1.0)
    pixels = np.asarray(image, dtype=np.float32) * light[..., None].astype(np.float32)
    return Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")


def _resample(image: Image.Image, factor: float) -> Image.Image:
    """Lower resolution, as from a phone held far away."""
    size = (round(image.width * factor), round(image.height * factor))
    return image.resize(size, Image.Resampling.BILINEAR)


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("RGB")
