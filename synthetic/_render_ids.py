"""Renderers of identity and title documents: ID card copy, business license, property deed."""

from __future__ import annotations

import random
from datetime import date

from PIL import Image, ImageDraw

from synthetic._fonts import get_font
from synthetic._identity import (
    REFERENCE_DATE,
    Company,
    Party,
    Person,
    make_company,
    make_person,
    random_date,
)
from synthetic._marks import draw_emblem, draw_portrait, make_seal, stamp
from synthetic._sheet import INK, MARGIN, Sheet, SyntheticDoc, cn_date, finish, wrap

_CARD_MM = (85.6, 54.0)
_CARD_GREY = 238
_LABEL_GREY = (70, 90, 120)


def _card_box(sheet: Sheet, top: int, scale: float) -> tuple[int, int, int, int]:
    """The pixel box of a card copied at ``scale`` and centred horizontally."""
    width = int(_CARD_MM[0] / 25.4 * 200 * scale)
    height = int(_CARD_MM[1] / 25.4 * 200 * scale)
    left = (sheet.width - width) // 2
    return left, top, left + width, top + height


def _card_outline(sheet: Sheet, box: tuple[int, int, int, int], rng: random.Random) -> None:
    """The rounded, lightly patterned face of a photocopied card."""
    width, height = box[2] - box[0], box[3] - box[1]
    card = Image.new("RGB", (width, height), (_CARD_GREY,) * 3)
    draw = ImageDraw.Draw(card)
    for index in range(7):
        y = height * (0.05 + index * 0.13) + rng.uniform(-6, 6)
        draw.arc(
            (-width // 3, int(y), width * 4 // 3, int(y) + height),
            190,
            350,
            fill=(224,) * 3,
            width=2,
        )
    mask = Image.new("L", (width, height), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        (0, 0, width - 1, height - 1), radius=height // 14, fill=255
    )
    sheet.image.paste(card, box[:2], mask)
    sheet.draw.rounded_rectangle(box, radius=height // 14, outline=(120,) * 3, width=3)


def _id_front(sheet: Sheet, box: tuple[int, int, int, int], person: Person) -> None:
    """The portrait side: 姓名, 性别/民族, 出生, 住址, 公民身份号码."""
    left, top, right, bottom = box
    w, h = right - left, bottom - top
    label = get_font("hei", int(h * 0.06))
    value = get_font("hei", int(h * 0.068))
    x_label, x_value = left + w * 0.06, left + w * 0.18

    def row(y: float, name: str, text: str, x: float = x_value) -> None:
        sheet.spaced(
            (x_label if x == x_value else x - w * 0.12, top + h * y),
            name,
            font=label,
            gap=label.size * 0.6,
            fill=_LABEL_GREY,
        )
        sheet.text((x, top + h * y), text, font=value)

    row(0.1, "姓名", person.name)
    row(0.23, "性别", person.gender)
    row(0.23, "民族", person.ethnicity, x=left + w * 0.4)
    birth = person.birth_date
    row(0.36, "出生", f"{birth.year}  年  {birth.month}  月  {birth.day}  日")
    lines = wrap(person.address, value, int(w * 0.42))
    sheet.spaced(
        (x_label, top + h * 0.49), "住址", font=label, gap=label.size * 0.6, fill=_LABEL_GREY
    )
    for number, line in enumerate(lines[:4]):
        sheet.text((x_value, top + h * (0.49 + 0.095 * number)), line, font=value)
    sheet.text((x_label, top + h * 0.84), "公民身份号码", font=label, fill=_LABEL_GREY)
    number_font = get_font("sans", int(h * 0.075))
    sheet.spaced(
        (left + w * 0.34, top + h * 0.83), person.id_number, font=number_font, gap=h * 0.012
    )
    portrait = (int(left + w * 0.64), int(top + h * 0.1), int(left + w * 0.92), int(top + h * 0.72))
    draw_portrait(sheet.image, portrait, 160)


def _id_back(sheet: Sheet, box: tuple[int, int, int, int], person: Person) -> None:
    """The emblem side: 中华人民共和国 居民身份证, 签发机关, 有效期限."""
    left, top, right, bottom = box
    w, h = right - left, bottom - top
    draw_emblem(sheet.draw, (left + w * 0.15, top + h * 0.27), h * 0.18, (110, 110, 110))
    big = get_font("serif_bold", int(h * 0.085))
    sheet.spaced((left + w * 0.33, top + h * 0.12), "中华人民共和国", font=big, gap=big.size * 0.45)
    huge = get_font("serif_bold", int(h * 0.13))
    sheet.spaced((left + w * 0.3, top + h * 0.32), "居民身份证", font=huge, gap=huge.size * 0.45)
    label = get_font("hei", int(h * 0.06))
    value = get_font("hei", int(h * 0.065))
    end = "长期" if person.valid_to is None else f"{person.valid_to:%Y.%m.%d}"
    period = f"{person.valid_from:%Y.%m.%d}-{end}"
    for y, name, text in ((0.68, "签发机关", person.issuing_authority), (0.82, "有效期限", period)):
        sheet.spaced(
            (left + w * 0.18, top + h * y), name, font=label, gap=label.size * 0.3, fill=_LABEL_GREY
        )
        sheet.text((left + w * 0.4, top + h * y), text, font=value)


def render_id_card(rng: random.Random, *, person: Person | None = None) -> SyntheticDoc:
    """A photocopy of both sides of a 居民身份证 on one A4 page."""
    person = person or make_person(rng)
    sheet = Sheet()
    scale = rng.uniform(1.15, 1.45)
    front = _card_box(sheet, rng.randint(220, 360), scale)
    back = _card_box(sheet, front[3] + rng.randint(140, 260), scale)
    for box in (front, back):
        _card_outline(sheet, box, rng)
    _id_front(sheet, front, person)
    _id_back(sheet, back, person)
    fields = {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date.isoformat(),
        "address": person.address,
        "id_number": person.id_number,
        "issuing_authority": person.issuing_authority,
        "valid_from": person.valid_from.isoformat(),
        "valid_to": person.valid_to_text,
    }
    return finish("id_card", [sheet], fields)


_SCOPES = (
    "技术开发、技术咨询、技术服务、技术转让；软件开发；计算机系统服务",
    "销售日用品、五金交电、电子产品、建筑材料；货物进出口；技术进出口",
    "普通货运；仓储服务（不含危险化学品）；装卸搬运；国内货物运输代理",
    "餐饮服务；食品销售；会议服务；酒店管理；停车场服务",
    "机械设备制造、加工、维修；金属制品加工；机械设备租赁",
)


def _license_frame(sheet: Sheet) -> None:
    """The double decorative border of a business license."""
    w, h = sheet.image.size
    sheet.draw.rectangle((70, 70, w - 70, h - 70), outline=(150, 110, 60), width=10)
    sheet.draw.rectangle((95, 95, w - 95, h - 95), outline=(150, 110, 60), width=3)


def render_business_license(rng: random.Random, *, company: Company | None = None) -> SyntheticDoc:
    """A 营业执照 (副本) with code, name, type, representative, scope and a red seal."""
    company = company or make_company(rng)
    sheet = Sheet()
    _license_frame(sheet)
    small = get_font("sans", 30)
    sheet.text((MARGIN, 170), f"统一社会信用代码  {company.credit_code}", font=small)
    sheet.draw.rectangle((sheet.width - 420, 150, sheet.width - 200, 370), outline=INK, width=3)
    y = sheet.title(260, "营业执照", size=120)
    y = sheet.centered(y - 40, "（副　本）", font=get_font("serif", 40)) + 60
    end = "长期" if company.valid_to is None else cn_date(company.valid_to)
    scope = "；".join(rng.sample(_SCOPES, 2))
    rows = [
        ("名　　称", company.name),
        ("类　　型", company.company_type),
        ("法定代表人", company.legal_representative.name),
        ("经营范围", scope + "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"),
        ("注册资本", f"人民币{company.registered_capital}万元"),
        ("成立日期", cn_date(company.established_date)),
        ("营业期限", f"{cn_date(company.established_date)} 至 {end}"),
        ("住　　所", company.address),
    ]
    font = get_font("serif", 40)
    y = sheet.label_rows(
        (MARGIN + 40, y), rows, font=font, label_width=260, width=sheet.width - 2 * MARGIN - 80
    )
    issued = random_date(rng, company.established_date, REFERENCE_DATE)
    bottom = sheet.image.height - 380
    sheet.text((sheet.width - 700, bottom - 90), "登记机关", font=get_font("serif", 44))
    sheet.text((sheet.width - 760, bottom + 40), cn_date(issued), font=get_font("serif", 40))
    seal_text = f"{company.region.city}{company.region.district}市场监督管理局"
    stamp(sheet.image, make_seal(rng, seal_text, radius=180), (sheet.width - 560, bottom))
    fields = {
        "company_name": company.name,
        "credit_code": company.credit_code,
        "company_type": company.company_type,
        "legal_representative": company.legal_representative.name,
        "address": company.address,
        "established_date": company.established_date.isoformat(),
        "valid_to": company.valid_to_text,
    }
    return finish("business_license", [sheet], fields)


def _unit_no(rng: random.Random, region_code: str) -> str:
    """A 28-character 不动产单元号: 区划, 地籍区/子区, 宗地特征码, 宗地号, F, 定着物单元号."""
    parcel = f"{rng.randint(1, 20):03d}{rng.randint(1, 40):03d}"
    return f"{region_code}{parcel}GB{rng.randint(1, 99999):05d}F{rng.randint(1, 99999999):08d}"


DEED_LAYOUTS = ("deed_table", "deed_boilerplate", "deed_left_boilerplate")
"""The layouts of property certificates: the register table alone, or beside the printed
paragraph that names 不动产权利人 in its prose (as a narrow column, or above label rows)."""

DEED_BOILERPLATE = (
    "根据《中华人民共和国民法典》等法律法规，为保护不动产权利人合法权益，"
    "对不动产权利人申请登记的本证所列不动产权利，经审查核实，准予登记，颁发此证。"
)


def _deed_rows(rng: random.Random, owner: Party, year: int, unit_no: str) -> list[tuple[str, str]]:
    """The register's rows: 权利人, 共有情况, 坐落, 不动产单元号, 权利类型, 用途, 面积 …"""
    is_person = isinstance(owner, Person)
    use = "城镇住宅用地/住宅" if is_person else rng.choice(("商业/商业服务", "工业用地/工业"))
    area = f"{rng.uniform(45, 180) if is_person else rng.uniform(300, 9000):.2f}"
    return [
        ("权利人", owner.name),
        ("共有情况", rng.choice(("单独所有", "共同共有")) if is_person else "单独所有"),
        ("坐落", owner.address),
        ("不动产单元号", unit_no),
        ("权利类型", "国有建设用地使用权/房屋所有权"),
        ("权利性质", "出让/商品房" if is_person else "出让/自建房"),
        ("用途", use),
        ("面积", f"共有宗地面积 {rng.randint(2000, 60000)}㎡/房屋建筑面积 {area}㎡"),
        ("使用期限", f"国有建设用地使用权 {year - 2}年01月01日起{year + 68}年12月31日止"),
        ("权利其他状况", "专有建筑面积：—  分摊建筑面积：—"),
    ]


def _deed_body(sheet: Sheet, rows: list[tuple[str, str]], y: int, *, layout: str) -> int:
    """The boilerplate paragraph (if the layout prints one) and the register; the y below."""
    width = sheet.width - 2 * MARGIN
    font = get_font("serif", 34)
    if layout == "deed_boilerplate":
        y = sheet.paragraph((MARGIN, y + 20), DEED_BOILERPLATE, width=width // 2, font=font)
    if layout == "deed_left_boilerplate":
        y = sheet.paragraph((MARGIN, y + 20), DEED_BOILERPLATE, width=width, font=font)
        return sheet.label_rows((MARGIN, y + 30), rows, font=font, label_width=300, width=width)
    cells = [[(a, 330), (b, width - 330)] for a, b in rows]
    return sheet.table((MARGIN, y + 30), cells, font=font, row_height=110)


def render_property_certificate(
    rng: random.Random, *, owner: Party | None = None, layout: str = "deed_table"
) -> SyntheticDoc:
    """A 不动产权证书 register page: 权利人, 共有情况, 坐落, 不动产单元号, 权利类型, 用途, 面积."""
    owner = owner or make_person(rng)
    region = owner.region
    year = rng.randint(2016, 2023)
    certificate_no = (
        f"{region.short}({year}){region.district}不动产权第{rng.randint(1, 999999):07d}号"
    )
    unit_no = _unit_no(rng, region.code)
    sheet = Sheet()
    y = sheet.title(170, "不动产权证书", size=84)
    font = get_font("serif", 34)
    sheet.text((sheet.width - MARGIN, y - 40), certificate_no, font=font, anchor="ra")
    y = _deed_body(sheet, _deed_rows(rng, owner, year, unit_no), y, layout=layout)
    registered = date(year, rng.randint(1, 12), rng.randint(1, 28))
    sheet.text(
        (sheet.width - MARGIN - 520, y + 120), f"登记机构（章）  {cn_date(registered)}", font=font
    )
    seal_text = f"{region.city}{region.district}不动产登记中心"
    stamp(sheet.image, make_seal(rng, seal_text, radius=170), (sheet.width - MARGIN - 320, y + 150))
    fields = {
        "owner": owner.name,
        "location": owner.address,
        "unit_no": unit_no,
        "certificate_no": certificate_no,
    }
    return finish("property_certificate", [sheet], fields, layout=layout)
