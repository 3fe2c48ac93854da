"""Drawing printable A4 pages with Chinese text in Pillow: the fonts and line breaking that the
cover sheets and the one-time notice share."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

from archive._errors import FontMissingError

DPI = 200
PAGE_SIZE = (1654, 2339)  # A4, 210 × 297 mm at 200 dpi
MARGIN = 150

# (path, index in the collection): Noto Sans CJK SC is face 2 of its .ttc; WenQuanYi is what
# the Docker image installs.
FONT_CANDIDATES: tuple[tuple[Path, int], ...] = (
    (Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), 2),
    (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), 0),
)


_UNBROKEN = re.compile(r"[A-Za-z0-9._/-]+|.", re.S)
"""A run of Latin letters and digits (a case number, a code) stays on one line where it fits."""


def wrap(text: str, font: ImageFont.FreeTypeFont, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``: between any two Chinese characters
    (Chinese has no spaces), never inside a Latin word or number unless it is wider than a line."""
    lines = [""]
    for piece in _UNBROKEN.findall(text):
        if lines[-1] and font.getlength(lines[-1] + piece) > width:
            lines.append("")
        if font.getlength(piece) > width:  # a run longer than a line: break it by character
            for char in piece:
                if lines[-1] and font.getlength(lines[-1] + char) > width:
                    lines.append("")
                lines[-1] += char
            continue
        lines[-1] += piece
    return lines


@lru_cache(maxsize=16)
def cjk_font(size: int) -> ImageFont.FreeTypeFont:
    """The installed Chinese font at ``size`` pixels; FontMissingError if none is installed."""
    return load_font(size, FONT_CANDIDATES)


def load_font(size: int, candidates: Sequence[tuple[Path, int]]) -> ImageFont.FreeTypeFont:
    """The first installed font of ``candidates`` at ``size`` pixels; FontMissingError if none."""
    for path, index in candidates:
        if path.is_file():
            return ImageFont.truetype(str(path), size=size, index=index)
    tried = ", ".join(str(path) for path, _ in candidates)
    raise FontMissingError(
        f"cannot print a page in Chinese (cover sheets, notices): no Chinese font is installed "
        f"(tried {tried}); install one with: apt-get install -y fonts-noto-cjk "
        "(or fonts-wqy-microhei)"
    )
