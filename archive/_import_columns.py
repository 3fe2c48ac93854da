"""The column mapping of case records exported from the marketing system (营销系统).

One place says which Chinese header feeds which field of a case record and which words each
coded column accepts; ``archive._case_import`` reads files with it and README's "Case records
from the marketing system" shows the same table.
"""

from __future__ import annotations

from archive._vocabulary import BusinessType, Category, Stage

COLUMNS: dict[str, str] = {
    "申请编号": "case_no",
    "户名": "customer.name",
    "证件号码": "customer.identifier",
    "用电地址": "customer.address",
    "联系电话": "customer.phone",
    "法定代表人": "legal_representative.name",
    "法定代表人证件号码": "legal_representative.id_number",
    "申请容量": "capacity_kva",
    "业务类型": "business_type",
    "客户分类": "category",
    "受理日期": "accepted_on",
    "当前环节": "stage",
    "供电单位": "unit",
}
"""Header → field. ``证件号码`` is a citizen ID or a credit code, told apart by its shape and
check character. A header may carry its unit in brackets (``申请容量（kVA）``)."""

REQUIRED = ("申请编号", "户名", "证件号码", "申请容量", "业务类型", "客户分类")
"""Headers a file must have; the others may be left out (or a cell left empty)."""

CATEGORIES: dict[str, Category] = {
    "低压居民": Category.residential,
    "居民": Category.residential,
    "低压非居民": Category.low_voltage,
    "非居民": Category.low_voltage,
    "高压": Category.high_voltage,
    "高压客户": Category.high_voltage,
}
"""客户分类 words (the codes ``residential`` … are accepted too)."""

BUSINESS_TYPES: dict[str, BusinessType] = {
    "新装": BusinessType.new,
    "增容": BusinessType.capacity_increase,
    "临时用电": BusinessType.temporary,
    "临时": BusinessType.temporary,
}
"""业务类型 words (the codes ``new`` … are accepted too)."""

STAGES: dict[str, Stage] = {
    "业务受理": Stage.application,
    "申请受理": Stage.application,
    "受理": Stage.application,
    "现场勘查": Stage.site_survey,
    "勘查": Stage.site_survey,
    "供电方案答复": Stage.supply_plan,
    "方案答复": Stage.supply_plan,
    "设计审查": Stage.design_review,
    "设计审核": Stage.design_review,
    "设计文件审核": Stage.design_review,
    "中间检查": Stage.intermediate_inspection,
    "竣工检验": Stage.completion_acceptance,
    "竣工验收": Stage.completion_acceptance,
    "装表接电": Stage.connection,
    "装表送电": Stage.connection,
    "归档": Stage.archived,
}
"""当前环节 words of the marketing system → yekuo's stages (a row at 归档 is refused: archiving
is yekuo's own step, with its checks and 档号)."""


def header_key(header: str) -> str:
    """A header as the mapping names it: spaces and a bracketed unit dropped."""
    text = "".join(header.split())
    for bracket in ("（", "("):
        if bracket in text:
            text = text.split(bracket, 1)[0]
    return text
