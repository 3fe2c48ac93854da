"""Codes of the 业扩 domain (DESIGN.md "Domain vocabulary") with their Chinese labels."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    """Customer category."""

    residential = "residential"
    low_voltage = "low_voltage"
    high_voltage = "high_voltage"


class BusinessType(StrEnum):
    """Business type of a case."""

    new = "new"
    capacity_increase = "capacity_increase"
    temporary = "temporary"


class Stage(StrEnum):
    """Stages of a case, in the order of the full high-voltage flow."""

    application = "application"
    site_survey = "site_survey"
    supply_plan = "supply_plan"
    design_review = "design_review"
    intermediate_inspection = "intermediate_inspection"
    completion_acceptance = "completion_acceptance"
    connection = "connection"
    archived = "archived"


class DocType(StrEnum):
    """Document types."""

    id_card = "id_card"
    household_register = "household_register"
    property_certificate = "property_certificate"
    business_license = "business_license"
    authorization_letter = "authorization_letter"
    application_form = "application_form"
    project_approval = "project_approval"
    planning_permit = "planning_permit"
    site_survey_record = "site_survey_record"
    supply_plan = "supply_plan"
    design_drawing = "design_drawing"
    design_review_opinion = "design_review_opinion"
    contractor_qualification = "contractor_qualification"
    inspection_record = "inspection_record"
    completion_report = "completion_report"
    acceptance_record = "acceptance_record"
    supply_contract = "supply_contract"
    meter_installation = "meter_installation"
    commitment_letter = "commitment_letter"
    lease_contract = "lease_contract"
    equipment_list = "equipment_list"
    other = "other"


class DocumentStatus(StrEnum):
    """Where a document is in intake."""

    queued = "queued"
    processing = "processing"
    done = "done"
    failed = "failed"
    stack = "stack"  # split into documents: its parts are their own rows
    trashed = "trashed"  # removed to the trash: restorable until its original is purged


class FailureCode(StrEnum):
    """Why a document's intake failed, for programs; the free-text ``error`` is for people."""

    unreadable_file = "unreadable_file"
    corrupt_file = "corrupt_file"
    encrypted_pdf = "encrypted_pdf"
    too_large = "too_large"
    original_damaged = "original_damaged"
    ocr_failed = "ocr_failed"
    intake_failed = "intake_failed"


class Role(StrEnum):
    """Roles an API token can hold."""

    archivist = "archivist"
    reviewer = "reviewer"
    auditor = "auditor"
    keeper = "keeper"
    admin = "admin"


class LoanStatus(StrEnum):
    """Where a loan (借阅) stands: ``expired`` is an approved loan past its end, found on read."""

    requested = "requested"
    active = "active"
    refused = "refused"
    returned = "returned"
    expired = "expired"


class Retention(StrEnum):
    """保管期限 of an archived document (DA/T 22: 永久, 定期 30 年, 定期 10 年)."""

    permanent = "permanent"
    years_30 = "30y"
    years_10 = "10y"

    @property
    def code(self) -> str:
        """The 保管期限代码 an archive number carries: Y, D30 or D10."""
        return {"permanent": "Y", "30y": "D30", "10y": "D10"}[self.value]

    @property
    def years(self) -> int | None:
        """How many years it is kept; None for ever."""
        return {"permanent": None, "30y": 30, "10y": 10}[self.value]


class Severity(StrEnum):
    """Severity of a finding."""

    error = "error"
    warning = "warning"
    info = "info"


STAGE_LABELS_ZH: dict[str, str] = {
    Stage.application: "业务受理",
    Stage.site_survey: "现场勘查",
    Stage.supply_plan: "供电方案答复",
    Stage.design_review: "设计审查",
    Stage.intermediate_inspection: "中间检查",
    Stage.completion_acceptance: "竣工检验",
    Stage.connection: "装表接电",
    Stage.archived: "归档",
}

