"""Renderers of forms filled in by customer or utility: application, authorization, survey, plan."""

from __future__ import annotations

import random
from datetime import date, timedelta

from synthetic._fonts import get_font
from synthetic._identity import (
    BUSINESS_TYPES,
    Party,
    Person,
    add_years,
    case_date,
    contact_name,
    make_capacity,
    make_case_no,
    make_name,
    make_person,
    party_identifier,
    supplier_name,
    supply_terms,
)
from synthetic._marks import make_seal, make_signature, stamp
from synthetic._sheet import MARGIN, Cell, Sheet, SyntheticDoc, cn_date, finish

_TABLE_WIDTH = 1654 - 2 * MARGIN
_LABEL = 340


def pair(label: str, value: str) -> list[Cell]:
    """A two-cell table row: label, value."""
    return [(label, _LABEL), (value, _TABLE_WIDTH - _LABEL)]


def quad(label1: str, value1: str, label2: str, value2: str) -> list[Cell]:
    """A four-cell table row: two label/value pairs."""
    half = _TABLE_WIDTH // 2
    return [
        (label1, _LABEL),
        (value1, half - _LABEL),
        (label2, _LABEL - 60),
        (value2, half - _LABEL + 60),
    ]


def sign_for(rng: random.Random, sheet: Sheet, party: Party, center: tuple[int, int]) -> None:
    """A party's mark: a company's red seal plus its representative's signature, or a signature."""
    if not isinstance(party, Person):
        stamp(sheet.image, make_seal(rng, party.name, radius=150), (center[0] + 60, center[1]))
    stamp(sheet.image, make_signature(rng, contact_name(party), height=70), center)


def _checkboxes(chosen: str) -> str:
    """The business-type choices as printed, the chosen one filled: ■新装 □增容 □临时用电."""
    return " ".join(
        ("■" if code == chosen else "□") + label for code, label in BUSINESS_TYPES.items()
    )


def render_application_form(
    rng: random.Random,
    *,
    customer: Party | None = None,
    business_type: str | None = None,
    capacity_kva: int | None = None,
) -> SyntheticDoc:
    """A 用电申请表: customer, ID or credit code, address, phone, capacity and business type."""
    customer = customer or make_person(rng)
    business_type = business_type or rng.choice(tuple(BUSINESS_TYPES))
    kva = capacity_kva or make_capacity(rng, customer)
    capacity = str(kva)
    is_person = isinstance(customer, Person)
    voltage, category = supply_terms(customer, kva)
    key, identifier = party_identifier(customer)
    day = case_date(rng)
    sheet = Sheet()
    title = (
        "居民生活用电申请表"
        if is_person
        else rng.choice(("低压非居民用电申请表", "高压用电申请表"))
    )
    y = sheet.title(190, title, size=64)
    small = get_font("sans", 30)
    sheet.text((MARGIN, y), f"申请编号：{make_case_no(rng, day)}", font=small)
    sheet.text((sheet.width - MARGIN, y), f"申请日期：{cn_date(day)}", font=small, anchor="ra")
    rows = [
        pair("客户名称", customer.name),
        pair("证件类型", "居民身份证" if is_person else "营业执照"),
        pair("证件号码", identifier),
        pair("用电地址", customer.address),
        quad("联系人", contact_name(customer), "联系电话", customer.phone),
        pair("申请容量(kVA)", capacity),
        pair("业务类型", _checkboxes(business_type)),
        pair("用电类别", category),
        pair("供电电压", f"交流{voltage}"),
        pair(
            "客户声明",
            "本人（单位）承诺所提供的资料真实、有效，同意遵守国家有关供用电的法律法规及供电企业的相关规定。",
        ),
    ]
    font = get_font("sans", 34)
    bottom = sheet.table((MARGIN, y + 70), rows, font=font, row_height=104)
    bottom = sheet.table((MARGIN, bottom), [pair("客户签章", "")], font=font, row_height=240)
    sign_for(rng, sheet, customer, (MARGIN + _LABEL + 360, bottom - 120))
    accepted = [quad("受理人", make_name(rng, rng.choice(("男", "女"))), "受理日期", cn_date(day))]
    bottom = sheet.table((MARGIN, bottom), accepted, font=font, row_height=104)
    sheet.text((MARGIN, bottom + 40), "注：本表一式两份，供电企业与客户各执一份。", font=small)
    fields = {
        "customer_name": customer.name,
        key: identifier,
        "address": customer.address,
        "phone": customer.phone,
        "capacity_kva": capacity,
        "business_type": business_type,
    }
    return finish("application_form", [sheet], fields)


