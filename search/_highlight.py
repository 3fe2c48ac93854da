"""Highlights for the embedded backend: passages of the original text with matches marked.

Matching runs on the folded text (NFKC, lower case) but the passages show the original
characters, HTML-escaped, with each match wrapped in ``<mark>…</mark>``.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterable

from search._normalize import fold
from search._plan import QueryPlan

MAX_FRAGMENTS = 3
CONTEXT = 30
_MARK_JOIN = "</mark><mark>"


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    # Pages repeat a few thousand characters; folding each once saves most of a highlight.
    return fold(char)


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """``text`` folded character by character, and for each folded char its source index."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        folded = _fold_char(char)
        chars.append(folded)
        if len(folded) == 1:
            origin.append(index)
        else:
            origin.extend([index] * len(folded))
    return "".join(chars), origin


def _patterns(plan: QueryPlan) -> list[re.Pattern[str]]:
    patterns: list[re.Pattern[str]] = []
    if plan.identifier is not None:
        separators = r"[\s\-/_.]*"
        patterns.append(re.compile(separators.join(re.escape(c) for c in plan.identifier.lower())))
    for term in plan.terms:
        if term.kind == "han":
            patterns.append(re.compile(re.escape(term.text)))
        else:
            patterns.append(re.compile(rf"(?<![0-9a-z]){re.escape(term.text)}(?![0-9a-z])"))
    return patterns


def _spans(text: str, plan: QueryPlan) -> list[tuple[int, int]]:
    """Merged ``(start, end)`` spans of ``text`` (original indices) that match ``plan``."""
    folded, origin = _folded_with_map(text)
    raw: list[tuple[int, int]] = []
    for pattern in _patterns(plan):
        for match in pattern.finditer(folded):
            if match.end() > match.start():
                raw.append((origin[match.start()], origin[match.end() - 1] + 1))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(raw):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _render(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> str:
    pieces: list[str] = []
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, start), min(span_end, end)
        pieces.append(html.escape(text[position:span_start]))
        pieces.append(f"<mark>{html.escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(html.escape(text[position:end]))
    return " ".join("".join(pieces).split()).replace(_MARK_JOIN, "")


def highlight_text(text: str, plan: QueryPlan) -> list[str]:
    """Up to ``MAX_FRAGMENTS`` passages of ``text`` around the matches of ``plan``."""
    spans = _spans(text, plan)
    fragments: list[str] = []
    covered_to = 0
    for span_start, span_end in spans:
        if span_start < covered_to:
            continue
        start = max(covered_to, span_start - CONTEXT)
        end = min(len(text), span_end + CONTEXT)
        fragments.append(_render(text, start, end, spans))
        covered_to = end
        if len(fragments) == MAX_FRAGMENTS:
            break
    return fragments


def highlight_document(text: str, others: Iterable[str], plan: QueryPlan) -> list[str]:
    """Passages of the text, or else of the names and fields, that match ``plan``."""
    fragments = highlight_text(text, plan)
    if fragments:
        return fragments
    for value in others:
        fragments.extend(highlight_text(value, plan))
        if len(fragments) >= MAX_FRAGMENTS:
            break
    return fragments[:MAX_FRAGMENTS]
