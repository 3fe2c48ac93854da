"""Invented people and companies with valid (or deliberately invalid) identifiers.

Every name, address and company is made up from common characters; none is real.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from intake import CREDIT_CODE_ALPHABET, citizen_id_check_char, credit_code_check_char

# A fixed "today" keeps generated corpora identical whatever day they are made on.
REFERENCE_DATE = date(2024, 6, 1)


@dataclass(frozen=True)
class Region:
    """An administrative division (GB/T 2260 code) with the labels documents print."""

    code: str
    province: str
    city: str
    district: str
    short: str  # the one-character province abbreviation on certificates (京, 苏 …)

    @property
    def prefix(self) -> str:
        """Province, city and district as printed at the start of an address."""
        return (
            self.city + self.district
            if self.province == self.city
            else (self.province + self.city + self.district)
        )


REGIONS: tuple[Region, ...] = (
    Region("110105", "北京市", "北京市", "朝阳区", "京"),
    Region("110108", "北京市", "北京市", "海淀区", "京"),
    Region("320102", "江苏省", "南京市", "玄武区", "苏"),
    Region("440106", "广东省", "广州市", "天河区", "粤"),
    Region("410102", "河南省", "郑州市", "中原区", "豫"),
    Region("310115", "上海市", "上海市", "浦东新区", "沪"),
    Region("330106", "浙江省", "杭州市", "西湖区", "浙"),
    Region("420106", "湖北省", "武汉市", "武昌区", "鄂"),
    Region("510107", "四川省", "成都市", "武侯区", "川"),
    Region("370102", "山东省", "济南市", "历下区", "鲁"),
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
    "杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙"
    "史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林峰建志国海东亮成文博晨"
GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英慧莹雪琳晶洁梅兰红燕萍倩婷颖璐瑶琪欣悦佳怡丹蓉薇"
_STREET_WORDS = (
    "和平 建设 人民 解放 幸福 光明 团结 新华 育才 文化 长青 安康 兴业 振兴 朝阳 春晖 锦绣 丰收"
)
_STREET_KINDS = ("路", "街", "大街", "大道", "西路", "东路", "北路")
_ESTATES = "翠苑 景园 华庭 雅居 花园 新村 名都 嘉园 公寓 佳苑 家园 馨苑"
_ESTATES_BUSINESS = "创业大厦 科技大厦 金融中心 商务广场 国际大厦 财富中心"
_PARKS = "科技园 工业园 产业园 物流园 创新园"
_BRAND_CHARS = "恒瑞泽晟鑫华辰越博联源拓景卓远达嘉禾丰创宏盛德信安泰和祥锦通融润启明"
_INDUSTRIES = (
    "科技",
    "商贸",
    "食品",
    "物流",
    "机械制造",
    "电子",
    "建材",
    "餐饮管理",
    "酒店管理",
    "纺织",
    "新材料",
    "医疗器械",
    "印务",
    "塑料制品",
    "汽车服务",
    "农业开发",
)
COMPANY_TYPES = (
    "有限责任公司(自然人投资或控股)",
    "有限责任公司(法人独资)",
    "有限责任公司(自然人独资)",
    "股份有限公司(非上市、自然人投资或控股)",
)
_ETHNICITIES = ("汉",) * 40 + ("回", "满", "壮", "蒙古", "土家", "苗")


@dataclass(frozen=True)
class Person:
    """An invented resident with a citizen ID and its card's issue data."""

    name: str
    gender: str  # 男 / 女 as printed
    ethnicity: str
    birth_date: date
    address: str
    id_number: str
    region: Region
    issuing_authority: str
    valid_from: date
    valid_to: date | None  # None is 长期
    phone: str

    @property
    def valid_to_text(self) -> str:
        """The ground-truth value of the card's end of validity (ISO date or long_term)."""
        return "long_term" if self.valid_to is None else self.valid_to.isoformat()


@dataclass(frozen=True)
class Company:
    """An invented company with a unified social credit code."""

    name: str
    credit_code: str
    company_type: str
    legal_representative: Person
    address: str
    region: Region
    established_date: date
    valid_to: date | None  # None is 长期
    registered_capital: int  # in 万元
    phone: str

    @property
    def valid_to_text(self) -> str:
        """The ground-truth value of 营业期限's end (ISO date or long_term)."""
        return "long_term" if self.valid_to is None else self.valid_to.isoformat()