def _letter_parties(customer: Party, agent: Person) -> list[tuple[str, str]]:
    """The 委托人/受托人 lines of an authorization letter."""
    key, identifier = party_identifier(customer)
    rows = [("委托人", customer.name)]
    if key == "credit_code":
        rows += [("统一社会信用代码", identifier), ("法定代表人", contact_name(customer))]
    else:
        rows.append(("身份证号码", identifier))
    rows += [("受托人", agent.name), ("身份证号码", agent.id_number), ("联系电话", agent.phone)]
    return rows


LETTER_LAYOUTS = ("letter_rows", "letter_prose", "letter_prose_alt")
"""The layouts of authorization letters: label rows, or the parties named in running text."""


def _letter_opening(customer: Party, agent: Person, *, layout: str) -> str:
    """The first sentence of a letter in running text, naming both parties and their IDs."""
    key, identifier = party_identifier(customer)
    id_label = "统一社会信用代码" if key == "credit_code" else "身份证号码"
    who = "本人" if isinstance(customer, Person) else "我单位"
    if layout == "letter_prose":
        return (
            f"委托人：{customer.name}，{id_label}：{identifier}。"
            f"受托人：{agent.name}，身份证号：{agent.id_number}，联系电话：{agent.phone}。"
            f"现委托{agent.name}为{who}的合法代理人，"
        )
    return (
        f"兹有{customer.name}（{id_label}{identifier}）委托{agent.name}"
        f"（身份证号码{agent.id_number}，联系电话{agent.phone}）作为{who}的代理人，"
    )


def render_authorization_letter(
    rng: random.Random,
    *,
    customer: Party | None = None,
    agent: Person | None = None,
    layout: str = "letter_rows",
) -> SyntheticDoc:
    """A 授权委托书: the customer authorises an agent to handle the electricity application."""
    customer = customer or make_person(rng)
    agent = agent or make_person(rng, region=customer.region)
    day = case_date(rng)
    sheet = Sheet()
    y = sheet.title(220, "授权委托书", size=72)
    font = get_font("serif", 38)
    who = "本人" if isinstance(customer, Person) else "我单位"
    if layout == "letter_rows":
        rows = _letter_parties(customer, agent)
        y = sheet.label_rows(
            (MARGIN, y + 20), rows, font=font, label_width=340, width=_TABLE_WIDTH, leading=1.8
        )
        opening = f"现委托{agent.name}为{who}的合法代理人，"
    else:
        opening = _letter_opening(customer, agent, layout=layout)
    kind = BUSINESS_TYPES[rng.choice(tuple(BUSINESS_TYPES))]
    body = (
        f"{opening}代表{who}前往{supplier_name(customer.region)}"
        f"办理位于{customer.address}的{kind}用电业务，包括提交申请资料、签收供电方案答复单、"
        f"签订供用电合同等相关事宜。代理人在办理上述事项过程中所签署的有关文件，{who}均予以承认。"
    )
    y = sheet.paragraph((MARGIN, y + 30), body, width=_TABLE_WIDTH, font=font)
    until = day + timedelta(days=rng.choice((90, 180, 365)))
    y = sheet.paragraph(
        (MARGIN, y),
        f"委托期限：自{cn_date(day)}至{cn_date(until)}止。",
        width=_TABLE_WIDTH,
        font=font,
    )
    y = sheet.paragraph((MARGIN, y), "代理人无转委托权。", width=_TABLE_WIDTH, font=font) + 120
    _letter_signatures(rng, sheet, (customer, agent), y=y, day=day)
    fields = {
        "customer_name": customer.name,
        "agent_name": agent.name,
        "agent_id_number": agent.id_number,
        "date": day.isoformat(),
    }
    return finish("authorization_letter", [sheet], fields, layout=layout)


def _letter_signatures(
    rng: random.Random, sheet: Sheet, parties: tuple[Party, Person], *, y: int, day: date
) -> None:
    """The signature block of a letter: customer, agent, date."""
    customer, agent = parties
    font = get_font("serif", 38)
    x = sheet.width // 2 - 40
    sheet.text((x, y), "委托人（签字/盖章）：", font=font)
    sign_for(rng, sheet, customer, (x + 520, y + 20))
    sheet.text((x, y + 150), "受托人（签字）：", font=font)
    stamp(sheet.image, make_signature(rng, agent.name, height=70), (x + 450, y + 170))
    sheet.text((x, y + 300), f"日期：{cn_date(day)}", font=font)


