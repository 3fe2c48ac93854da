"""Renderers of the multi-page 供用电合同 and the 建设工程规划许可证."""

from __future__ import annotations

import random
from datetime import date

from synthetic._fonts import get_font
from synthetic._identity import (
    Party,
    case_date,
    contact_name,
    make_capacity,
    make_name,
    make_person,
    supplier_name,
    supply_terms,
)
from synthetic._marks import draw_emblem, make_seal, make_signature, stamp
from synthetic._sheet import (
    A4_LANDSCAPE,
    MARGIN,
    Sheet,
    SyntheticDoc,
    cn_date,
    finish,
    wrap,
)

_BODY_WIDTH = 1654 - 2 * MARGIN
_PAGE_BOTTOM = 2339 - 260


def _clauses(rng: random.Random, customer: Party, capacity: int) -> list[str]:
    """The numbered clauses of a supply contract, filled in for this customer."""
    voltage, category = supply_terms(customer, capacity)
    day = rng.randint(5, 25)
    return [
        f"第一条 用电地址：{customer.address}。",
        f"第二条 用电性质：{category}；供电电压：交流{voltage}；用电容量：{capacity}kVA。",
        "第三条 供电质量：在电力系统正常状况下，供电人按照国家标准向用电人提供合格的电能，"
        "供电频率允许偏差为±0.2赫兹，电压偏差符合国家规定。",
        "第四条 供电方式：供电人以单电源方式向用电人供电，电源性质为主供电源。",
        "第五条 用电计量：计量装置安装在双方产权分界处，计量装置由供电人负责安装、维护和定期校验。",
        "第六条 电价及电费结算：电价按照政府价格主管部门批准的电价标准执行。"
        f"用电人应于每月{day}日前交清上月电费，逾期未交的，按照国家有关规定承担电费违约金。",
        "第七条 产权分界及维护责任：以供电设施与用电人受电设施的连接点为产权分界点，"
        "分界点电源侧产权属供电人，负荷侧产权属用电人，双方各自负责其产权范围内设施的运行维护。",
        "第八条 用电人的义务：用电人应按照安全用电规定使用电能，不得擅自改变用电类别、"
        "擅自超过合同约定的容量用电，不得擅自向外转供电。",
        "第九条 供电人的义务：供电人应按照国家规定的标准向用电人连续供电；因检修等原因需要停电时，"
        "应当按照国家有关规定事先通知用电人。",
        "第十条 违约责任：任何一方违反本合同约定的，应当依法承担违约责任，赔偿对方因此造成的损失。",
        "第十一条 争议解决：双方因履行本合同发生争议的，应协商解决；协商不成的，"
        "任何一方均可向供电设施所在地人民法院提起诉讼。",
        f"第十二条 合同有效期：本合同自双方签字盖章之日起生效，有效期为{rng.choice((3, 5))}年。"
        "合同期满，双方均未对合同提出异议的，合同继续有效。",
        "第十三条 本合同一式肆份，供电人执贰份，用电人执贰份，具有同等法律效力。",
    ]


def _cover(sheet: Sheet, contract_no: str, supplier: str, customer: Party, signed: date) -> None:
    """The cover page: title, contract number, parties, place and date."""
    y = sheet.title(520, "供用电合同", size=110)
    font = get_font("serif", 44)
    rows = [
        ("合同编号", contract_no),
        ("供电人", supplier),
        ("用电人", customer.name),
        ("签订地点", f"{customer.region.city}{customer.region.district}"),
        ("签订日期", cn_date(signed)),
    ]
    sheet.label_rows(
        (MARGIN + 60, y + 420),
        rows,
        font=font,
        label_width=240,
        width=_BODY_WIDTH - 60,
        leading=2.4,
    )


def _body_pages(clauses: list[str], supplier: str, customer: Party) -> tuple[list[Sheet], int]:
    """Clause pages, paginated; returns them and the y where the signature block starts."""
    font = get_font("serif", 36)
    intro = (
        f"为明确供电人与用电人在电力供应与使用中的权利和义务，根据《中华人民共和国民法典》"
        f"《中华人民共和国电力法》《电力供应与使用条例》和《供电营业规则》等规定，"
        f"经{supplier}（以下简称供电人）与{customer.name}（以下简称用电人）协商一致，签订本合同。"
    )
    pages = [Sheet()]
    y = pages[0].title(200, "供用电合同条款", size=56)
    for text in [intro, *clauses]:
        needed = len(wrap(text, font, _BODY_WIDTH, indent=72)) * int(font.size * 1.75)
        if y + needed > _PAGE_BOTTOM:
            pages.append(Sheet())
            y = 200
        y = pages[-1].paragraph((MARGIN, y), text, width=_BODY_WIDTH, font=font)
    pages[-1].text((MARGIN + 72, y), "（以下无正文）", font=font)
    y += 200
    if y > _PAGE_BOTTOM - 520:
        pages.append(Sheet())
        y = 300
    return pages, y


