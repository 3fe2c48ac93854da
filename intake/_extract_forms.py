"""Field rules of the forms of a case: application, authorization, survey, supply plan,
project approval."""

from __future__ import annotations

from intake import _extract_values as values
from intake._extract_labels import DocumentRules, FieldRule, pattern_finder, phrase_finder

_CUSTOMER = ("客户名称", "户名", "用户名称", "申请人", "用电人", "单位名称")

APPLICATION_FORM = DocumentRules(
    rules=(
        FieldRule("customer_name", _CUSTOMER, values.party),
        FieldRule(
            "id_number", ("证件号码", "身份证号码", "身份证号", "公民身份号码"), values.citizen_id
        ),
        FieldRule("credit_code", ("证件号码", "统一社会信用代码", "信用代码"), values.credit_code),
        FieldRule("address", ("用电地址", "地址"), values.place, multiline=True),
        FieldRule("phone", ("联系电话", "电话", "手机号码", "手机"), values.phone),
        FieldRule("capacity_kva", ("申请容量", "用电容量", "报装容量", "新增容量"), values.number),
        FieldRule("business_type", ("业务类型", "申请类型", "业务类别"), values.business_type),
    ),
    stops=(
        "证件类型",
        "联系人",
        "用电类别",
        "供电电压",
        "客户声明",
        "客户签章",
        "受理人",
        "受理日期",
        "申请编号",
        "申请日期",
    ),
    finders=(
        (
            "business_type",
            pattern_finder(r"[■☑✓√✔●▣☒◼](?:新装|增容|临时用电)", values.business_type),
        ),
    ),
)

# Where a letter names its agent, in label rows (受托人：魏磊) or in running text
# (现委托魏磊为…, 委托熊刚浩（身份证号码…）): never 委托人, 委托期限 or 授权委托书.
_AGENT = r"(?:受托人|被委托人|委托(?!人|期限|书|权))(?:\([^)]{0,6}\))?:?"
_AGENT_NAME = _AGENT + r"(?P<value>[\u4e00-\u9fff·]{2,4}?)(?=[,(、。;]|身份证|为|作为|联系|$)"
# Where a letter names its principal only in running text, before the ID in brackets:
# 兹有何志强（身份证号码…）委托…, 本人何志强（公民身份号码…）; a fax may drop a character
# of the code's name (（统社会信用代码).
_PRINCIPAL_NAME = (
    r"(?:兹有|本人|我单位|我公司)(?P<value>[^(,。;:]{2,40}?)"
    r"\((?:身份证|公民身份|统?一?社会信用代码|信用代码|证件号码)"
)
_AGENT_ID = (
    _AGENT + r"[\u4e00-\u9fff·]{2,4}?[^0-9A-Za-z]{0,12}?"
    r"(?P<value>[0-9OoIlSZB]{17}[0-9Xx])(?![0-9A-Za-z])"
)

AUTHORIZATION_LETTER = DocumentRules(
    rules=(
        FieldRule("customer_name", ("委托人", "委托单位"), values.party),
        FieldRule("date", ("日期", "委托日期"), values.iso_date),
    ),
    stops=(
        "受托人",
        "被委托人",
        "身份证号码",
        "联系电话",
        "统一社会信用代码",
        "法定代表人",
        "委托期限",
    ),
    finders=(
        ("agent_name", phrase_finder(_AGENT_NAME, values.person_name)),
        ("agent_id_number", phrase_finder(_AGENT_ID, values.citizen_id)),
        ("customer_name", phrase_finder(_PRINCIPAL_NAME, values.party)),
    ),
)

SITE_SURVEY_RECORD = DocumentRules(
    rules=(
        FieldRule("customer_name", _CUSTOMER, values.party),
        FieldRule("date", ("勘查日期", "勘察日期", "日期"), values.iso_date),
    ),
    stops=(
        "申请编号",
        "用电地址",
        "申请容量",
        "供电电源",
        "计量方式",
        "现场情况",
        "勘查意见",
        "勘查人员",
        "客户签字",
    ),
)

SUPPLY_PLAN = DocumentRules(
    rules=(
        FieldRule("customer_name", _CUSTOMER, values.party),
        FieldRule("date", ("答复日期", "日期"), values.iso_date),
        FieldRule("valid_to", ("有效期", "方案有效期"), values.period_end),
    ),
    stops=(
        "户号",
        "申请编号",
        "用电地址",
        "申请容量",
        "供电容量",
        "供电电压",
        "电价类别",
        "电源点",
        "计量方式",
        "其他事项",
        "答复人",
        "客户签收",
    ),
)

PROJECT_APPROVAL = DocumentRules(
    rules=(
        FieldRule("customer_name", ("项目单位", "建设单位", "申报单位", "项目法人"), values.party),
        FieldRule("date", ("备案日期", "核准日期", "发文日期", "日期"), values.iso_date),
    ),
    stops=("项目代码", "项目名称", "建设地点", "建设规模及内容", "总投资"),
    finders=(("date", pattern_finder(r".{4}年.{1,3}月.{1,3}日", values.iso_date)),),
)

COMMITMENT_LETTER = DocumentRules(
    rules=(
        FieldRule("customer_name", ("承诺人", *_CUSTOMER), values.party),
        FieldRule("date", ("承诺日期", "日期"), values.iso_date),
    ),
    stops=("身份证号码", "统一社会信用代码", "用电地址", "承诺事项", "联系电话"),
)

LEASE_CONTRACT = DocumentRules(
    rules=(
        FieldRule("customer_name", ("承租方", "承租人", "乙方"), values.party),
        FieldRule("date", ("签订日期", "签约日期", "日期"), values.iso_date),
    ),
    stops=("出租方", "出租人", "甲方", "身份证号码", "租赁期限", "租金", "房屋坐落"),
)

EQUIPMENT_LIST = DocumentRules(
    rules=(
        FieldRule("customer_name", _CUSTOMER, values.party),
        FieldRule("date", ("填报日期", "填表日期", "日期"), values.iso_date),
    ),
    stops=("序号", "设备名称", "型号", "数量", "额定功率", "额定容量", "合计", "用电地址"),
)
