"""The 一次性告知单: one notice to the customer naming every document their case still lacks,
for the current stage and each later one, so nobody has to come back twice.

Drawn with Pillow on A4 pages at 200 dpi like the cover sheets; the table continues on further
pages when it is long, and the signature block ends the last page.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from PIL import Image, ImageDraw
from sqlalchemy.orm import Session

from archive._outstanding import missing_by_stage
from archive._page_draw import DPI, MARGIN, PAGE_SIZE, cjk_font, wrap
from archive._schemas import CaseMissing, MissingDocument
from archive._vocabulary import LABELS_ZH, STAGE_LABELS_ZH
from archive.db._models import Case
from archive.rules import RuleBook, rule_set_for

TITLE_ZH = "业扩报装资料一次性告知单"
NOTES_ZH = "标注「原件」的资料，提交时请携带纸质原件供核对；同一行所列资料任选其一即可。"
_FOOTER_HEIGHT = 300
_WIDTH = PAGE_SIZE[0] - 2 * MARGIN
_BOTTOM = PAGE_SIZE[1] - MARGIN - 60  # the page number sits below
# Table columns (header, width in pixels); the widths add up to the text width.
_COLUMNS: tuple[tuple[str, int], ...] = (
    ("序号", 110),
    ("所需资料", 430),
    ("可提交的资料", 394),
    ("份数", 110),
    ("所属环节", 310),
)
_TABLE_SIZE = 34
_LINE = 48


@dataclass(frozen=True)
class NoticeRow:
    """One line of the notice's table."""

    label_zh: str
    alternatives_zh: str
    count: str
    stage_zh: str


def notice_rows(missing: CaseMissing, *, book: RuleBook) -> list[NoticeRow]:
    """The table rows of ``missing``, stage by stage in the order of the case's flow."""
    rows: list[NoticeRow] = []
    for stage in missing.stages:
        stage_zh = STAGE_LABELS_ZH[stage.stage] + (
            "（当前）" if stage.position == "current" else ""
        )
        rows.extend(_row_of(item, stage_zh, book) for item in stage.missing)
    return rows


def _row_of(item: MissingDocument, stage_zh: str, book: RuleBook) -> NoticeRow:
    names = [
        LABELS_ZH.get(code) or book.document_types.get(code) or code for code in item.alternatives
    ]
    label = item.label_zh
    if item.originals and "原件" not in label:
        label += "（原件）"
    return NoticeRow(
        label_zh=label,
        alternatives_zh="、".join(names),
        count=f"{item.count - item.found} 份",
        stage_zh=stage_zh,
    )


def missing_notice_pdf(
    case: Case, missing: CaseMissing, *, book: RuleBook, today: dt.date
) -> bytes:
    """The notice of ``case`` as a PDF (one or more A4 pages); FontMissingError without a font."""
    pages = _Pages()
    _heading(pages, case, missing)
    rows = notice_rows(missing, book=book)
    if rows:
        _table(pages, rows)
        pages.paragraph(
            "标注「原件」的资料，提交时请携带纸质原件供核对；同一行所列资料任选其一即可。", 32
        )
    _footer(pages, today=today)
    return pages.pdf()


def case_missing_notice(session: Session, case: Case, *, rules: RuleBook, today: dt.date) -> bytes:
    """The notice of ``case`` under the rule version it follows, dated ``today``."""
    missing = missing_by_stage(session, case, rule_set=rule_set_for(rules, case))
    return missing_notice_pdf(case, missing, book=rules, today=today)


