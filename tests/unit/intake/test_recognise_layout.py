"""Fragments read by an engine become lines in reading order."""

from __future__ import annotations

import math

import pytest

from intake import OcrLine
from intake._layout import merge_rows


def _line(text: str, left: int, top: int, *, height: int = 30, confidence: float = 0.9) -> OcrLine:
    return OcrLine(
        text=text, box=(left, top, left + 30 * len(text), top + height), confidence=confidence
    )


def test_fragments_on_one_row_are_joined_left_to_right() -> None:
    fragments = [
        _line("张三", 400, 102, confidence=0.5),
        _line("姓名", 100, 100, confidence=1.0),
        _line("住址", 100, 160),
    ]
    first, second = merge_rows(fragments)
    assert first.text == "姓名 张三"
    assert first.box == (100, 100, 460, 132)
    assert first.confidence == pytest.approx(0.75)
    assert second.text == "住址"


def test_joined_fragments_keep_each_characters_confidence() -> None:
    label = _line("姓名", 100, 100, confidence=0.98)
    value = OcrLine("张三", (400, 102, 460, 132), 0.7, (0.95, 0.45))
    (row,) = merge_rows([value, label])
    assert row.char_confidences == (0.98, 0.98, 1.0, 0.95, 0.45)
    assert row.confidences() == row.char_confidences


def test_lines_without_character_confidences_give_the_line_s_to_each() -> None:
    (row,) = merge_rows([_line("姓名", 100, 100, confidence=0.8)])
    assert row.char_confidences == ()
    assert row.confidences() == (0.8, 0.8)


def test_rows_come_top_to_bottom_whatever_order_the_engine_gave() -> None:
    fragments = [_line("第三行", 100, 300), _line("第一行", 100, 100), _line("第二行", 120, 200)]
    assert [line.text for line in merge_rows(fragments)] == ["第一行", "第二行", "第三行"]


def test_lines_that_barely_touch_stay_apart() -> None:
    fragments = [_line("上一行", 100, 100), _line("下一行", 500, 125)]
    assert len(merge_rows(fragments)) == 2


def test_no_fragments_no_lines() -> None:
    assert merge_rows([]) == []


def test_on_a_skewed_page_a_short_line_is_not_swallowed_by_the_long_line_above() -> None:
    # A 1200-pixel line tilted by 3° drops 63 pixels; its upright box is 93 pixels tall and
    # covers the short last line of the paragraph, 45 pixels below its left end.
    long_line = OcrLine(text="长" * 40, box=(100, 100, 1300, 193), confidence=0.9)
    tail = OcrLine(text="尾行。", box=(100, 150, 190, 180), confidence=0.9)
    tilt = math.atan(63 / 1200)
    assert [line.text for line in merge_rows([tail, long_line], tilt=tilt)] == ["长" * 40, "尾行。"]
    assert len(merge_rows([tail, long_line])) == 1
