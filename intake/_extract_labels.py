"""Reading ``label: value`` forms: find each label, take the value to its right or below it.

A document type is described by ``FieldRule``s (a field, the words printed as its label, how
its value is normalised) and the other labels its pages print (``stops``), which end a value
that runs on in the same row. Labels are matched in each row's compact text, so 名　　称,
名 称 and 名称： are the same label; a label may be followed by a bracketed note and a
colon (建设单位（个人）：). Label-like words no rule lists (业务编号, 联系人:, see
``_extract_generic``) are stops too, and one that opens a value is removed from it with the
code after it (its residue: 户名 | 业务编号 | 贺辉). Where a label shows up several times, the
first occurrence in reading order whose value normalises wins: later ones are usually
mentions in running text. A reading that needed a repair is marked with a ``Doubt``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from intake._extract_generic import generic_labels
from intake._extract_layout import Row, Span, is_cjk, union_box
from intake._extract_values import Normaliser, doubt_of
from intake._fields import LOW_CONFIDENCE, Doubt, ExtractedField

# A note after a label, 建设单位（个人）, whose opening bracket OCR may read as 《 or 〈.
_NOTE = r"(?:[(《〈\[][^()]{0,10}\))?[:;]?"
_CLOSING = (")", "》", "】", "]")
_VALUE_EDGE = ":;,、，。；：|"
# A wrapped value continues on the next row when the gap between the rows is below this
# many row heights (and the next row starts no further left than about its label).
_CONTINUATION_GAP = 1.2
_MAX_CONTINUATION_ROWS = 3
# A row that begins a numbered item (3.施工须符合…, 二、, （4）) starts text of its own.
_LIST_ITEM = re.compile(r"(?:\d{1,2}[.．、](?!\d)|[一二三四五六七八九十]{1,2}、|[(（]\d{1,2}[)）])")
# A value is looked for below its label within this many row heights.
_BELOW_GAP = 2.5
# Field labels count even glued to the text before them in rows this short (性别女民族回);
# in longer rows, prose (与用电人在电力供应…), they must begin a word like other labels.
_SHORT_ROW = 24
# Labels at least this long are still found with one character misread (公民身份纪码).
_FUZZY_LENGTH = 4
# Stop words at least this long are labels even glued to the text before them (see _is_label).
_ANYWHERE_LENGTH = 4
# What follows a label-like word that opens a value: its own value, a number or code.
_RESIDUE_CODE = re.compile(r"[0-9A-Za-z\-_/.]*")
# A label's note that asks for a signature: the value after it is most often handwritten.
_SIGNATURE = re.compile("签字|签名|签章|盖章")


@dataclass(frozen=True)
class FieldRule:
    """How one field is found: its label words, its normaliser, whether it may wrap."""

    name: str
    labels: tuple[str, ...]
    normalise: Normaliser
    multiline: bool = False


@dataclass(frozen=True)
class _Label:
    """One label found on the page: in which row, where in its compact text; ``generic``
    for a label-like word no rule lists."""

    word: str
    row: int
    start: int
    end: int
    generic: bool = False


@dataclass(frozen=True)
class _Value:
    """The pieces of a label's value, and whether a label's residue was removed from it."""

    spans: list[Span]
    residue: bool = False


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
        self.labels: list[_Label] = [
            _Label(word, index, match.start(), match.end())
            for index, row in enumerate(rows)
            for match in pattern.finditer(row.compact)
            for word in (self._word(match.group(1)),)
            if word is not None and self._stands(word, row, match)
        ]
        self._generic: list[_Label] = []
        known = _by_row(self.labels)
        for index, row in enumerate(rows):
            self._add_generic(index, row, known.get(index, []))
        self._by_row = _by_row(self.labels + self._generic)

    def _add_generic(self, index: int, row: Row, known: list[_Label]) -> None:
        """Record the label-like words of a row that no rule lists. One that ends in a known
        label (受理日期 around 日期) makes that label start where it starts, so that the
        value before it ends there."""
        for start, end in generic_labels(row):
            inside = [other for other in known if start < other.end and other.start < end]
            if not inside:
                word = row.compact[start:end].rstrip(":")
                self._generic.append(_Label(word, index, start, end, generic=True))
            elif len(inside) == 1 and inside[0].start > start:
                position = self.labels.index(inside[0])
                self.labels[position] = replace(inside[0], start=start)

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

    def _value_end(self, label: _Label, start: int | None = None) -> int:
        """Where the value of a label ends: at the next label from ``start`` (its end), or at
        a box of the row that lies wholly left of the label (the engine joined a note left
        of a title block's 工程名称 into the label's box, and the note's next line, a little
        lower, fell into the row after it)."""
        begin = label.end if start is None else start
        row = self.rows[label.row]
        following = [other.start for other in self._by_row[label.row] if other.start >= begin]
        end = min(following, default=len(row.compact))
        left = self._label_box(label)[0]
        return next((index for index in range(begin, end) if row.box_of(index)[2] <= left), end)

    def _residue_end(self, label: _Label, start: int) -> int | None:
        """Where the value begins past a label-like word that opens it (业务编号:2307… 贺辉),
        or None when no such word opens it or nothing follows it."""
        row = self.rows[label.row]
        opening = [other for other in self._by_row[label.row] if other.start == start]
        if not opening or not opening[0].generic:
            return None
        after = _RESIDUE_CODE.match(row.compact, opening[0].end)
        begin = _skip_edge(row, after.end() if after else opening[0].end, len(row.compact))
        return begin if begin < self._value_end(label, begin) else None

    def _right(self, label: _Label) -> _Value | None:
        row = self.rows[label.row]
        start = _skip_edge(row, label.end, len(row.compact))
        residue = self._residue_end(label, start)
        if residue is not None:
            return _Value([row.span(residue, self._value_end(label, residue))], residue=True)
        end = self._value_end(label)
        start = _skip_edge(row, start, end)
        return _Value([row.span(start, end)]) if start < end else None

    def _label_box(self, label: _Label) -> tuple[int, int, int, int]:
        return self.rows[label.row].span(label.start, label.end).box

    def _unlabelled(self, index: int, page: int) -> Row | None:
        """Row ``index`` if it exists on the page and holds no label."""
        if not 0 <= index < len(self.rows) or index in self._by_row:
            return None
        row = self.rows[index]
        return row if row.page == page else None

    def _below(self, label: _Label) -> list[Span]:
        """The text under a label that has nothing to its right (a caption above its box, or
        a row of labels above a row of values): the words of the row below whose middle lies
        in the label's column, between the labels beside it."""
        row = self.rows[label.row]
        left, _, _, bottom = self._label_box(label)
        below = self._unlabelled(label.row + 1, row.page)
        if below is None or below.top - bottom > _BELOW_GAP * row.height:
            return []
        low, high = self._column(label)
        words = [
            (start, end)
            for start, end in _words(below)
            if low <= sum(_extent(below, start, end)) / 2 < high
            and _extent(below, start, end)[1] > left - row.height
        ]
        if not words:
            return []
        return [below.span(words[0][0], words[-1][1])]

    def _column(self, label: _Label) -> tuple[float, float]:
        """Across the page, from the end of the label before this one in its row to the start
        of the label after it (unbounded where there is none)."""
        row = self.rows[label.row]
        others = self._by_row[label.row]
        before = [other for other in others if other.end <= label.start]
        after = [other for other in others if other.start >= label.end]
        low = row.x_range(before[-1].end - 1)[1] if before else float("-inf")
        high = row.x_range(after[0].start)[0] if after else float("inf")
        return low, high

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
        label's row, within a line height of the label's centre, starting inside its cell.

        The cell's left edge is where the label ends, estimated from character widths when the
        engine read label and value as one line; a row height of slack keeps a cell whose label
        was estimated too wide (客户名称 read with 公司, the line above it at x 325 < 343).
        """
        row = self.rows[label.row]
        _, top, _, bottom = self._label_box(label)
        other = self._unlabelled(label.row - 1 if above else label.row + 1, row.page)
        if other is None or abs((other.top + other.bottom - top - bottom) / 2) > bottom - top:
            return []
        left, right = self._cell_extent(label)
        if not left - row.height <= other.lines[0].box[0] < right:
            return []
        return [other.span(0, len(other.compact))]

    def _continuation(self, label: _Label, first: Span, *, after: int) -> list[Span]:
        """The rows after row ``after`` that a wrapped value runs on to: no label in them,
        aligned with it, close below, not the start of a numbered item."""
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
                or _LIST_ITEM.match(nxt.compact)
            ):
                break
            spans.append(nxt.span(0, len(nxt.compact)))
            bottom = nxt.bottom
        return spans

    def _candidates(self, label: _Label, *, multiline: bool) -> list[_Value]:
        """Where a label's value may be, best first: right of it, with the parts of a
        wrapped table cell above and below (or those alone); then under it."""
        above, below = self._stacked(label, above=True), self._stacked(label, above=False)
        right = self._right(label)
        found = []
        if right is not None:
            if multiline:
                below += self._continuation(label, right.spans[0], after=label.row + len(below))
            found.append(_Value([*above, *right.spans, *below], residue=right.residue))
        elif above or below:
            found.append(_Value(above + below))
        under = self._below(label)
        return [*found, _Value(under)] if under else found

    def read(self, rule: FieldRule) -> ExtractedField | None:
        """The field's value at the first occurrence of its label that gives one; one after a
        signature line's label (委托人（签字/盖章）：, most often handwriting) only when no
        other occurrence gives a value, and then in doubt."""
        signed: ExtractedField | None = None
        for label in self.occurrences(rule.labels):
            extracted = self._read_at(label, rule)
            if extracted is None:
                continue
            if not self._signature(label):
                return extracted
            signed = signed or replace(extracted, doubt="signature")
        return signed

    def _read_at(self, label: _Label, rule: FieldRule) -> ExtractedField | None:
        """The field's value at one occurrence of its label, from its best candidate."""
        for found in self._candidates(label, multiline=rule.multiline):
            raw = "".join(part.text for part in found.spans)
            value = rule.normalise(raw)
            if value is not None:
                residue: Doubt | None = "label_residue" if found.residue else None
                doubt = residue or doubt_of(rule.normalise, raw, value)
                return field_from(value, found.spans, doubt=doubt)
        return None

    def _signature(self, label: _Label) -> bool:
        """Whether the label's note makes it a signature line's (委托人（签字/盖章）)."""
        return _SIGNATURE.search(self.rows[label.row].compact[label.start : label.end]) is not None


