"""Capture conditions: how a clean page reaches yekuo besides a good flatbed scan.

``phone_photo`` is the page photographed on a desk (perspective tilt, uneven light, a shadow,
slight blur, JPEG); ``fax`` a 150 dpi binarised fax with its streaks, speckles and header
line; ``turned`` a clean or office scan lying at 90, 180 or 270 degrees; ``low_res`` a copy
at about 120 dpi, as ID card copies often are. ``capture`` applies a named condition
(``office_scan`` is ``degrade``'s ``mild`` level). Each takes its randomness from the rng
passed in, so the same seed gives the same image; the page's text and fields are untouched.
"""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from synthetic._degrade import degrade
from synthetic._fonts import get_font
from synthetic._sheet import DPI

Condition = Literal["clean", "office_scan", "phone_photo", "fax", "turned", "low_res"]
CONDITIONS: tuple[Condition, ...] = (
    "clean",
    "office_scan",
    "phone_photo",
    "fax",
    "turned",
    "low_res",
)

FAX_DPI = 150
LOW_RES_DPI = 120

Corners = tuple[tuple[float, float], ...]
"""A page's corners in photo pixels: top-left, top-right, bottom-right, bottom-left of the page."""

_FRAME = 1.22  # the photo's long side over the page's long side in it
_FOCAL = 1.6  # the camera's focal length in units of the page's long side


@dataclass(frozen=True)
class PhonePhoto:
    """A photo of a page on a desk and where the page's corners are in it."""

    image: Image.Image
    corners: Corners


def capture(image: Image.Image, condition: Condition, rng: random.Random) -> Image.Image:
    """The RGB page as it arrives under ``condition`` (the same rng state, the same image)."""
    if condition == "clean":
        return image.copy()
    if condition == "office_scan":
        return degrade(image, "mild", rng)
    if condition == "phone_photo":
        return phone_photo(image, rng).image
    if condition == "fax":
        return fax(image, rng)
    if condition == "turned":
        return turned(image, rng)
    return low_res(image, rng)


def _jpeg(image: Image.Image, quality: int) -> Image.Image:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    with Image.open(buffer) as decoded:
        return decoded.convert("RGB")


