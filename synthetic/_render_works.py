"""Renderers of the customer's electrical works: drawings, inspection and acceptance records."""

from __future__ import annotations

import random
from datetime import date

from PIL import ImageDraw

from synthetic._fonts import get_font
from synthetic._identity import (
    Party,
    case_date,
    contact_name,
    make_capacity,
    make_case_no,
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
    FieldStyle,
    Pair,
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


# The labels a record or work order prints before the customer's name.
CUSTOMER_LABELS = ("客户名称", "户名", "用电人", "用户名称")

RECORD_LAYOUTS: dict[str, FieldStyle] = {
    "record_box": "box",
    "record_box_business_no": "box",
    "record_left_business_no": "left",
    "record_above_business_no": "above",
}
"""The layouts of inspection and acceptance records, and how each prints its header."""


def _record_header(
    rng: random.Random, customer: Party, day: date, *, layout: str
) -> list[list[Pair]]:
    """The header pairs of a record: the classic table, or one with a 业务编号 before the name."""
    capacity = make_capacity(rng, customer)
    builder = make_company(rng, region=customer.region).name.replace("有限公司", "电力安装有限公司")
    project = ("工程名称", project_name(customer, capacity))
    if layout == "record_box":
        return [
            [project],
            [("客户名称", customer.name), ("检查日期", cn_date(day))],
            [("用电地址", customer.address)],
            [("施工单位", builder)],
        ]
    number = rng.choice(("业务编号", "工单编号", "申请编号"))
    return [
        [(number, make_case_no(rng, day)), (rng.choice(CUSTOMER_LABELS), customer.name)],
        [project],
        [("用电地址", customer.address)],
        [("施工单位", builder), (rng.choice(("检查日期", "日期")), cn_date(day))],
    ]


def _record(
    rng: random.Random,
    customer: Party,
    *,
    doc_type: str,
    title: str,
    items: tuple[tuple[str, str], ...],
    layout: str,
) -> SyntheticDoc:
    """A checklist record of a site visit: header, checked items, conclusion, signatures."""
    day = case_date(rng)
    sheet = Sheet()
    y = sheet.title(190, title, size=64)
    font = get_font("sans", 32)
    width = 1654 - 2 * MARGIN
    header = _record_header(rng, customer, day, layout=layout)
    y = sheet.pairs((MARGIN, y + 30), header, style=RECORD_LAYOUTS[layout], font=font, width=width)
    checks: list[list[Cell]] = [
        [("序号", 120), ("检查项目", 330), ("检查内容", width - 690), ("结果", 240)]
    ]
    failures = []
    for number, (item, content) in enumerate(items, start=1):
        passed = rng.random() > 0.15
        failures += [] if passed else [item]
        result = "合格" if passed else "不合格"
        checks.append([(str(number), 120), (item, 330), (content, width - 690), (result, 240)])
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
    fields = {"customer_name": customer.name, "date": day.isoformat()}
    return finish(doc_type, [sheet], fields, layout=layout)


def render_inspection_record(
    rng: random.Random, *, customer: Party | None = None, layout: str = "record_box"
) -> SyntheticDoc:
    """A 中间检查记录: checks of concealed works before they are covered."""
    customer = customer or make_person(rng)
    return _record(
        rng,
        customer,
        doc_type="inspection_record",
        title="中间检查记录",
        items=_INSPECTION_ITEMS,
        layout=layout,
    )


def render_acceptance_record(
    rng: random.Random, *, customer: Party | None = None, layout: str = "record_box"
) -> SyntheticDoc:
    """A 竣工检验记录: the completion acceptance of the customer's installation."""
    customer = customer or make_person(rng)
    return _record(
        rng,
        customer,
        doc_type="acceptance_record",
        title="竣工检验记录",
        items=_ACCEPTANCE_ITEMS,
        layout=layout,
    )


WORK_ORDER_LAYOUTS: dict[str, FieldStyle] = {
    "work_order_box": "box",
    "work_order_left": "left",
    "work_order_above": "above",
}
"""The layouts of meter installation work orders, and how each prints its pairs."""


def render_meter_installation(
    rng: random.Random, *, customer: Party | None = None, layout: str = "work_order_box"
) -> SyntheticDoc:
    """A 装表接电工单: the work order number before the customer, the meter, the date."""
    customer = customer or make_person(rng)
    day = case_date(rng)
    digits = "0123456789"
    sheet = Sheet()
    y = sheet.title(190, "装表接电工单", size=64)
    rows: list[list[Pair]] = [
        [
            ("工单编号", make_case_no(rng, day)),
            (rng.choice(CUSTOMER_LABELS), customer.name),
        ],
        [("用电地址", customer.address)],
        [("户号", "".join(rng.choice(digits) for _ in range(10))), ("联系电话", customer.phone)],
        [("电能表表号", "".join(rng.choice(digits) for _ in range(13))), ("示数", "0.00")],
        [
            (rng.choice(("装表日期", "送电日期", "接电日期")), cn_date(day)),
            ("装表人员", make_name(rng, "男")),
        ],
    ]
    font = get_font("sans", 32)
    style = WORK_ORDER_LAYOUTS[layout]
    bottom = sheet.pairs((MARGIN, y + 40), rows, style=style, font=font, width=1654 - 2 * MARGIN)
    sheet.text((MARGIN, bottom + 80), "客户签字：", font=font)
    stamp(
        sheet.image,
        make_signature(rng, contact_name(customer), height=60),
        (MARGIN + 360, bottom + 100),
    )
    fields = {"customer_name": customer.name, "date": day.isoformat()}
    return finish("meter_installation", [sheet], fields, layout=layout)
