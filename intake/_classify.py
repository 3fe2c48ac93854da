"""Which of the DESIGN.md document types a document is, how sure, and why.

Each type has cues: its titles (居民身份证, 供用电合同 …), the field labels its pages print,
and patterns only it shows (不动产权第…号). A title counts most when it stands alone in a
row near the top of a page, as titles do; mentioned inside running text (签收供电方案答复单 in
an authorization letter) it counts little. The best-scoring type wins when it scores enough
and clearly beats the runner-up; otherwise the document is ``other``. An archivist's hint is
taken unless the page clearly says something else, and the evidence says which it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from intake._extract_layout import Row, layout_rows
from intake._ocr import OcrPage

_TITLE_ROW = 6.0  # a title standing alone in a row near the top of a page
_TITLE_MENTION = 2.0  # a title found inside a longer row near the top
_LABEL = 1.0  # each distinct field label found
_MAX_LABELS = 6
_PATTERN = 3.0  # a pattern only this type shows
_TOP_ROWS = 8  # rows of each page in which titles are looked for
_QUALIFIER = 6  # characters of a qualifier before a title
_LABEL_END = re.compile(r"(?:类型|名称|种类|证件|号码|材料)$")
# What may share a row with a title: the state's name, 副本/正本, numbers and punctuation.
_TITLE_COMPANY = re.compile(r"中华人民共和国|[副正]本|[^\u4e00-\u9fff]")
_MIN_SCORE = 4.0  # below this nothing is recognised
_MIN_MARGIN = 1.5  # the winner must beat the runner-up by this much
_FULL_SCORE = 12.0  # a score that earns full confidence
_HINT_SHARE = 0.5  # a hint is kept when it scores at least this share of the winner


@dataclass(frozen=True)
class Classification:
    """A document type (DESIGN.md code), a confidence (0..1) and the evidence for it."""

    doc_type: str
    confidence: float
    evidence: list[str] = field(default_factory=list)


DOC_TYPES: tuple[str, ...] = (
    "id_card",
    "household_register",
    "property_certificate",
    "business_license",
    "authorization_letter",
    "application_form",
    "project_approval",
    "planning_permit",
    "site_survey_record",
    "supply_plan",
    "design_drawing",
    "design_review_opinion",
    "contractor_qualification",
    "inspection_record",
    "completion_report",
    "acceptance_record",
    "supply_contract",
    "meter_installation",
    "commitment_letter",
    "lease_contract",
    "equipment_list",
    "other",
)
"""The document type codes of DESIGN.md (archive's ``DocType``; intake does not import the
archive, which depends on it)."""

OTHER = "other"


@dataclass(frozen=True)
class Cues:
    """What shows that a document is of one type."""

    titles: tuple[str, ...]
    labels: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()


CUES: dict[str, Cues] = {
    "id_card": Cues(
        titles=("居民身份证",),
        labels=("公民身份号码", "签发机关", "有效期限", "姓名", "性别", "民族", "出生", "住址"),
    ),
    "household_register": Cues(
        titles=("居民户口簿", "户口簿", "常住人口登记卡"),
        labels=("户主姓名", "户别", "与户主关系", "户号", "承办人签章", "出生地", "籍贯"),
    ),
    "property_certificate": Cues(
        titles=("不动产权证书", "房屋所有权证", "房屋产权证", "不动产登记证明"),
        labels=("权利人", "共有情况", "坐落", "不动产单元号", "权利类型", "权利性质", "用途"),
        patterns=(r"不动产权第[0-9]+号",),
    ),
    "business_license": Cues(
        titles=("营业执照",),
        labels=(
            "统一社会信用代码",
            "法定代表人",
            "经营范围",
            "注册资本",
            "成立日期",
            "营业期限",
            "登记机关",
            "住所",
        ),
    ),
    "authorization_letter": Cues(
        titles=("授权委托书", "委托书", "法人授权书"),
        labels=("委托人", "受托人", "委托期限", "委托事项", "代理人", "转委托权"),
    ),
    "application_form": Cues(
        titles=("用电申请表", "用电申请登记表", "用电申请书", "申请表"),
        labels=(
            "客户名称",
            "证件类型",
            "证件号码",
            "用电地址",
            "申请容量",
            "业务类型",
            "用电类别",
            "客户声明",
            "受理人",
        ),
    ),
    "project_approval": Cues(
        titles=("项目备案证明", "项目备案通知书", "备案证明", "项目核准", "核准批复", "立项批复"),
        labels=(
            "项目代码",
            "项目名称",
            "项目单位",
            "建设地点",
            "建设规模及内容",
            "总投资",
            "备案机关",
        ),
    ),
    "planning_permit": Cues(
        titles=("建设工程规划许可证",),
        labels=("建设单位", "建设项目名称", "建设位置", "建设规模", "附图及附件名称", "发证机关"),
        patterns=(r"建字第[0-9A-Za-z]+号",),
    ),
    "site_survey_record": Cues(
        titles=("现场勘查记录", "现场勘查单", "现场勘查工作单", "勘查记录"),
        labels=("勘查日期", "供电电源", "现场情况", "勘查意见", "勘查人员", "计量方式"),
    ),
    "supply_plan": Cues(
        titles=("供电方案答复单", "供电方案答复书", "供电方案"),
        labels=(
            "答复日期",
            "电源点",
            "供电容量",
            "电价类别",
            "计量方式",
            "答复人",
            "客户签收",
            "有效期",
        ),
    ),
    "design_drawing": Cues(
        titles=("电气一次系统图", "系统图", "平面布置图", "设计图"),
        labels=("图名", "图号", "设计单位", "比例", "审核", "工程名称", "说明"),
        patterns=(r"[0-9.]+kV母线", r"YJV[0-9\-]+"),
    ),
    "design_review_opinion": Cues(
        titles=("设计审查意见", "设计文件审查意见", "审查意见书", "图纸审查意见"),
        labels=("审查意见", "审查结论", "审查人", "设计单位", "工程名称", "整改"),
    ),
    "contractor_qualification": Cues(
        titles=("承装(修、试)电力设施许可证", "电力设施许可证", "资质证书", "安全生产许可证"),
        labels=("许可类别", "资质类别及等级", "证书编号", "发证机关", "有效期", "企业名称"),
    ),
    "inspection_record": Cues(
        titles=("中间检查记录", "中间检查意见", "隐蔽工程检查记录"),
        labels=("检查日期", "检查项目", "检查结论", "施工单位", "隐蔽工程", "电缆沟", "接地装置"),
    ),
    "completion_report": Cues(
        titles=("竣工报告", "竣工验收报告", "竣工检验申请", "竣工验收申请"),
        labels=("竣工日期", "开工日期", "施工单位", "工程名称", "工程概况"),
    ),
    "acceptance_record": Cues(
        titles=("竣工检验记录", "竣工检验意见", "竣工验收记录"),
        labels=("检查日期", "检查项目", "检查结论", "施工单位", "继电保护", "计量装置", "变压器"),
    ),
    "supply_contract": Cues(
        titles=("供用电合同", "供用电合同条款"),
        labels=("合同编号", "供电人", "用电人", "签订地点", "签订日期", "违约责任"),
    ),
    "meter_installation": Cues(
        titles=("装表接电工单", "送电单", "装表工单", "新装(增容)送电单"),
        labels=("表号", "示数", "送电时间", "电能表", "变压器启用时间", "互感器"),
    ),
    "commitment_letter": Cues(
        titles=("客户承诺书", "用电承诺书", "承诺书"),
        labels=("承诺人", "承诺事项", "一证受理", "权属证明", "客户名称"),
    ),
    "lease_contract": Cues(
        titles=("房屋租赁合同", "租赁合同", "租赁协议", "房屋租赁协议"),
        labels=("出租方", "承租方", "出租人", "承租人", "租赁期限", "租金", "租赁房屋"),
    ),
    "equipment_list": Cues(
        titles=("用电设备清单", "设备清单", "用电设备明细表", "用电设备一览表"),
        labels=("设备名称", "型号", "数量", "额定功率", "额定容量", "合计", "总容量"),
    ),
}


@dataclass
class TypeScore:
    """How strongly the pages show one document type, and what showed it."""

    doc_type: str
    score: float = 0.0
    evidence: list[str] = field(default_factory=list)


def _stands_alone(title: str, row: Row) -> bool:
    """Whether a row is the title: nothing else but a 副本 or a number, or a short qualifier
    before it (居民生活用电申请表) that is not a label (证件类型：营业执照 is no title)."""
    rest = _TITLE_COMPANY.sub("", row.compact.replace(title, "", 1))
    if not rest:
        return True
    return (
        _TITLE_COMPANY.sub("", row.compact).endswith(title)
        and len(rest) <= _QUALIFIER
        and not _LABEL_END.search(rest)
    )


def _title_score(cues: Cues, rows: list[Row], score: TypeScore) -> None:
    """The best title evidence: a row of its own anywhere, or a mention near a page's top."""
    top = {id(row) for page in {row.page for row in rows} for row in _top_rows(rows, page)}
    best, best_title = 0.0, ""
    for title in cues.titles:
        for row in rows:
            if title not in row.compact:
                continue
            if _stands_alone(title, row):
                weight = _TITLE_ROW
            elif id(row) in top:
                weight = _TITLE_MENTION
            else:
                continue
            if weight > best:
                best, best_title = weight, title
    if best:
        score.score += best
        kind = "title" if best == _TITLE_ROW else "title mentioned"
        score.evidence.append(f"{kind} {best_title}")