DOC_TYPE_LABELS_ZH: dict[str, str] = {
    DocType.id_card: "居民身份证",
    DocType.household_register: "户口簿",
    DocType.property_certificate: "不动产权证书/房屋产权证明",
    DocType.business_license: "营业执照",
    DocType.authorization_letter: "授权委托书",
    DocType.application_form: "用电申请表",
    DocType.project_approval: "项目核准/备案文件",
    DocType.planning_permit: "建设工程规划许可证",
    DocType.site_survey_record: "现场勘查记录",
    DocType.supply_plan: "供电方案答复单",
    DocType.design_drawing: "设计图纸",
    DocType.design_review_opinion: "设计审查意见",
    DocType.contractor_qualification: "施工资质证书",
    DocType.inspection_record: "中间检查记录",
    DocType.completion_report: "竣工报告",
    DocType.acceptance_record: "竣工检验记录",
    DocType.supply_contract: "供用电合同",
    DocType.meter_installation: "装表接电工单",
    DocType.other: "其他",
    DocType.commitment_letter: "客户承诺书",
    DocType.lease_contract: "租赁协议",
    DocType.equipment_list: "用电设备清单",
}

FIELD_LABELS_ZH: dict[str, str] = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "birth_date": "出生日期",
    "address": "地址",
    "id_number": "公民身份号码",
    "issuing_authority": "签发机关",
    "valid_from": "有效期起",
    "valid_to": "有效期至",
    "company_name": "名称",
    "credit_code": "统一社会信用代码",
    "company_type": "类型",
    "legal_representative": "法定代表人",
    "established_date": "成立日期",
    "customer_name": "客户名称",
    "phone": "联系电话",
    "capacity_kva": "申请容量（kVA）",
    "business_type": "业务类型",
    "contract_no": "合同编号",
    "supplier": "供电人",
    "signed_date": "签订日期",
    "project_name": "项目名称",
    "drawing_no": "图号",
    "design_unit": "设计单位",
    "date": "日期",
    "permit_no": "许可证编号",
    "builder": "建设单位",
    "location": "坐落",
    "owner": "权利人",
    "unit_no": "不动产单元号",
    "certificate_no": "证书编号",
    "agent_name": "受托人姓名",
    "agent_id_number": "受托人公民身份号码",
}
"""Chinese labels of extracted field names (and of the case fields findings name)."""

CASE_FIELD_LABELS_ZH: dict[str, str] = {
    "case_no": "案件编号",
    "category": "客户类别",
    "business_type": "业务类型",
    "capacity_kva": "申请容量",
    "accepted_on": "受理日期",
    "customer.name": "客户名称",
    "customer.id_number": "身份证号码",
    "customer.credit_code": "统一社会信用代码",
    "customer.address": "用电地址",
    "customer.phone": "联系电话",
    "customer": "客户",
    "legal_representative.name": "法定代表人姓名",
    "legal_representative.id_number": "法定代表人身份证号码",
    "legal_representative": "法定代表人",
    "facts": "案件情形",
    "unit": "所属单位",
}
"""Chinese labels of the case record's fields by their path in ``CaseCreate``, as the case
forms, the record history and the findings on the record name them."""

VALIDATION_MESSAGES_ZH: dict[str, str] = {
    "missing": "必须填写",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确",
    "string_type": "应为文字",
    "greater_than": "须大于 {gt}",
    "greater_than_equal": "须不小于 {ge}",
    "less_than": "须小于 {lt}",
    "less_than_equal": "须不大于 {le}",
    "float_parsing": "须为数字",
    "float_type": "须为数字",
    "finite_number": "须为数字",
    "int_parsing": "须为整数",
    "int_type": "须为整数",
    "bool_parsing": "须为“是”或“否”",
    "bool_type": "须为“是”或“否”",
    "enum": "不是可选的值：请从列表中选择",
    "literal_error": "不是可选的值：请从列表中选择",
    "date_parsing": "不是日期：请按 YYYY-MM-DD 填写",
    "date_from_datetime_parsing": "不是日期：请按 YYYY-MM-DD 填写",
    "date_type": "不是日期：请按 YYYY-MM-DD 填写",
    "extra_forbidden": "不是可以填写的项目",
    # the schemas' own (archive._schemas, search SearchQuery)
    "control_character": "含有不可见的控制字符：请删除后再提交",
    "customer_identifier": "请填写身份证号码（自然人）或统一社会信用代码（单位）",
    "date_format": "不是日期：请按 YYYY-MM-DD 填写",
    "date_range": "日期范围的起点晚于终点：请对调两个日期，或只填其中一个",
    "result_window": "翻页超出可显示的范围：请用筛选条件缩小检索范围",
}
"""What a validation error of each type (pydantic's, and the ones the schemas raise) means,
in Chinese; ``{…}`` are the error's context (a limit)."""

