"""Field rules of identity and title documents: ID card, business license, property deed,
household register."""

from __future__ import annotations

from intake import _extract_values as values
from intake._extract_labels import DocumentRules, FieldRule, pattern_finder

CITIZEN_ID_ANYWHERE = pattern_finder(
    r"(?<![0-9A-Za-z])[0-9OoIlLSZB]{17}[0-9Xx](?![0-9A-Za-z])", values.citizen_id
)
CREDIT_CODE_ANYWHERE = pattern_finder(
    r"(?<![0-9A-Za-z])[0-9A-Za-z]{18}(?![0-9A-Za-z])", values.credit_code
)

ID_CARD = DocumentRules(
    rules=(
        FieldRule("name", ("姓名",), values.person_name),
        FieldRule("gender", ("性别",), values.gender),
        FieldRule("ethnicity", ("民族",), values.ethnicity),
        FieldRule("birth_date", ("出生日期", "出生"), values.iso_date),
        FieldRule("address", ("住址",), values.place, multiline=True),
        FieldRule("id_number", ("公民身份号码", "身份号码", "身份证号码"), values.citizen_id),
        FieldRule("issuing_authority", ("签发机关",), values.place),
        FieldRule("valid_from", ("有效期限", "有效期"), values.period_start),
        FieldRule("valid_to", ("有效期限", "有效期"), values.period_end),
    ),
    stops=("中华人民共和国", "居民身份证"),
    finders=(("id_number", CITIZEN_ID_ANYWHERE),),
)

BUSINESS_LICENSE = DocumentRules(
    rules=(
        FieldRule("company_name", ("名称", "企业名称"), values.party, multiline=True),
        FieldRule("credit_code", ("统一社会信用代码", "信用代码"), values.credit_code),
        FieldRule("company_type", ("类型", "主体类型"), values.text),
        FieldRule(
            "legal_representative",
            ("法定代表人", "负责人", "经营者", "执行事务合伙人", "投资人"),
            values.person_name,
        ),
        FieldRule(
            "address",
            ("住所", "经营场所", "营业场所", "主要经营场所"),
            values.place,
            multiline=True,
        ),
        FieldRule("established_date", ("成立日期", "注册日期"), values.iso_date),
        FieldRule("valid_to", ("营业期限", "经营期限", "合伙期限"), values.period_end),
    ),
    stops=("经营范围", "注册资本", "出资额", "登记机关", "组成形式", "营业执照"),
    finders=(("credit_code", CREDIT_CODE_ANYWHERE),),
)

PROPERTY_CERTIFICATE = DocumentRules(
    rules=(
        FieldRule("owner", ("权利人", "所有权人", "房屋所有权人"), values.party),
        FieldRule("location", ("坐落", "房屋坐落", "坐落地址"), values.place, multiline=True),
        FieldRule("unit_no", ("不动产单元号", "单元号"), values.code),
        FieldRule("certificate_no", ("证号", "证书号", "产权证号"), values.certificate_no),
    ),
    stops=(
        "共有情况",
        "权利类型",
        "权利性质",
        "用途",
        "面积",
        "使用期限",
        "权利其他状况",
        "登记机构",
    ),
    finders=(
        (
            "certificate_no",
            pattern_finder(
                r"[\u4e00-\u9fff]{1,2}\([0-9]{4}\)[\u4e00-\u9fff0-9Il|]{0,16}?"
                r"不动产权第[0-9OoIl]{4,10}号",
                values.certificate_no,
                fallback=False,
            ),
        ),
    ),
)

HOUSEHOLD_REGISTER = DocumentRules(
    rules=(
        FieldRule("customer_name", ("户主姓名", "姓名"), values.person_name),
        FieldRule("date", ("签发日期", "登记日期", "承办日期"), values.iso_date),
    ),
    stops=("户别", "户号", "住址", "与户主关系", "公民身份号码", "出生地", "民族", "性别"),
)