def _top_rows(rows: list[Row], page: int) -> list[Row]:
    return [row for row in rows if row.page == page][:_TOP_ROWS]


def _label_score(cues: Cues, text: str, score: TypeScore) -> None:
    found = [label for label in cues.labels if label in text][:_MAX_LABELS]
    if found:
        score.score += _LABEL * len(found)
        score.evidence.append("labels " + "、".join(found))


def _pattern_score(cues: Cues, text: str, score: TypeScore) -> None:
    for pattern in cues.patterns:
        match = re.search(pattern, text)
        if match:
            score.score += _PATTERN
            score.evidence.append(f"pattern {match.group()}")


def score_types(pages: list[OcrPage]) -> list[TypeScore]:
    """Every document type's score on the pages, best first."""
    rows = layout_rows(pages)
    text = "\n".join(row.compact for row in rows)
    scores: list[TypeScore] = []
    for doc_type, cues in CUES.items():
        score = TypeScore(doc_type)
        _title_score(cues, rows, score)
        _label_score(cues, text, score)
        _pattern_score(cues, text, score)
        scores.append(score)
    return sorted(scores, key=lambda item: item.score, reverse=True)


def _confidence(best: float, runner_up: float) -> float:
    strength = min(best / _FULL_SCORE, 1.0)
    margin = (best - runner_up) / best if best else 0.0
    return round(strength * (0.5 + 0.5 * margin), 2)