def _signature_block(
    rng: random.Random, sheet: Sheet, top: int, supplier: str, customer: Party, signed: date
) -> None:
    """Two signing columns with seals over the text and handwritten signatures."""
    font = get_font("serif", 36)
    left, right = MARGIN, sheet.width // 2 + 30
    rows = [
        (0, "{}（盖章）："),
        (150, "法定代表人（负责人）"),
        (215, "或授权代表（签字）："),
        (360, f"签订日期：{cn_date(signed)}"),
    ]
    for offset, text in rows:
        for x, who in zip((left, right), ("供电人", "用电人"), strict=True):
            sheet.text((x, top + offset), text.format(who), font=font)
    seal = make_seal(rng, supplier, radius=170, bottom="合同专用章")
    stamp(sheet.image, seal, (left + 330, top + 60))
    stamp(
        sheet.image, make_signature(rng, make_name(rng, "男"), height=70), (left + 470, top + 230)
    )
    if customer.name != contact_name(customer):
        stamp(sheet.image, make_seal(rng, customer.name, radius=170), (right + 330, top + 60))
    signature = make_signature(rng, contact_name(customer), height=70)
    stamp(sheet.image, signature, (right + 470, top + 230))


def render_supply_contract(rng: random.Random, *, customer: Party | None = None) -> SyntheticDoc:
    """A multi-page 供用电合同: cover, clauses, signature page with seals and signatures."""
    customer = customer or make_person(rng)
    supplier = supplier_name(customer.region)
    signed = case_date(rng)
    contract_no = f"GYD{signed:%Y}{customer.region.code}{rng.randint(1, 99999):05d}"
    cover = Sheet()
    _cover(cover, contract_no, supplier, customer, signed)
    clauses = _clauses(rng, customer, make_capacity(rng, customer))
    pages, top = _body_pages(clauses, supplier, customer)
    _signature_block(rng, pages[-1], top, supplier, customer, signed)
    sheets = [cover, *pages]
    footer = get_font("serif", 28)
    for number, sheet in enumerate(sheets[1:], start=1):
        sheet.centered(2339 - 150, f"第 {number} 页 共 {len(sheets) - 1} 页", font=footer)
    fields = {
        "contract_no": contract_no,
        "customer_name": customer.name,
        "supplier": supplier,
        "signed_date": signed.isoformat(),
    }
    return finish("supply_contract", sheets, fields)


_PROJECTS = ("综合楼", "生产厂房", "仓储用房", "办公楼", "商业用房", "研发中心")


def _permit_left(sheet: Sheet, permit_no: str, issued: date, authority: str) -> None:
    """The left half of a planning permit: emblem, title, number, legal text, issuer."""
    half = sheet.width // 2
    draw_emblem(sheet.draw, (half / 2, 260), 110, (170, 40, 40))
    sheet.text((half / 2, 420), "中华人民共和国", font=get_font("serif_bold", 54), anchor="ma")
    sheet.text((half / 2, 520), "建设工程规划许可证", font=get_font("serif_bold", 72), anchor="ma")
    font = get_font("serif", 34)
    sheet.text((half / 2, 660), f"编号：{permit_no}", font=font, anchor="ma")
    body = (
        "根据《中华人民共和国城乡规划法》第四十条和国家有关规定，经审核，"
        "本建设工程符合城乡规划要求，颁发此证。"
    )
    y = sheet.paragraph((150, 760), body, width=half - 300, font=font)
    sheet.text((half - 150, y + 120), f"发证机关：{authority}", font=font, anchor="ra")
    sheet.text((half - 150, y + 200), f"日期：{cn_date(issued)}", font=font, anchor="ra")


def render_planning_permit(rng: random.Random, *, builder: Party | None = None) -> SyntheticDoc:
    """A 建设工程规划许可证 (landscape): 编号, 建设单位, 建设项目名称, 建设位置."""
    from synthetic._identity import make_company

    builder = builder or make_company(rng)
    region = builder.region
    issued = case_date(rng)
    permit_no = f"建字第{region.code}{issued:%Y}{rng.randint(1, 9999):04d}号"
    project = f"{builder.name.removesuffix('有限公司')}{rng.choice(_PROJECTS)}项目"
    authority = f"{region.city}规划和自然资源局"
    sheet = Sheet(A4_LANDSCAPE)
    sheet.draw.rectangle(
        (50, 50, sheet.width - 50, sheet.image.height - 50), outline=(170, 40, 40), width=8
    )
    _permit_left(sheet, permit_no, issued, authority)
    stamp(sheet.image, make_seal(rng, authority, radius=150), (sheet.width // 2 - 330, 1100))
    half = sheet.width // 2
    rows = [
        [("建设单位（个人）", 330), (builder.name, half - 430)],
        [("建设项目名称", 330), (project, half - 430)],
        [("建设位置", 330), (builder.address, half - 430)],
        [("建设规模", 330), (f"总建筑面积{rng.randint(1500, 48000)}平方米", half - 430)],
        [("附图及附件名称", 330), ("建设工程规划许可证附图、总平面图", half - 430)],
    ]
    sheet.table((half + 50, 260), rows, font=get_font("serif", 32), row_height=170)
    fields = {
        "permit_no": permit_no,
        "builder": builder.name,
        "project_name": project,
        "location": builder.address,
    }
    return finish("planning_permit", [sheet], fields)
