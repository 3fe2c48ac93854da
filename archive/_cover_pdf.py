"""Printing cover sheets: one A4 page each, drawn with Pillow at 200 dpi, QR codes by segno.

The page is bitonal, so the QR code's modules keep sharp edges through the PDF (Pillow stores
a mode-1 image losslessly) and through the printer; a module is at least 1.2 mm, which a
200 dpi office scan resolves even when blurred.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import segno
from PIL import Image, ImageDraw

from archive._cover_sheets import CoverPage, cover_pages
from archive._page_draw import DPI, MARGIN, PAGE_SIZE, cjk_font, wrap
from archive.db._models import Case
from archive.rules import RuleBook, rule_set_for
from intake import cover_payload

INSTRUCTION_ZH = "请将本页放在该资料首页之前一并扫描"
_QR_SIDE = 620  # pixels, about 79 mm, quiet zone included
_MIN_MODULE = 10  # pixels: 1.27 mm


def cover_sheets_pdf(pages: Sequence[CoverPage]) -> bytes:
    """A PDF with one A4 page per cover, in order; raises FontMissingError without a CJK font."""
    images = [cover_image(page) for page in pages]
    buffer = io.BytesIO()
    first, *rest = images
    first.save(buffer, format="PDF", resolution=float(DPI), save_all=True, append_images=rest)
    return buffer.getvalue()


def cover_image(page: CoverPage) -> Image.Image:
    """One cover as a bitonal A4 page image at 200 dpi."""
    image = Image.new("L", PAGE_SIZE, 255)
    draw = ImageDraw.Draw(image)
    width = PAGE_SIZE[0] - 2 * MARGIN
    top = _centred(draw, "资料封面", top=MARGIN, size=96)
    top = _centred(draw, page.doc_type_zh, top=top + 40, size=80, width=width)
    qr = _qr_image(cover_payload(page.sheet))
    image.paste(qr, ((PAGE_SIZE[0] - qr.width) // 2, top + 50))
    top += 50 + qr.height
    top = _centred(draw, cover_payload(page.sheet), top=top + 10, size=26, width=width)
    top += 60
    rows = [
        ("案件编号", page.sheet.case_no),
        ("客户名称", page.customer_name),
        ("资料类型", f"{page.doc_type_zh}（{page.sheet.doc_type}）"),
        ("所需资料", page.requirement_zh),
        ("所属环节", page.stage_zh),
    ]
    if page.alternatives_zh:
        rows.append(("可选其一", "本项也可提交" + "、".join(page.alternatives_zh) + "，请用其封面"))
    for label, value in rows:
        top = _row(draw, label, value, top=top, width=width)
    draw.line((MARGIN, top + 30, PAGE_SIZE[0] - MARGIN, top + 30), fill=0, width=3)
    _centred(draw, INSTRUCTION_ZH, top=top + 70, size=52, width=width)
    return image.point(lambda value: 255 if value >= 128 else 0, mode="1")


def _qr_image(payload: str) -> Image.Image:
    code = segno.make(payload, error="m")
    side = code.symbol_size(scale=1, border=4)[0]
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=max(_MIN_MODULE, _QR_SIDE // side), border=4)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def _centred(
    draw: ImageDraw.ImageDraw, text: str, *, top: int, size: int, width: int | None = None
) -> int:
    """Draw ``text`` centred (wrapped to ``width``); returns the bottom of its last line."""
    font = cjk_font(size)
    for line in wrap(text, font, width or PAGE_SIZE[0]):
        left = (PAGE_SIZE[0] - draw.textlength(line, font=font)) / 2
        draw.text((left, top), line, font=font, fill=0)
        top += round(size * 1.35)
    return top


def _row(draw: ImageDraw.ImageDraw, label: str, value: str, *, top: int, width: int) -> int:
    """A label and its value, the value wrapped beside the label; the bottom of the row."""
    font = cjk_font(44)
    label_width = round(draw.textlength("所需资料：", font=font)) + 10
    draw.text((MARGIN, top), f"{label}：", font=font, fill=0)
    for line in wrap(value, font, width - label_width):
        draw.text((MARGIN + label_width, top), line, font=font, fill=0)
        top += 62
    return top + 8


def case_cover_sheets(case: Case, *, rules: RuleBook, stage: str | None = None) -> bytes:
    """The cover-sheet PDF of ``case`` for ``stage`` (its current one by default, ``"all"``:
    every stage of its flow) under the rule version it follows; see ``cover_pages``."""
    pages = cover_pages(case, rule_set=rule_set_for(rules, case), book=rules, stage=stage)
    return cover_sheets_pdf(pages)
