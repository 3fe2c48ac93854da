"""Renderers of the customer's electrical works: drawings, inspection and acceptance records."""

from __future__ import annotations

import random

from PIL import ImageDraw

from synthetic._fonts import get_font
from synthetic._identity import (
    Party,
    case_date,
    contact_name,
    make_capacity,
    make_company,
    make_name,
    make_person,
)
from synthetic._marks import make_signature, stamp
from synthetic._render_forms import pair, quad
from synthetic._sheet import (
    A4_LANDSCAPE,
    INK,
    MARGIN,
    Cell,
    Sheet,
    SyntheticDoc,
    cn_date,
    finish,
)

_DESIGNERS = ("电力设计有限公司", "电力工程设计院有限公司", "电气工程设计有限公司")


def project_name(customer: Party, capacity: int) -> str:
    """The 工程名称 of a customer's connection works."""
    return f"{customer.name}{capacity}kVA用电工程"


def _transformer(draw: ImageDraw.ImageDraw, x: int, y: int, r: int) -> None:
    """Two overlapping circles: the single-line symbol of a transformer."""
    draw.ellipse((x - r, y - r, x + r, y + r), outline=INK, width=3)
    draw.ellipse((x - r, y + r // 2, x + r, y + r * 5 // 2), outline=INK, width=3)


def _single_line_diagram(sheet: Sheet, rng: random.Random, capacity: int) -> None:
    """A 10kV incoming line, a transformer and low-voltage feeders, with labels."""
    draw, small = sheet.draw, get_font("sans", 26)
    x0 = 420
    draw.line((x0, 160, x0, 420), fill=INK, width=4)
    sheet.text((x0 + 30, 170), "10kV进线（电缆YJV22-8.7/15kV-3×70）", font=small)
    draw.rectangle((x0 - 30, 300, x0 + 30, 360), outline=INK, width=3)
    sheet.text((x0 + 50, 310), "真空断路器 VS1-12/630A", font=small)
    _transformer(draw, x0, 480, 60)
    sheet.text((x0 + 90, 500), f"S13-M-{capacity}/10  10/0.4kV  Dyn11", font=small)
    draw.line((x0, 630, x0, 760), fill=INK, width=4)
    draw.line((200, 760, sheet.width - 700, 760), fill=INK, width=8)
    sheet.text((200, 720), "0.4kV母线", font=small)
    feeders = rng.randint(4, 7)
    gap = (sheet.width - 1000) // feeders
    for index in range(feeders):
        x = 260 + index * gap
        draw.line((x, 760, x, 1000), fill=INK, width=3)
        draw.rectangle((x - 22, 840, x + 22, 900), outline=INK, width=3)
        sheet.text((x - 30, 1020), f"WL{index + 1}", font=small)


def _title_block(sheet: Sheet, rows: list[list[Cell]]) -> None:
    """The drawing's title block, bottom right, with grid lines."""
    width = sum(cell[1] for cell in rows[0])
    height = len(rows) * 70
    left = sheet.width - 60 - width
    top = sheet.image.height - 60 - height
    sheet.table((left, top), rows, font=get_font("sans", 28), row_height=70)


def render_design_drawing(rng: random.Random, *, customer: Party | None = None) -> SyntheticDoc:
    """A 设计图纸 (landscape): a single-line diagram with a title block."""
    customer = customer or make_company(rng)
    capacity = make_capacity(rng, customer)
    city = customer.region.city.removesuffix("市")
    designer = f"{city}{rng.choice('华电信恒源')}{rng.choice(_DESIGNERS)}"
    year = f"{case_date(rng):%Y}"
    drawing_no = (
        f"{rng.choice(('DQ', 'D'))}-{year}-{rng.randint(1, 999):03d}-{rng.randint(1, 9):02d}"
    )
    day = case_date(rng)
    project = project_name(customer, capacity)
    sheet = Sheet(A4_LANDSCAPE)
    sheet.draw.rectangle((40, 40, sheet.width - 40, sheet.image.height - 40), outline=INK, width=6)
    sheet.text((120, 80), "电气一次系统图", font=get_font("sans_bold", 44))
    _single_line_diagram(sheet, rng, capacity)
    notes = [
        "说明：",
        "1. 本图尺寸单位均为毫米。",
        "2. 接地电阻不大于4Ω。",
        "3. 施工须符合国家现行规范。",
    ]
    for index, note in enumerate(notes):
        sheet.text((120, 1150 + index * 50), note, font=get_font("sans", 28))
    rows = [
        [("工程名称", 200), (project, 760)],
        [("图名", 200), ("电气一次系统图", 330), ("图号", 130), (drawing_no, 300)],
        [("设计单位", 200), (designer, 760)],
        [("设计", 200), (make_name(rng, "男"), 330), ("比例", 130), ("1:100", 300)],
        [("审核", 200), (make_name(rng, "女"), 330), ("日期", 130), (cn_date(day), 300)],
    ]
    _title_block(sheet, rows)
    fields = {
        "project_name": project,
        "drawing_no": drawing_no,
        "design_unit": designer,
        "date": day.isoformat(),
    }
    return finish("design_drawing", [sheet], fields)


_INSPECTION_ITEMS = (
    ("电缆沟及电缆管敷设", "埋深、走向符合设计要求"),
    ("接地装置", "接地体规格、埋深及焊接质量"),
    ("设备基础", "基础尺寸、预埋件位置"),
    ("隐蔽工程", "隐蔽部分施工记录齐全"),
    ("配电房土建", "防水、通风、防小动物措施"),
)
_ACCEPTANCE_ITEMS = (
    ("变压器", "交接试验合格，油位、温控正常"),
    ("高压开关柜", "五防闭锁可靠，试验报告齐全"),
    ("继电保护", "整定值与定值单一致"),
    ("计量装置", "接线正确，封印完好"),
    ("接地电阻", "实测值符合要求"),
    ("安全工器具", "配置齐全，试验合格"),
)


def _record(
    rng: random.Random,
    customer: Party,
    *,
    doc_type: str,
    title: str,
    items: tuple[tuple[str, str], ...],
) -> SyntheticDoc:
    """A checklist record of a site visit: header, checked items, conclusion, signatures."""
    day = case_date(rng)
    capacity = make_capacity(rng, customer)
    builder = make_company(rng, region=customer.region).name.replace("有限公司", "电力安装有限公司")
    sheet = Sheet()
    y = sheet.title(190, title, size=64)
    font = get_font("sans", 32)
    header = [
        pair("工程名称", project_name(customer, capacity)),
        quad("客户名称", customer.name, "检查日期", cn_date(day)),
        pair("用电地址", customer.address),
        pair("施工单位", builder),
    ]
    y = sheet.table((MARGIN, y + 30), header, font=font, row_height=96)
    width = 1654 - 2 * MARGIN
    checks: list[list[Cell]] = [
        [("序号", 120), ("检查项目", 330), ("检查内容", width - 690), ("结果", 240)]
    ]
    failures = []
    for number, (item, content) in enumerate(items, start=1):
        passed = rng.random() > 0.15
        failures += [] if passed else [item]
        checks.append(
            [
                (str(number), 120),
                (item, 330),
                (content, width - 690),
                ("合格" if passed else "不合格", 240),
            ]
        )
    y = sheet.table((MARGIN, y + 40), checks, font=font, row_height=90)
    problems = "无" if not failures else f"{'、'.join(failures)}不符合要求，需整改后复验。"
    verdict = "合格" if not failures else "不合格，整改后申请复验"
    closing = [
        pair("存在问题", problems),
        pair("检查结论", verdict),
        quad("检查人员", make_name(rng, "男"), "客户代表", ""),
    ]
    bottom = sheet.table((MARGIN, y + 40), closing, font=font, row_height=110)
    signature = make_signature(rng, contact_name(customer), height=60)
    stamp(sheet.image, signature, (sheet.width - MARGIN - 250, bottom - 55))
    return finish(doc_type, [sheet], {"customer_name": customer.name, "date": day.isoformat()})


def render_inspection_record(rng: random.Random, *, customer: Party | None = None) -> SyntheticDoc:
    """A 中间检查记录: checks of concealed works before they are covered."""
    customer = customer or make_person(rng)
    return _record(
        rng, customer, doc_type="inspection_record", title="中间检查记录", items=_INSPECTION_ITEMS
    )


def render_acceptance_record(rng: random.Random, *, customer: Party | None = None) -> SyntheticDoc:
    """A 竣工检验记录: the completion acceptance of the customer's installation."""
    customer = customer or make_person(rng)
    return _record(
        rng, customer, doc_type="acceptance_record", title="竣工检验记录", items=_ACCEPTANCE_ITEMS
    )