def _desk(size: tuple[int, int], rng: random.Random) -> np.ndarray:
    """A wooden or laminate desk top: a base colour, grain along one axis and fine noise."""
    width, height = size
    noise = np.random.default_rng(rng.getrandbits(32))
    base = np.array(rng.choice(((120, 84, 52), (92, 70, 50), (150, 150, 146), (60, 62, 66))))
    small_w, small_h = max(2, width // 8), max(2, height // 8)
    fibres = noise.normal(0.0, 1.0, (small_h, max(2, small_w // 12))).astype(np.float32)
    coarse = cv2.resize(fibres, (small_w, small_h), interpolation=cv2.INTER_CUBIC)
    grain = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_LINEAR)
    shade = 1.0 + 0.12 * grain + 0.03 * noise.standard_normal((height, width), dtype=np.float32)
    return shade[..., None] * base.astype(np.float32)[None, None, :]


def _projected_corners(
    page: tuple[int, int], frame: tuple[int, int], rng: random.Random
) -> np.ndarray:
    """Where a pinhole camera tilted 5–20° away from the page's normal sees its corners."""
    width, height = page
    long_side = max(width, height)
    tilt = math.radians(rng.uniform(5.0, 20.0))
    axis = rng.uniform(0.0, 2.0 * math.pi)  # the direction in the page the camera leans to
    ax, ay = math.cos(axis), math.sin(axis)
    cosine, sine = math.cos(tilt), math.sin(tilt)
    # Rodrigues' rotation about the in-plane axis (ax, ay, 0).
    rotation = np.array(
        [
            [cosine + ax * ax * (1 - cosine), ax * ay * (1 - cosine), ay * sine],
            [ax * ay * (1 - cosine), cosine + ay * ay * (1 - cosine), -ax * sine],
            [-ay * sine, ax * sine, cosine],
        ]
    )
    spin = math.radians(rng.uniform(-4.0, 4.0))
    half_w, half_h = width / 2, height / 2
    points = np.array([[-half_w, -half_h], [half_w, -half_h], [half_w, half_h], [-half_w, half_h]])
    points = points @ np.array(
        [[math.cos(spin), math.sin(spin)], [-math.sin(spin), math.cos(spin)]]
    )
    space = np.c_[points, np.zeros(4)] @ rotation.T
    focal = _FOCAL * long_side
    seen = space[:, :2] * (focal / (focal + space[:, 2:3]))
    # Scaled so the page fills the frame less the margin, placed off centre a little.
    fit = min(frame[0] / np.ptp(seen[:, 0]), frame[1] / np.ptp(seen[:, 1])) / _FRAME
    seen = (seen - seen.mean(axis=0)) * fit
    slack = (np.array(frame) - np.ptp(seen, axis=0)) / 2
    shift = np.array([rng.uniform(-0.4, 0.4), rng.uniform(-0.4, 0.4)]) * slack
    return np.asarray(seen + np.array(frame) / 2 + shift, dtype=np.float32)


def _light(size: tuple[int, int], rng: random.Random) -> np.ndarray:
    """A room's light on the scene: a gradient across it and a soft shadow (a hand or phone)."""
    width, height = size
    grid_x, grid_y = np.meshgrid(
        np.linspace(0, 1, width, dtype=np.float32), np.linspace(0, 1, height, dtype=np.float32)
    )
    angle = rng.uniform(0, 2 * math.pi)
    ramp = math.cos(angle) * grid_x + math.sin(angle) * grid_y
    ramp = (ramp - ramp.min()) / max(1e-6, float(ramp.max() - ramp.min()))
    light = 1.0 - rng.uniform(0.15, 0.35) * ramp
    shadow = Image.new("L", (max(2, width // 8), max(2, height // 8)), 0)
    centre = (rng.uniform(0, shadow.width), rng.uniform(0, shadow.height))
    radius = rng.uniform(0.25, 0.45) * max(shadow.size)
    points = [
        (
            centre[0] + radius * rng.uniform(0.6, 1.0) * math.cos(turn),
            centre[1] + radius * rng.uniform(0.6, 1.0) * math.sin(turn),
        )
        for turn in np.linspace(0, 2 * math.pi, 9)[:-1]
    ]
    ImageDraw.Draw(shadow).polygon(points, fill=255)
    soft = shadow.filter(ImageFilter.GaussianBlur(max(shadow.size) / 18)).resize(
        size, Image.Resampling.BILINEAR
    )
    darkness = rng.uniform(0.25, 0.4)
    light *= 1.0 - darkness * (np.asarray(soft, dtype=np.float32) / 255.0)
    return np.asarray(light[..., None], dtype=np.float32)


def phone_photo(image: Image.Image, rng: random.Random) -> PhonePhoto:
    """The page photographed on a desk: tilted 5–20° in perspective, now and then sideways
    (the phone held in landscape), unevenly lit with a shadow, slightly blurred, as a JPEG."""
    page = np.asarray(image.convert("RGB"), dtype=np.float32)
    height, width = page.shape[:2]
    sideways = rng.choice((0, 0, 0, 90, 270))
    long_side = round(max(width, height) * _FRAME)
    frame = (round(long_side * 0.75), long_side)  # a 4:3 phone photo, portrait
    corners = _projected_corners((width, height), frame, rng)
    if sideways:
        frame = (frame[1], frame[0])
        x, y = corners[:, 0].copy(), corners[:, 1].copy()
        # Turning the photo counter-clockwise by 90 (270: clockwise) to hold it in landscape.
        corners = np.c_[y, frame[1] - x] if sideways == 90 else np.c_[frame[0] - y, x]
        corners = np.asarray(corners, dtype=np.float32)
    source = np.array([[0, 0], [width, 0], [width, height], [0, height]], dtype=np.float32)
    homography = cv2.getPerspectiveTransform(source, corners)
    warped = cv2.warpPerspective(page, homography, frame, flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(
        np.ones((height, width), dtype=np.float32), homography, frame, flags=cv2.INTER_LINEAR
    )[..., None]
    scene = warped * mask + _desk(frame, rng) * (1.0 - mask)
    scene *= _light(frame, rng)
    noise = np.random.default_rng(rng.getrandbits(32))
    scene += 4.0 * noise.standard_normal(scene.shape[:2], dtype=np.float32)[..., None]
    photo = Image.fromarray(np.clip(scene, 0, 255, out=scene).astype(np.uint8), "RGB")
    photo = photo.filter(ImageFilter.GaussianBlur(rng.uniform(0.6, 1.2)))
    found = tuple((float(x), float(y)) for x, y in corners)
    return PhonePhoto(image=_jpeg(photo, rng.randint(70, 88)), corners=found)


def _fax_header(width: int, rng: random.Random) -> Image.Image:
    """The line a sending fax machine prints across the top: date, time, number, page."""
    strip = Image.new("L", (width, 30), 255)
    day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    clock = f"{rng.randint(8, 18):02d}:{rng.randint(0, 59):02d}"
    number = f"0{rng.randint(10, 99)}-{rng.randint(10000000, 99999999)}"
    text = f"{day} {clock}    FROM: {number}    P.001/001"
    ImageDraw.Draw(strip).text((16, 5), text, font=get_font("sans", 18), fill=0)
    return strip


def fax(image: Image.Image, rng: random.Random) -> Image.Image:
    """The page as a received fax: 150 dpi, fed a little askew, thresholded to black and white
    (jagged glyphs), with the sender's header line, speckles and a few streaks; RGB."""
    scale = FAX_DPI / DPI
    grey = image.convert("L").rotate(
        rng.uniform(-1.0, 1.0), resample=Image.Resampling.BILINEAR, expand=True, fillcolor=255
    )
    grey = grey.resize(
        (round(grey.width * scale), round(grey.height * scale)), Image.Resampling.BILINEAR
    )
    page = Image.new("L", (grey.width, grey.height + 30), 255)
    page.paste(_fax_header(grey.width, rng), (0, 0))
    page.paste(grey, (0, 30))
    noise = np.random.default_rng(rng.getrandbits(32))
    pixels = np.asarray(page, dtype=np.float32) + noise.normal(0.0, 18.0, (page.height, page.width))
    ink = pixels < rng.uniform(135, 165)
    ink |= noise.random(ink.shape) < 0.0015  # specks of line noise
    for _ in range(rng.randint(2, 5)):  # a dirty scanner bar: streaks down the page
        x = rng.randrange(ink.shape[1])
        ink[:, x : x + rng.randint(1, 2)] |= noise.random((ink.shape[0], 1)) < 0.7
    for _ in range(rng.randint(1, 3)):  # a dropped line: a row lost to white
        y = rng.randrange(ink.shape[0])
        ink[y : y + rng.randint(1, 3), :] = False
    bilevel = np.where(ink, 0, 255).astype(np.uint8)
    return Image.fromarray(bilevel, "L").convert("RGB")


def turned(image: Image.Image, rng: random.Random) -> Image.Image:
    """A clean or office scan of the page lying at 90, 180 or 270 degrees."""
    scan = degrade(image, rng.choice(("clean", "mild")), rng)
    return scan.rotate(rng.choice((90, 180, 270)), expand=True)


def low_res(image: Image.Image, rng: random.Random) -> Image.Image:
    """A copy at about 120 dpi: grey paper, soft print, JPEG."""
    scale = rng.uniform(LOW_RES_DPI - 10, LOW_RES_DPI + 10) / DPI
    small = image.resize(
        (round(image.width * scale), round(image.height * scale)), Image.Resampling.LANCZOS
    )
    pixels = np.asarray(small, dtype=np.float32) * (1.0 - rng.uniform(3, 10) / 255.0)
    pixels += np.random.default_rng(rng.getrandbits(32)).normal(0.0, 3.0, pixels.shape[:2])[
        ..., None
    ]
    copy = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8), "RGB")
    return _jpeg(copy.filter(ImageFilter.GaussianBlur(0.4)), rng.randint(75, 88))