_SOURCES = ("城南线", "开发区线", "东环线", "工业园线", "滨河线", "新城线")


def render_site_survey_record(rng: random.Random, *, customer: Party | None = None) -> SyntheticDoc:
    """A 现场勘查记录 (utility form): customer, address, supply source, findings, surveyors."""
    customer = customer or make_person(rng)
    day = case_date(rng)
    capacity = make_capacity(rng, customer)
    is_person = isinstance(customer, Person)
    sheet = Sheet()
    y = sheet.title(190, "现场勘查记录", size=64)
    source = f"10kV{rng.choice(_SOURCES)}{rng.randint(1, 300)}号杆"
    surveyors = "、".join(make_name(rng, rng.choice(("男", "女"))) for _ in range(2))
    rows = [
        quad("户名", customer.name, "申请编号", make_case_no(rng, day - timedelta(days=2))),
        pair("用电地址", customer.address),
        quad("申请容量", f"{capacity}kVA", "勘查日期", cn_date(day)),
        pair("供电电源", source if not is_person else f"{rng.randint(1, 40)}号配电箱（{source}）"),
        pair("计量方式", "低供低计" if capacity < 100 else rng.choice(("高供低计", "高供高计"))),
        pair(
            "现场情况",
            "用电地址与申请资料一致，现场具备施工条件，周边无其他用电受限情况，客户负荷性质与申请相符。",
        ),
        pair(
            "勘查意见",
            rng.choice(("具备供电条件，建议按申请容量供电。", "具备供电条件，需新立电杆一基。")),
        ),
        quad("勘查人员", surveyors, "客户签字", ""),
    ]
    font = get_font("sans", 34)
    bottom = sheet.table((MARGIN, y + 40), rows, font=font, row_height=104)
    stamp(
        sheet.image,
        make_signature(rng, contact_name(customer), height=60),
        (sheet.width - MARGIN - 250, bottom - 52),
    )
    return finish(
        "site_survey_record", [sheet], {"customer_name": customer.name, "date": day.isoformat()}
    )


def render_supply_plan(rng: random.Random, *, customer: Party | None = None) -> SyntheticDoc:
    """A 供电方案答复单: the supply plan offered to the customer, with its 有效期."""
    customer = customer or make_person(rng)
    day = case_date(rng)
    capacity = make_capacity(rng, customer)
    supplier = supplier_name(customer.region)
    sheet = Sheet()
    sheet.centered(150, supplier, font=get_font("serif", 40))
    y = sheet.title(240, "供电方案答复单", size=64)
    voltage, category = supply_terms(customer, capacity)
    high = voltage == "10kV"
    until = add_years(day, 1) - timedelta(days=1)
    rows = [
        quad("户名", customer.name, "户号", "".join(rng.choice("0123456789") for _ in range(10))),
        quad("申请编号", make_case_no(rng, day - timedelta(days=7)), "答复日期", cn_date(day)),
        pair("用电地址", customer.address),
        quad("申请容量", f"{capacity}kVA", "供电容量", f"{capacity}kVA"),
        quad("供电电压", voltage, "电价类别", category),
        pair("电源点", f"10kV{rng.choice(_SOURCES)}{rng.randint(1, 300)}号杆T接"),
        pair(
            "计量方式",
            "高供高计，计量点设在客户产权分界处" if high else "低供低计，计量装置安装于表箱内",
        ),
        pair("有效期", f"自客户签收之日起一年（{cn_date(day)}至{cn_date(until)}）"),
        pair(
            "其他事项", "客户受电工程须委托具备相应资质的单位设计、施工，竣工后向供电企业申请检验。"
        ),
        quad("答复人", make_name(rng, "男"), "客户签收", ""),
    ]
    font = get_font("sans", 32)
    bottom = sheet.table((MARGIN, y + 40), rows, font=font, row_height=100)
    stamp(
        sheet.image,
        make_seal(rng, supplier, radius=160, bottom="业务专用章"),
        (MARGIN + 450, bottom + 180),
    )
    stamp(
        sheet.image,
        make_signature(rng, contact_name(customer), height=60),
        (sheet.width - MARGIN - 250, bottom - 50),
    )
    return finish("supply_plan", [sheet], {"customer_name": customer.name, "date": day.isoformat()})