LABELS_ZH: dict[str, str] = {
    Category.residential: "低压居民",
    Category.low_voltage: "低压非居民",
    Category.high_voltage: "高压",
    BusinessType.new: "新装",
    BusinessType.capacity_increase: "增容",
    BusinessType.temporary: "临时用电",
    **STAGE_LABELS_ZH,
    # A stage and a document type share the code supply_plan; here the document's label
    # wins, so where a code is a stage, use STAGE_LABELS_ZH.
    **DOC_TYPE_LABELS_ZH,
    DocumentStatus.queued: "排队中",
    DocumentStatus.processing: "处理中",
    DocumentStatus.done: "已完成",
    DocumentStatus.failed: "失败",
    DocumentStatus.stack: "已拆分",
    DocumentStatus.trashed: "已移入回收站",
    FailureCode.unreadable_file: "文件无法读取",
    FailureCode.corrupt_file: "文件已损坏或不完整",
    FailureCode.encrypted_pdf: "PDF 已加密",
    FailureCode.too_large: "文件过大，无法解码",
    FailureCode.original_damaged: "存储的原件已损坏",
    FailureCode.ocr_failed: "文字识别引擎出错",
    FailureCode.intake_failed: "识别多次失败",
    Role.archivist: "档案员",
    Role.reviewer: "审核员",
    Role.auditor: "稽查员",
    Role.keeper: "档案管理员",
    Role.admin: "管理员",
    LoanStatus.requested: "待审批",
    LoanStatus.active: "借阅中",
    LoanStatus.refused: "未批准",
    LoanStatus.returned: "已归还",
    LoanStatus.expired: "已到期",
    Retention.permanent: "永久",
    Retention.years_30: "30年",
    Retention.years_10: "10年",
}
"""Chinese labels of every code, for the UI; codes are shown by these, never raw."""


FINDING_CODES_ZH: dict[str, str] = {
    "id_number_invalid_checksum": "身份证号码校验位不正确",
    "credit_code_invalid_checksum": "统一社会信用代码校验位不正确",
    "birth_date_mismatch": "出生日期与身份证号码不符",
    "gender_mismatch": "性别与身份证号码不符",
    "id_card_expired": "身份证已过有效期",
    "license_expired": "营业执照已过有效期",
    "supply_plan_expired": "供电方案已过有效期",
    "date_invalid": "日期无效",
    "id_number_mismatch": "身份证号码与登记不一致",
    "name_mismatch": "名称与登记不一致",
    "credit_code_mismatch": "统一社会信用代码与登记不一致",
    "address_mismatch": "地址与登记差异较大",
    "capacity_mismatch": "申请容量与登记不一致",
    "owner_mismatch": "产权人与用电人不一致",
    "legal_representative_mismatch": "法定代表人与登记不一致",
    "date_order": "日期先后顺序不对",
    "field_uncertain": "识别结果待核对",
    "intake_failed": "资料识别失败",
    "original_damaged": "原件已损坏",
    "cover_case_archived": "封面上的案件已归档",
    "cover_case_unknown": "封面上的案件不存在",
}
"""Chinese names of the checks' finding codes, as the audit trail names a finding."""