Party = Person | Company


def party_identifier(party: Party) -> tuple[str, str]:
    """The field name and value identifying a party: id_number or credit_code."""
    if isinstance(party, Person):
        return "id_number", party.id_number
    return "credit_code", party.credit_code


def random_date(rng: random.Random, start: date, end: date) -> date:
    """A date between start and end inclusive."""
    return start + timedelta(days=rng.randint(0, (end - start).days))


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later (28 February for 29 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def make_phone(rng: random.Random) -> str:
    """An 11-digit mobile number."""
    prefix = rng.choice(("138", "139", "135", "150", "152", "186", "187", "177", "199"))
    return prefix + "".join(rng.choice("0123456789") for _ in range(8))


def make_name(rng: random.Random, gender: str) -> str:
    """A Chinese name of two or three characters."""
    pool = GIVEN_MALE if gender == "男" else GIVEN_FEMALE
    given = "".join(rng.choice(pool) for _ in range(rng.choice((1, 2, 2))))
    return rng.choice(SURNAMES) + given


def make_address(rng: random.Random, region: Region, *, business: bool = False) -> str:
    """A street address inside ``region``: a flat, or for ``business`` an office or plant."""
    street = rng.choice(_STREET_WORDS.split()) + rng.choice(_STREET_KINDS)
    number = f"{rng.randint(1, 399)}号"
    if business:
        if rng.random() < 0.5:
            number += f"{rng.choice(_ESTATES_BUSINESS.split())}{rng.randint(2, 28)}层"
        else:
            number += f"{rng.choice(_PARKS.split())}{rng.randint(1, 12)}号厂房"
    elif rng.random() < 0.6:
        estate = rng.choice(_ESTATES.split())
        number += (
            f"{estate}{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元{rng.randint(101, 2804)}室"
        )
    return region.prefix + street + number


def make_citizen_id(
    rng: random.Random, region: Region, birth: date, gender: str, *, valid: bool = True
) -> str:
    """An 18-digit citizen ID; ``valid=False`` gives a wrong check character."""
    sequence = rng.randint(0, 99) * 10 + rng.randrange(1 if gender == "男" else 0, 10, 2)
    first17 = f"{region.code}{birth:%Y%m%d}{sequence:03d}"
    check = citizen_id_check_char(first17)
    if not valid:
        check = rng.choice([char for char in "0123456789X" if char != check])
    return first17 + check


def _id_validity(rng: random.Random, birth: date, *, expired: bool) -> tuple[date, date | None]:
    """Issue date and end of validity of an ID card, by the age at issue (居民身份证法 第五条)."""
    for _ in range(200):
        issued = REFERENCE_DATE - timedelta(days=rng.randint(30, 25 * 365))
        if issued < birth + timedelta(days=16 * 365):
            continue
        age = (issued - birth).days // 365
        years = 5 if age < 16 else 10 if age < 26 else 20 if age < 46 else 0
        if years == 0:
            if not expired:
                return issued, None
            continue
        until = add_years(issued, years)
        if (until < REFERENCE_DATE) == expired:
            return issued, until
    raise RuntimeError(f"no ID validity period fits a person born {birth}; use another seed")


def make_person(
    rng: random.Random,
    *,
    valid_id: bool = True,
    id_expired: bool = False,
    gender: str | None = None,
    region: Region | None = None,
) -> Person:
    """An invented adult; ``valid_id=False`` breaks the check digit, ``id_expired`` the card."""
    gender = gender or rng.choice(("男", "女"))
    region = region or rng.choice(REGIONS)
    birth = random_date(rng, date(1952, 1, 1), date(2004, 12, 31))
    valid_from, valid_to = _id_validity(rng, birth, expired=id_expired)
    return Person(
        name=make_name(rng, gender),
        gender=gender,
        ethnicity=rng.choice(_ETHNICITIES),
        birth_date=birth,
        address=make_address(rng, region),
        id_number=make_citizen_id(rng, region, birth, gender, valid=valid_id),
        region=region,
        issuing_authority=f"{region.city}公安局{_short_district(region)}分局",
        valid_from=valid_from,
        valid_to=valid_to,
        phone=make_phone(rng),
    )


def _short_district(region: Region) -> str:
    """朝阳区 → 朝阳, 浦东新区 → 浦东, as police sub-bureaus are named."""
    return region.district.removesuffix("区").removesuffix("新")


def _org_code(rng: random.Random) -> str:
    """A GB 11714 organisation code: 8 characters and its check character."""
    if rng.random() < 0.5:
        body = "MA" + "".join(rng.choice(CREDIT_CODE_ALPHABET) for _ in range(6))
    else:
        body = "".join(rng.choice("0123456789") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(char, 36) * weight for char, weight in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + {10: "X", 11: "0"}.get(check, str(check))


def make_credit_code(rng: random.Random, region: Region, *, valid: bool = True) -> str:
    """A unified social credit code (9 = 工商, 1 = 企业); ``valid=False`` breaks the check."""
    first17 = "91" + region.code + _org_code(rng)
    check = credit_code_check_char(first17)
    if not valid:
        check = rng.choice([char for char in CREDIT_CODE_ALPHABET if char != check])
    return first17 + check


def make_company(
    rng: random.Random,
    *,
    valid_code: bool = True,
    expired: bool = False,
    legal_representative: Person | None = None,
    region: Region | None = None,
) -> Company:
    """An invented company; ``valid_code=False`` breaks the check, ``expired`` its 营业期限."""
    region = region or rng.choice(REGIONS)
    brand = "".join(rng.sample(_BRAND_CHARS, 2))
    city = region.city.removesuffix("市")
    established = random_date(rng, date(1998, 1, 1), date(2023, 6, 30))
    valid_to: date | None = None
    if expired:
        valid_to = random_date(rng, date(2019, 1, 1), REFERENCE_DATE - timedelta(days=30))
        established = add_years(valid_to, -20)
    elif rng.random() < 0.4:
        valid_to = add_years(established, rng.choice((20, 30, 50))) - timedelta(days=1)
    company_type = rng.choice(COMPANY_TYPES)
    suffix = "股份有限公司" if company_type.startswith("股份") else "有限公司"
    return Company(
        name=f"{city}{brand}{rng.choice(_INDUSTRIES)}{suffix}",
        credit_code=make_credit_code(rng, region, valid=valid_code),
        company_type=company_type,
        legal_representative=legal_representative or make_person(rng, region=region),
        address=make_address(rng, region, business=True),
        region=region,
        established_date=established,
        valid_to=valid_to,
        registered_capital=rng.choice((50, 100, 200, 300, 500, 1000, 2000, 5000)),
        phone=make_phone(rng),
    )


BUSINESS_TYPES = {"new": "新装", "capacity_increase": "增容", "temporary": "临时用电"}


def supplier_name(region: Region) -> str:
    """The (invented-format) name of the power supply company serving a region."""
    if region.province == "广东省":
        return (
            f"广东电网有限责任公司{region.city.removesuffix('市')}{_short_district(region)}供电局"
        )
    return f"国网{region.city}{region.district}供电公司"


def contact_name(party: Party) -> str:
    """Who signs for a party: the person, or a company's legal representative."""
    return party.name if isinstance(party, Person) else party.legal_representative.name


def make_capacity(rng: random.Random, party: Party) -> int:
    """A plausible applied capacity in kVA: small for households, larger for companies."""
    if isinstance(party, Person):
        return rng.choice((8, 10, 12, 16, 20))
    return rng.choice((50, 80, 100, 160, 200, 250, 315, 400, 500, 630, 800, 1000, 1250, 2000))


def supply_terms(party: Party, capacity: int) -> tuple[str, str]:
    """Supply voltage and tariff category that fit a party and capacity."""
    if isinstance(party, Person):
        return "220V", "居民生活用电"
    if capacity < 160:
        return "380V", "一般工商业用电"
    return "10kV", "大工业用电" if capacity >= 315 else "一般工商业用电"


def make_case_no(rng: random.Random, day: date) -> str:
    """A 申请编号 like 2305121234567890 (date, then a serial)."""
    return f"{day:%y%m%d}" + "".join(rng.choice("0123456789") for _ in range(10))


def case_date(rng: random.Random) -> date:
    """A document date in the two years before REFERENCE_DATE."""
    return random_date(
        rng, REFERENCE_DATE - timedelta(days=730), REFERENCE_DATE - timedelta(days=20)
    )
