"""Synthetic stacks: several rendered documents scanned into one multi-page file, parts known.

An archivist feeds a whole case into the scanner at once; ``build_stack`` concatenates
rendered documents (each optionally behind a cover-sheet page) into one such stack, with the
ground truth of which pages hold which document.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image

from synthetic._sheet import SyntheticDoc


@dataclass(frozen=True)
class StackPart:
    """One document of a stack: the document and its pages in the stack (1-based, inclusive).

    ``cover_page`` is the number of the cover sheet scanned before it, if there is one.
    """

    doc: SyntheticDoc
    page_range: tuple[int, int]
    cover_page: int | None = None


@dataclass(frozen=True)
class SyntheticStack:
    """A scanned stack: every page image in order, and the documents it holds."""

    images: list[Image.Image] = field(repr=False)
    parts: list[StackPart]


def build_stack(
    docs: Sequence[SyntheticDoc], *, covers: Sequence[Image.Image | None] = ()
) -> SyntheticStack:
    """``docs`` one after the other; ``covers[i]``, when given and not None, is scanned
    before ``docs[i]`` (a cover sheet page). Raises ValueError for more covers than docs."""
    if len(covers) > len(docs):
        raise ValueError(
            f"{len(covers)} cover pages for {len(docs)} documents; give at most one each"
        )
    images: list[Image.Image] = []
    parts: list[StackPart] = []
    for index, doc in enumerate(docs):
        cover = covers[index] if index < len(covers) else None
        cover_page = None
        if cover is not None:
            images.append(cover.convert("RGB"))
            cover_page = len(images)
        first = len(images) + 1
        images.extend(doc.images)
        parts.append(StackPart(doc=doc, page_range=(first, len(images)), cover_page=cover_page))
    return SyntheticStack(images=images, parts=parts)
