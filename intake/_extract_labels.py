"""Reading ``label: value`` forms: find each label, take the value to its right or below it.

A document type is described by ``FieldRule``s (a field, the words printed as its label, how
its value is normalised) and the other labels its pages print (``stops``), which end a value
that runs on in the same row. Labels are matched in each row's compact text, so 名　　称,
名 称 and 名称： are the same label; a label may be followed by a bracketed note and a
colon (建设单位（个人）：). Where a label shows up several times, the first occurrence in
reading order whose value normalises wins: later ones are usually mentions in running text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from intake._extract_layout import Row, Span, is_cjk, union_box
from intake._extract_values import Normaliser
from intake._fields import ExtractedField

# A note after a label, 建设单位（个人）, whose opening bracket OCR may read as 《 or 〈.
_NOTE = r"(?:[(《〈\[][^()]{0,10}\))?[:;]?"
_CLOSING = (")", "》", "】", "]")
_VALUE_EDGE = ":;,、，。；：|"
# A wrapped value continues on the next row when the gap between the rows is below this
# many row heights (and the next row starts no further left than about its label).
_CONTINUATION_GAP = 1.2
_MAX_CONTINUATION_ROWS = 3
# A value is looked for below its label within this many row heights.
_BELOW_GAP = 2.5
# Field labels count even glued to the text before them in rows this short (性别女民族回);
# in longer rows, prose (与用电人在电力供应…), they must begin a word like other labels.
_SHORT_ROW = 24
# Labels at least this long are still found with one character misread (公民身份纪码).
_FUZZY_LENGTH = 4
# Stop words at least this long are labels even glued to the text before them (see _is_label).
_ANYWHERE_LENGTH = 4


@dataclass(frozen=True)
class FieldRule:
    """How one field is found: its label words, its normaliser, whether it may wrap."""

    name: str
    labels: tuple[str, ...]
    normalise: Normaliser
    multiline: bool = False


@dataclass(frozen=True)
class _Label:
    """One label found on the page: in which row, where in its compact text."""

    word: str
    row: int
    start: int
    end: int


class LabelledRows:
    """The rows of a document with every known label located in them."""

    def __init__(self, rows: list[Row], fields: set[str], stops: set[str]) -> None:
        self.rows = rows
        self._known = fields | stops
        self._words = sorted(self._known, key=len, reverse=True)
        self._fields = fields
        exact = [re.escape(word) for word in self._words]
        fuzzy = [variant for word in self._words for variant in _misreadings(word)]
        pattern = re.compile("(" + "|".join(exact + fuzzy) + ")" + _NOTE)
        self.labels: list[_Label] = []
        for index, row in enumerate(rows):
            for match in pattern.finditer(row.compact):
                word = self._word(match.group(1))
                if word is not None and self._stands(word, row, match):
                    self.labels.append(_Label(word, index, match.start(), match.end()))
        self._by_row: dict[int, list[_Label]] = {}
        for label in self.labels:
            self._by_row.setdefault(label.row, []).append(label)

    def _word(self, found: str) -> str | None:
        """The label word found, or the one it is a misreading of (one character off)."""
        if found in self._known:
            return found
        return next((word for word in self._words if _one_off(word, found)), None)

    def _stands(self, word: str, row: Row, match: re.Match[str]) -> bool:
        """Whether a found label word is a label here (see ``_is_label``)."""
        if match.group(1) != word:  # a misreading must at least start a word
            return row.starts_word(match.start()) or match.group().endswith(":")
        if row.compact[match.end() : match.end() + 1] in _CLOSING:
            return False  # a mention in brackets: (以下简称用电人)
        if word in self._fields and len(row.compact) <= _SHORT_ROW:
            return True
        return _is_label(row, match)

    def occurrences(self, words: tuple[str, ...]) -> Iterator[_Label]:
        """The labels that are one of words, in reading order."""
        return (label for label in self.labels if label.word in words)

    def _value_end(self, label: _Label) -> int:
        following = [other.start for other in self._by_row[label.row] if other.start >= label.end]
        return min(following, default=len(self.rows[label.row].compact))

    def _right(self, label: _Label) -> Span | None:
        row = self.rows[label.row]
        start, end = label.end, self._value_end(label)
        while start < end and row.compact[start] in _VALUE_EDGE:
            start += 1
        return row.span(start, end) if start < end else None

    def _label_box(self, label: _Label) -> tuple[int, int, int, int]:
        return self.rows[label.row].span(label.start, label.end).box

    def _unlabelled(self, index: int, page: int) -> Row | None:
        """Row ``index`` if it exists on the page and holds no label."""
        if not 0 <= index < len(self.rows) or index in self._by_row:
            return None
        row = self.rows[index]
        return row if row.page == page else None

    def _below(self, label: _Label) -> list[Span]:
        """The text under a label that has nothing to its right (a caption above its box)."""
        row = self.rows[label.row]
        left, _, right, bottom = self._label_box(label)
        below = self._unlabelled(label.row + 1, row.page)
        if below is None or below.top - bottom > _BELOW_GAP * row.height:
            return []
        chars = [
            position
            for position in range(len(below.compact))
            if _overlaps(below.x_range(position), left - row.height, right + row.height)
        ]
        return [below.span(chars[0], chars[-1] + 1)] if chars else []

    def _cell_extent(self, label: _Label) -> tuple[int, int]:
        """Where the label's value cell lies across: from the label to the next label.

        The next label's place is estimated from character widths, which is too rough
        when the cell between them is empty on the label's row; then the row's end is used.
        """
        row = self.rows[label.row]
        end = self._value_end(label)
        has_value = any(char not in _VALUE_EDGE for char in row.compact[label.end : end])
        if has_value and end < len(row.compact):
            return self._label_box(label)[2], row.x_range(end)[0]
        return self._label_box(label)[2], row.lines[-1].box[2]

    def _stacked(self, label: _Label, *, above: bool) -> list[Span]:
        """Part of a value wrapped inside its table cell: the line just above (or below) the
        label's row, within a line height of the label's centre, starting inside its cell."""
        row = self.rows[label.row]
        _, top, _, bottom = self._label_box(label)
        other = self._unlabelled(label.row - 1 if above else label.row + 1, row.page)
        if other is None or abs((other.top + other.bottom - top - bottom) / 2) > bottom - top:
            return []
        left, right = self._cell_extent(label)
        if not left <= other.lines[0].box[0] < right:
            return []
        return [other.span(0, len(other.compact))]

    def _continuation(self, label: _Label, first: Span, *, after: int) -> list[Span]:
        """The rows after row ``after`` that a wrapped value runs on to: no label in them,
        aligned with it, close below."""
        spans: list[Span] = []
        row = self.rows[label.row]
        label_left = self._label_box(label)[0]
        bottom = max(self.rows[after].bottom, first.box[3])
        for index in range(after + 1, label.row + 1 + _MAX_CONTINUATION_ROWS):
            nxt = self._unlabelled(index, row.page)
            if (
                nxt is None
                or nxt.top - bottom > _CONTINUATION_GAP * row.height
                or nxt.lines[0].box[0] < label_left - row.height
                or nxt.lines[0].box[0] > first.box[2]
            ):
                break
            spans.append(nxt.span(0, len(nxt.compact)))
            bottom = nxt.bottom
        return spans

    def _spans(self, label: _Label, *, multiline: bool) -> list[Span]:
        """The pieces of a label's value: right of it, with the parts of a wrapped table
        cell above and below; else below it."""
        above, below = self._stacked(label, above=True), self._stacked(label, above=False)
        right = self._right(label)
        if right is None:
            return above + below or self._below(label)
        if multiline:
            below += self._continuation(label, right, after=label.row + len(below))
        return [*above, right, *below]

    def read(self, rule: FieldRule) -> ExtractedField | None:
        """The field's value at the first occurrence of its label that gives one."""
        for label in self.occurrences(rule.labels):
            spans = self._spans(label, multiline=rule.multiline)
            if not spans:
                continue
            value = rule.normalise("".join(part.text for part in spans))
            if value is not None:
                return field_from(value, spans)
        return None


