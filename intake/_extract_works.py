"""Field rules of contracts, permits and the documents of the customer's works."""

from __future__ import annotations

from intake import _extract_values as values
from intake._extract_labels import DocumentRules, FieldRule, pattern_finder

_CUSTOMER = ("客户名称", "户名", "用户名称", "用电人", "用电单位", "建设单位", "申请人")

SUPPLY_CONTRACT = DocumentRules(
    rules=(
        FieldRule("contract_no", ("合同编号", "合同号", "编号"), values.code),
        FieldRule("customer_name", ("用电人", "用电方", "乙方"), values.party),
        FieldRule("supplier", ("供电人", "供电方", "甲方"), values.party),
        FieldRule("signed_date", ("签订日期", "签约日期", "签署日期"), values.iso_date),
    ),
    stops=("签订地点", "签约地点", "法定代表人", "或授权代表", "供用电合同"),
)

PLANNING_PERMIT = DocumentRules(
    rules=(
        FieldRule("permit_no", ("编号", "证号", "许可证编号"), values.code),
        FieldRule("builder", ("建设单位", "建设单位(个人)"), values.text),
        FieldRule("project_name", ("建设项目名称", "项目名称", "工程名称"), values.text),
        FieldRule("location", ("建设位置", "建设地点", "建设地址"), values.place, multiline=True),
    ),
    stops=("发证机关", "日期", "建设规模", "附图及附件名称", "建设工程规划许可证"),
    finders=(
        ("permit_no", pattern_finder(r"建字第[0-9A-Za-z\-]{4,24}号", values.code, fallback=False)),
    ),
)

DESIGN_DRAWING = DocumentRules(
    rules=(
        FieldRule("project_name", ("工程名称", "项目名称"), values.text, multiline=True),
        FieldRule("drawing_no", ("图号", "图纸编号"), values.code),
        FieldRule("design_unit", ("设计单位",), values.party),
        FieldRule("date", ("日期", "出图日期", "设计日期"), values.iso_date),
    ),
    stops=("图名", "设计", "比例", "审核", "校对", "审定", "制图", "批准", "阶段", "专业"),
)

_RECORD_STOPS = (
    "工程名称",
    "项目名称",
    "用电地址",
    "施工单位",
    "序号",
    "检查项目",
    "检查内容",
    "结果",
    "存在问题",
    "检查结论",
    "检查人员",
    "客户代表",
    "验收结论",
)

INSPECTION_RECORD = DocumentRules(
    rules=(
        FieldRule("customer_name", _CUSTOMER, values.party),
        FieldRule("date", ("检查日期", "日期"), values.iso_date),
    ),
    stops=_RECORD_STOPS,
)

ACCEPTANCE_RECORD = DocumentRules(
    rules=(
        FieldRule("customer_name", _CUSTOMER, values.party),
        FieldRule("date", ("检查日期", "检验日期", "验收日期", "日期"), values.iso_date),
    ),
    stops=_RECORD_STOPS,
)

COMPLETION_REPORT = DocumentRules(
    rules=(
        FieldRule("customer_name", _CUSTOMER, values.party),
        FieldRule("date", ("竣工日期", "报告日期", "申请日期", "日期"), values.iso_date),
    ),
    stops=(*_RECORD_STOPS, "开工日期"),
)

DESIGN_REVIEW_OPINION = DocumentRules(
    rules=(
        FieldRule("customer_name", _CUSTOMER, values.party),
        FieldRule("date", ("审查日期", "答复日期", "日期"), values.iso_date),
    ),
    stops=("工程名称", "审查意见", "审查结论", "审查人", "设计单位"),
)

CONTRACTOR_QUALIFICATION = DocumentRules(
    rules=(FieldRule("date", ("发证日期", "发证时间", "日期"), values.iso_date),),
    stops=("企业名称", "证书编号", "许可类别", "资质类别及等级", "有效期", "法定代表人"),
)

METER_INSTALLATION = DocumentRules(
    rules=(
        FieldRule("customer_name", _CUSTOMER, values.party),
        FieldRule(
            "date", ("送电时间", "送电日期", "装表日期", "接电日期", "日期"), values.iso_date
        ),
    ),
    stops=("户号", "用电地址", "表号", "电能表", "示数", "互感器", "变压器启用时间", "工单编号"),
)

OTHER = DocumentRules(
    rules=(
        FieldRule("customer_name", _CUSTOMER, values.party),
        FieldRule("date", ("日期",), values.iso_date),
    ),
    finders=(("date", pattern_finder(r".{4}年.{1,3}月.{1,3}日", values.iso_date)),),
)