AUDIT_ACTIONS_ZH: dict[str, str] = {
    "case.create": "新建案件",
    "case.advance": "推进环节",
    "case.override": "越限推进",
    "case.facts": "修改案件情形",
    "case.rebase": "更换规则版本",
    "case.recheck": "重新核对",
    "case.moved": "移交其他单位",
    "case.record_updated": "更新案件登记信息",
    "case.archived": "归档",
    "case.reopened": "重新开启已归档案件",
    "archive.stored_check": "馆藏档案四性检测",
    "document.upload": "上传资料",
    "document.intake": "识别完成",
    "document.intake_failed": "识别失败",
    "document.retry": "重新识别",
    "document.lease_released": "释放识别任务",
    "document.part": "拆分出资料",
    "document.split": "拆分合订资料",
    "document.split_moved": "调整拆分页码",
    "document.set_type": "更正资料类型",
    "document.field_confirmed": "确认字段",
    "document.field_corrected": "更正字段",
    "document.viewed": "查看原件",
    "document.downloaded": "下载原件",
    "document.damaged": "原件损坏",
    "document.restored": "原件恢复",
    "document.trashed": "移入回收站",
    "document.untrashed": "从回收站恢复",
    "document.purged": "回收站到期销毁原件",
    "document.moved": "移到其他案件",
    "finding.dismiss": "排除问题",
    "pii.revealed": "显示完整身份证号码",
    "token.create": "创建令牌",
    "token.revoke": "吊销令牌",
    "user.create": "创建用户",
    "user.disable": "停用用户",
    "user.enable": "启用用户",
    "user.update": "修改用户角色或单位",
    "user.password_reset": "重置密码",
    "user.password_changed": "修改密码",
    "user.locked": "账号锁定",
    "user.provisioned": "目录账号首次登录",
    "user.directory_updated": "目录账号信息更新",
    "unit.create": "新建单位",
    "loan.request": "申请借阅",
    "loan.approve": "批准借阅",
    "loan.refuse": "不予借阅",
    "loan.return": "归还借阅",
    "loan.view": "借阅查阅",
    "loan.download": "借阅下载",
    "audit.exported": "导出审计记录",
    "case.duty": "更改环节责任人",
    "duty.assigned": "设置岗位人员",
}
"""Chinese names of the audit trail's actions, as pages show them."""

RECORD_LABELS_ZH: dict[str, str] = {
    "case_no": "案件编号",
    "category": "客户类别",
    "stage": "环节",
    "accepted_on": "受理日期",
    "facts": "案件情形",
    "customer": "客户",
    "rules_version": "规则版本",
    "override_reason": "强制推进理由",
    "outstanding": "当时未满足",
    "missing": "缺少",
    "open_errors": "未处理错误",
    "reason": "理由",
    "resolution": "排除理由",
    "from_case_no": "原案件",
    "to_case_no": "新案件",
    "trashed_at": "移入回收站时间",
    "document_id": "资料编号",
    "sha256": "校验值（SHA-256）",
    "size_bytes": "大小（字节）",
    "media_type": "格式",
    "original_filename": "文件名",
    "filename": "文件名",
    "status": "状态",
    "doc_type_hint": "上传时指定类型",
    "doc_type": "资料类型",
    "confidence": "置信度",
    "pages": "页数",
    "fields": "字段",
    "attempt": "识别次数",
    "attempts": "识别次数",
    "error_code": "失败原因",
    "parts": "拆分",
    "found": "核对结果",
    "revealed": "显示内容",
    "id": "编号",
    "username": "用户名",
    "display_name": "显示名",
    "role": "角色",
    "unit": "单位",
    "post": "岗位",
    "responsible": "责任人",
    "active": "启用",
    "locked_until": "锁定至",
    "must_change_password": "须修改密码",
    "user": "用户",
    "created_at": "创建时间",
    "created_by": "创建人",
    "last_used_at": "最近使用",
    "revoked_at": "吊销时间",
    "expires_at": "到期时间",
    "value": "值",
    "ocr_value": "识别值",
    "code": "问题代码",
    "borrower": "借阅人",
    "purpose": "借阅目的",
    "days": "借阅天数",
    "source": "来源",
    "file": "文件",
    "action": "操作",
    "since": "起始日期",
    "until": "截止日期",
    "system": "含系统事件",
    "document": "资料",
    "events": "导出条数",
    "parent": "上级单位",
    "archive_no": "档号",
    "documents": "资料份数",
}
"""Chinese names of the keys the audit trail records, beside FIELD_LABELS_ZH (fields)."""
