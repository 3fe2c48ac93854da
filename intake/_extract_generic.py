"""Label-like words that no rule lists: 业务编号, 工单号, 联系人, 受理日期 …

Forms from other templates print labels the rules of a document type do not know. A value
read up to the next *known* label then runs on into them (贺辉工单号) or starts with one
(业务编号贺辉). Such a word is a short Chinese phrase ending in a label suffix (编号, 号码,
名称, 日期, 地址, 电话, 单位, 时间, 号, 人 …) that stands as a word of its own: a whole box,
or a run between spaces or punctuation, a colon after it allowed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from intake._extract_layout import Row

# 号 and 人 end too many ordinary words to follow a single character: 户号 and 表号 are
# labels, 本人 and 法人 are not.
_WORD = re.compile(
    r"(?:[\u4e00-\u9fff]{0,6}(?:编号|号码|代码|编码|名称|姓名|日期|时间|地址|电话|单位)"
    r"|[\u4e00-\u9fff]{1,6}号|[\u4e00-\u9fff]{2,6}人):?"
)


def generic_labels(row: Row) -> Iterator[tuple[int, int]]:
    """Where the row shows label-like words: (start, end) in its compact text, a trailing
    colon included."""
    compact = row.compact
    starts = [index for index in range(len(compact)) if row.starts_word(index)]
    for start, end in zip(starts, [*starts[1:], len(compact)], strict=True):
        if _WORD.fullmatch(compact, start, end):
            yield start, end