def _misreadings(word: str) -> list[str]:
    """Patterns of a long label with one character misread as another Chinese character."""
    if len(word) < _FUZZY_LENGTH:
        return []
    return [
        re.escape(word[:index]) + r"[\u4e00-\u9fff]" + re.escape(word[index + 1 :])
        for index in range(len(word))
    ]


def _one_off(word: str, found: str) -> bool:
    return len(word) == len(found) and sum(a != b for a, b in zip(word, found, strict=True)) == 1


def _is_label(row: Row, match: re.Match[str]) -> bool:
    """Whether a stop word found in a row stands as a label, not inside a value.

    It does when it begins a box or a word, or ends in a colon. A long one glued to the
    value before it (2210028317100898答复日期) does too when no Chinese text follows it
    at once: 客户签收之日起 is prose, 设计 inside 电气工程设计有限公司 is a name. Field labels
    in short rows always count (see ``LabelledRows._stands``).
    """
    if row.starts_word(match.start()) or match.group().endswith(":"):
        return True
    end = match.end()
    return len(match.group(1)) >= _ANYWHERE_LENGTH and (
        end == len(row.compact) or row.starts_word(end) or not is_cjk(row.compact[end])
    )


def _overlaps(extent: tuple[int, int], left: int, right: int) -> bool:
    return extent[0] < right and extent[1] > left