@dataclass
class _Pages:
    """The notice's pages and where the next line goes."""

    images: list[Image.Image] = field(default_factory=list)
    top: int = 0

    def __post_init__(self) -> None:
        self.new_page()

    @property
    def draw(self) -> ImageDraw.ImageDraw:
        return ImageDraw.Draw(self.images[-1])

    def new_page(self) -> None:
        self.images.append(Image.new("L", PAGE_SIZE, 255))
        self.top = MARGIN

    def room(self, height: int) -> None:
        """Start a new page unless ``height`` pixels still fit on this one."""
        if self.top + height > _BOTTOM:
            self.new_page()

    def paragraph(self, text: str, size: int, *, centred: bool = False, gap: int = 16) -> None:
        font = cjk_font(size)
        for line in wrap(text, font, _WIDTH):
            self.room(round(size * 1.5))
            left = MARGIN + ((_WIDTH - self.draw.textlength(line, font=font)) / 2 if centred else 0)
            self.draw.text((left, self.top), line, font=font, fill=0)
            self.top += round(size * 1.5)
        self.top += gap

    def pdf(self) -> bytes:
        font = cjk_font(28)
        for number, image in enumerate(self.images, start=1):
            text = f"第 {number} 页 共 {len(self.images)} 页"
            draw = ImageDraw.Draw(image)
            left = (PAGE_SIZE[0] - draw.textlength(text, font=font)) / 2
            draw.text((left, PAGE_SIZE[1] - MARGIN), text, font=font, fill=0)
        buffer = io.BytesIO()
        first, *rest = self.images
        first.save(buffer, format="PDF", resolution=float(DPI), save_all=True, append_images=rest)
        return buffer.getvalue()


def _heading(pages: _Pages, case: Case, missing: CaseMissing) -> None:
    pages.paragraph(TITLE_ZH, 64, centred=True, gap=30)
    facts = [
        ("案件编号", case.case_no),
        ("客户名称", case.customer.name),
        ("业务类型", f"{LABELS_ZH[case.category]} · {LABELS_ZH[case.business_type]}"),
        ("申请容量", f"{case.capacity_kva:g} kVA"),
        ("受理日期", _date_zh(case.accepted_on)),
    ]
    for label, value in facts:
        pages.paragraph(f"{label}：{value}", 36, gap=0)
    pages.top += 24
    stage_zh = STAGE_LABELS_ZH[missing.stage]
    if missing.total:
        text = (
            f"尊敬的客户：您的用电申请目前处于「{stage_zh}」环节。办理本环节及后续环节还需提交"
            f"下列 {missing.total} 项资料，现一次性告知，请按所属环节准备，提交时注明案件编号 "
            f"{case.case_no}。"
        )
    else:
        text = f"尊敬的客户：您的用电申请目前处于「{stage_zh}」环节，所需资料已经齐全，无需补充。"
    pages.paragraph(text, 36, gap=24)


def _table(pages: _Pages, rows: Sequence[NoticeRow]) -> None:
    _table_row(pages, [header for header, _ in _COLUMNS], bold=True)
    for number, row in enumerate(rows, start=1):
        cells = [str(number), row.label_zh, row.alternatives_zh, row.count, row.stage_zh]
        if _row_height(cells) + pages.top > _BOTTOM:
            pages.new_page()
            _table_row(pages, [header for header, _ in _COLUMNS], bold=True)
        _table_row(pages, cells)
    pages.top += 24


def _row_height(cells: Sequence[str]) -> int:
    font = cjk_font(_TABLE_SIZE)
    lines = max(
        len(wrap(text, font, width - 20)) for text, (_, width) in zip(cells, _COLUMNS, strict=True)
    )
    return lines * _LINE + 16


def _table_row(pages: _Pages, cells: Sequence[str], *, bold: bool = False) -> None:
    font = cjk_font(_TABLE_SIZE)
    height = _row_height(cells)
    draw, left = pages.draw, MARGIN
    if bold:
        draw.rectangle((MARGIN, pages.top, MARGIN + _WIDTH, pages.top + height), fill=225)
    for text, (_, width) in zip(cells, _COLUMNS, strict=True):
        draw.rectangle((left, pages.top, left + width, pages.top + height), outline=0, width=2)
        for index, line in enumerate(wrap(text, font, width - 20)):
            draw.text((left + 10, pages.top + 8 + index * _LINE), line, font=font, fill=0)
        left += width
    pages.top += height


def _footer(pages: _Pages, *, today: dt.date) -> None:
    pages.room(_FOOTER_HEIGHT)
    pages.top += 40
    lines = [
        f"供电单位（盖章）：______________    经办人：__________    告知日期：{_date_zh(today)}",
        "客户（签收）：________________    签收日期：________年____月____日",
        "本告知单一式两份，客户与供电单位各执一份。",
    ]
    for line in lines:
        pages.paragraph(line, 32, gap=40)


def _date_zh(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"
