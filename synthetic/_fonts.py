"""Locating the CJK fonts of the Debian packages ``fonts-noto-cjk`` and ``fonts-wqy-microhei``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import ImageFont

FontKind = Literal["sans", "sans_bold", "serif", "serif_bold", "hei"]

_NOTO = Path("/usr/share/fonts/opentype/noto")
_WQY = Path("/usr/share/fonts/truetype/wqy")
# Index 2 of the Noto CJK collections is the Simplified Chinese (SC) face.
_NOTO_SC_INDEX = 2
_INSTALL_HINT = "install them with: apt-get install -y fonts-noto-cjk fonts-wqy-microhei"

# Each kind lists (path, collection index) candidates, best first; a kind falls back to the
# next candidate so a machine with only one of the packages still renders every document.
_CANDIDATES: dict[FontKind, tuple[tuple[Path, int], ...]] = {
    "sans": ((_NOTO / "NotoSansCJK-Regular.ttc", _NOTO_SC_INDEX), (_WQY / "wqy-microhei.ttc", 0)),
    "sans_bold": (
        (_NOTO / "NotoSansCJK-Bold.ttc", _NOTO_SC_INDEX),
        (_NOTO / "NotoSansCJK-Regular.ttc", _NOTO_SC_INDEX),
        (_WQY / "wqy-microhei.ttc", 0),
    ),
    "serif": (
        (_NOTO / "NotoSerifCJK-Regular.ttc", _NOTO_SC_INDEX),
        (_NOTO / "NotoSansCJK-Regular.ttc", _NOTO_SC_INDEX),
        (_WQY / "wqy-microhei.ttc", 0),
    ),
    "serif_bold": (
        (_NOTO / "NotoSerifCJK-Bold.ttc", _NOTO_SC_INDEX),
        (_NOTO / "NotoSansCJK-Bold.ttc", _NOTO_SC_INDEX),
        (_WQY / "wqy-microhei.ttc", 0),
    ),
    "hei": ((_WQY / "wqy-microhei.ttc", 0), (_NOTO / "NotoSansCJK-Regular.ttc", _NOTO_SC_INDEX)),
}


class FontNotFoundError(FileNotFoundError):
    """No CJK font file of a kind is installed, so Chinese text cannot be rendered."""


def font_path(kind: FontKind) -> tuple[Path, int]:
    """The font file and collection index used for ``kind``.

    Raises FontNotFoundError naming the paths tried and the packages to install.
    """
    for path, index in _CANDIDATES[kind]:
        if path.is_file():
            return path, index
    tried = ", ".join(str(path) for path, _ in _CANDIDATES[kind])
    raise FontNotFoundError(f"no CJK font for {kind!r} found (tried {tried}); {_INSTALL_HINT}")


@lru_cache(maxsize=256)
def get_font(kind: FontKind, size: int) -> ImageFont.FreeTypeFont:
    """The ``kind`` font at ``size`` pixels (cached: loading a .ttc costs milliseconds)."""
    path, index = font_path(kind)
    return ImageFont.truetype(str(path), size, index=index)