def _from_page(scores: list[TypeScore]) -> Classification:
    best, runner_up = scores[0], scores[1]
    if best.score < _MIN_SCORE or best.score - runner_up.score < _MIN_MARGIN:
        evidence = [
            f"unsure: best {best.doc_type} scored {best.score:g}, "
            f"{runner_up.doc_type} {runner_up.score:g}"
        ]
        return Classification(OTHER, 0.5 if best.score else 1.0, evidence)
    return Classification(
        best.doc_type, _confidence(best.score, runner_up.score), list(best.evidence)
    )


def _with_hint(hint: str, scores: list[TypeScore], page: Classification) -> Classification:
    if page.doc_type == hint:
        evidence = [f"hint {hint} agrees with the page", *page.evidence]
        return Classification(hint, max(page.confidence, 0.9), evidence)
    best = scores[0]
    if best.score < _MIN_SCORE:
        evidence = [f"hint {hint} kept: the page shows too little to verify it", *page.evidence]
        return Classification(hint, 0.3, evidence)
    hinted = next((item for item in scores if item.doc_type == hint), None)
    if hinted is not None and hinted.score >= _HINT_SHARE * best.score:
        others = max(item.score for item in scores if item.doc_type != hint)
        evidence = [f"hint {hint} is supported by the page", *hinted.evidence]
        return Classification(hint, _confidence(hinted.score, min(others, hinted.score)), evidence)
    evidence = [f"hint {hint} disagrees with the page", *page.evidence]
    return Classification(page.doc_type, page.confidence, evidence)


def classify(pages: list[OcrPage], *, hint: str | None = None) -> Classification:
    """The document type of pages, with a confidence and the evidence for it.

    ``hint`` (a DocType code an archivist chose) is used when the pages agree with it or
    say too little to tell; when they clearly show another type, that type wins and the
    evidence says that the hint disagreed. An unknown hint raises ValueError.
    """
    if hint is not None and hint not in DOC_TYPES:
        raise ValueError(
            f"unknown document type hint {hint!r}; expected one of {', '.join(DOC_TYPES)}"
        )
    hinted = hint
    scores = score_types(pages)
    page = _from_page(scores)
    return page if hinted is None else _with_hint(hinted, scores, page)