def _skip_edge(row: Row, start: int, end: int) -> int:
    """The first position from start (before end) that is no punctuation at a value's edge."""
    while start < end and row.compact[start] in _VALUE_EDGE:
        start += 1
    return start


def _words(row: Row) -> list[tuple[int, int]]:
    """The words of a row: (start, end) in its compact text, split at boxes and spaces."""
    starts = [index for index in range(len(row.compact)) if row.starts_word(index)]
    return list(zip(starts, [*starts[1:], len(row.compact)], strict=True))


def _extent(row: Row, start: int, end: int) -> tuple[int, int]:
    return row.x_range(start)[0], row.x_range(end - 1)[1]


def _by_row(labels: list[_Label]) -> dict[int, list[_Label]]:
    """Labels grouped by row, each row's left to right."""
    grouped: dict[int, list[_Label]] = {}
    for label in sorted(labels, key=lambda label: (label.row, label.start)):
        grouped.setdefault(label.row, []).append(label)
    return grouped


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


def field_from(value: str, spans: list[Span], *, doubt: Doubt | None = None) -> ExtractedField:
    """An extracted field whose text came from spans (on one page, or on several), in doubt
    for the given reason, or else when the engine was not confident of the text."""
    pages = {span.page for span in spans}
    page = spans[0].page if len(pages) == 1 else None
    confidence = round(min(span.confidence for span in spans), 4)
    if doubt is None and confidence < LOW_CONFIDENCE:
        doubt = "low_confidence"
    return ExtractedField(
        value=value,
        ocr_value=" ".join(span.ocr_text for span in spans),
        confidence=confidence,
        page=page,
        box=union_box(span.box for span in spans) if page is not None else None,
        doubt=doubt,
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


def pattern_finder(pattern: str, normalise: Normaliser, *, fallback: bool = True) -> Finder:
    """A finder taking the first match of pattern (in compact row text) that normalises.

    Its readings are in doubt as a ``fallback`` unless the pattern is the field's own printed
    form (不动产权第…号), which ``fallback=False`` says.
    """
    compiled = re.compile(pattern)

    def find(rows: list[Row]) -> ExtractedField | None:
        for row in rows:
            for match in compiled.finditer(row.compact):
                value = normalise(match.group())
                if value is not None:
                    doubt = doubt_of(normalise, match.group(), value)
                    if doubt is None and fallback:
                        doubt = "fallback"
                    return field_from(value, [row.span(match.start(), match.end())], doubt=doubt)
        return None

    return find


def phrase_finder(pattern: str, normalise: Normaliser) -> Finder:
    """A finder for running text (委托人何志强，身份证号码…，现委托魏磊…): the group ``value``
    of the first match of pattern that normalises, in each page's rows read as one stream of
    compact text, since a sentence wraps from row to row."""
    compiled = re.compile(pattern)

    def find(rows: list[Row]) -> ExtractedField | None:
        for page in dict.fromkeys(row.page for row in rows):
            on_page = [row for row in rows if row.page == page]
            for match in compiled.finditer("".join(row.compact for row in on_page)):
                raw = match.group("value")
                value = normalise(raw)
                if value is not None:
                    spans = _stream_spans(on_page, *match.span("value"))
                    return field_from(value, spans, doubt=doubt_of(normalise, raw, value))
        return None

    return find


def _stream_spans(rows: list[Row], start: int, end: int) -> list[Span]:
    """The pieces of the rows that characters start:end of their joined compact text are."""
    spans = []
    offset = 0
    for row in rows:
        low, high = max(start - offset, 0), min(end - offset, len(row.compact))
        if low < high:
            spans.append(row.span(low, high))
        offset += len(row.compact)
    return spans


def read_document(rows: list[Row], rules: DocumentRules) -> dict[str, ExtractedField]:
    """Every field the rows show, by label first and then by the finders (for a field the
    labels missed, or read only in doubt)."""
    found = read_rules(rows, rules.rules, rules.stops)
    for name, finder in rules.finders:
        if name not in found or found[name].uncertain:
            extracted = finder(rows)
            # a certain reading by phrase or form beats a doubtful one by label
            if extracted is not None and (name not in found or not extracted.uncertain):
                found[name] = extracted
    return found