def field_from(value: str, spans: list[Span]) -> ExtractedField:
    """An extracted field whose text came from spans (on one page, or on several)."""
    pages = {span.page for span in spans}
    page = spans[0].page if len(pages) == 1 else None
    return ExtractedField(
        value=value,
        ocr_value=" ".join(span.ocr_text for span in spans),
        confidence=round(min(span.confidence for span in spans), 4),
        page=page,
        box=union_box(span.box for span in spans) if page is not None else None,
    )


def read_rules(
    rows: list[Row], rules: tuple[FieldRule, ...], stops: tuple[str, ...]
) -> dict[str, ExtractedField]:
    """Every field of rules that the rows show a label and a value for."""
    labels = {word for rule in rules for word in rule.labels}
    labelled = LabelledRows(rows, labels, set(stops) - labels)
    found: dict[str, ExtractedField] = {}
    for rule in rules:
        extracted = labelled.read(rule)
        if extracted is not None:
            found[rule.name] = extracted
    return found


Finder = Callable[[list[Row]], ExtractedField | None]


@dataclass(frozen=True)
class DocumentRules:
    """How the fields of one document type are read.

    ``rules`` find labelled values; ``finders`` are tried for a field its rules missed
    (an identifier printed without a label, a certificate number above the table).
    """

    rules: tuple[FieldRule, ...]
    stops: tuple[str, ...] = ()
    finders: tuple[tuple[str, Finder], ...] = ()


def pattern_finder(pattern: str, normalise: Normaliser) -> Finder:
    """A finder taking the first match of pattern (in compact row text) that normalises."""
    compiled = re.compile(pattern)

    def find(rows: list[Row]) -> ExtractedField | None:
        for row in rows:
            for match in compiled.finditer(row.compact):
                value = normalise(match.group())
                if value is not None:
                    return field_from(value, [row.span(match.start(), match.end())])
        return None

    return find


def read_document(rows: list[Row], rules: DocumentRules) -> dict[str, ExtractedField]:
    """Every field the rows show, by label first and then by the finders."""
    found = read_rules(rows, rules.rules, rules.stops)
    for name, finder in rules.finders:
        if name not in found:
            extracted = finder(rows)
            if extracted is not None:
                found[name] = extracted
    return found
