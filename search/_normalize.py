"""Normalisation shared by both backends: identifiers, Chinese runs, words.

The embedded backend tokenises with these functions; the Elasticsearch backend lets its
``standard`` tokenizer and ``cjk_bigram`` filter do the same job, and uses these functions
only to read the query. The rules below therefore follow what those Lucene components do:

* text is folded with NFKC (full-width digits and letters become ASCII, like ``cjk_width``)
  and lower-cased;
* a run of adjacent Han characters is one segment, indexed as overlapping bigrams (a run of
  one character as that character), and separately as single characters;
* a run of letters and digits (with ``.`` or ``'`` inside, like UAX #29) is one word.

Identifiers (citizen ID, credit code, case and contract numbers) are compared by their
*key*: NFKC, upper-case, only ASCII letters and digits kept, so ``3101 0119…x``,
``３１０１０１…X`` and ``310101…X`` are the same identifier.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Literal

# Han ideographs as UAX #29 sees them (the standard tokenizer emits each as a token).
_HAN = "\u3007\u3021-\u3029\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_SEGMENT_RE = re.compile(
    rf"(?P<han>[{_HAN}]+)"
    rf"|(?P<word>[^\W{_HAN}]+(?:(?:[.'’]|(?<=\d)[,;](?=\d))[^\W{_HAN}]+)*)"
)
_IDENT_CHARS_RE = re.compile(r"[0-9A-Z][0-9A-Z\s\-/_.]*")
_DATE_RE = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?")
_TEXT_IDENT_RE = re.compile(r"(?<![0-9A-Z])[0-9A-Z][0-9A-Z\-/_]{4,}[0-9A-Z](?![0-9A-Z])")

MIN_IDENTIFIER_LENGTH = 6
MIN_IDENTIFIER_DIGITS = 4
MAX_TEXT_IDENTIFIERS = 200


@dataclass(frozen=True, slots=True)
class Segment:
    """One searchable piece of text: a run of Han characters or a word."""

    kind: Literal["han", "word"]
    text: str


def fold(text: str) -> str:
    """Fold ``text`` the way both backends compare it: NFKC and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def segments(text: str) -> list[Segment]:
    """Split ``text`` (folded first) into Han runs and words, dropping everything else."""
    found: list[Segment] = []
    for match in _SEGMENT_RE.finditer(fold(text)):
        han = match.group("han")
        if han is not None:
            found.append(Segment("han", han))
        else:
            found.append(Segment("word", match.group("word")))
    return found


def bigram_tokens(text: str) -> list[str]:
    """Tokens like ``cjk_bigram``: words as they are, Han runs as overlapping bigrams."""
    tokens: list[str] = []
    for segment in segments(text):
        run = segment.text
        if segment.kind == "word" or len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(run[i : i + 2] for i in range(len(run) - 1))
    return tokens


def unigram_tokens(text: str) -> list[str]:
    """Every Han character of ``text`` as its own token (for one-character queries)."""
    return [char for segment in segments(text) if segment.kind == "han" for char in segment.text]


def identifier_key(value: str) -> str:
    """The comparable form of an identifier: NFKC, upper case, ASCII letters and digits only."""
    folded = unicodedata.normalize("NFKC", value).upper()
    return "".join(char for char in folded if char.isascii() and char.isalnum())


def looks_like_identifier(value: str) -> bool:
    """Whether ``value`` reads as an ID number, credit code, case or contract number.

    It must be ASCII letters, digits and separators only (spaces, ``-``, ``/``, ``_``,
    ``.``), not a date, and its key must have at least six characters of which four are
    digits: ``3101 0119 9001 0112 34`` and ``gd-ht-2024-0012`` qualify, ``10kV`` does not.
    """
    folded = unicodedata.normalize("NFKC", value).upper().strip()
    if not _IDENT_CHARS_RE.fullmatch(folded) or _DATE_RE.fullmatch(folded):
        return False
    key = identifier_key(folded)
    digits = sum(char.isdigit() for char in key)
    return len(key) >= MIN_IDENTIFIER_LENGTH and digits >= MIN_IDENTIFIER_DIGITS


def text_identifiers(text: str) -> list[str]:
    """Keys of the identifiers written in free text (ID numbers in a contract, say).

    Only identifiers written without spaces are found; at most ``MAX_TEXT_IDENTIFIERS``.
    """
    folded = unicodedata.normalize("NFKC", text).upper()
    keys: dict[str, None] = {}
    for match in _TEXT_IDENT_RE.finditer(folded):
        if looks_like_identifier(match.group()):
            keys[identifier_key(match.group())] = None
            if len(keys) >= MAX_TEXT_IDENTIFIERS:
                break
    return list(keys)


def name_key(value: str) -> str:
    """The comparable form of a person's or company's name: folded, whitespace removed."""
    return "".join(fold(value).split())
