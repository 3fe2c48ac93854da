"""The rule set as validated data: flows of stages, required documents, time limits.

The shape of a rule file (``archive/rules/default.yaml`` documents every key)::

    facts:            yes/no facts of a case that conditions may use (tenant, ...)
    document_types:   document types the utility adds to the built-in ones (code: label)
    retention:        保管期限 per document type (permanent, 30y, 10y; default for the rest)
    posts:            岗位 that answer for stages (code: label_zh, e.g. account_manager: 客户经理)
    duties:           the post answering for each stage (stage: post), assigned on entry
    versions:         one or more rule sets, each in force from its effective_from date
      - version, effective_from, description
        flows:        one per category, covering business types
          - category, business_types
            stages:   in flow order, application first and archived last
              - stage, when (the stage is skipped when false), time_limit_days
                requires:  documents needed by the end of the stage
                  - rule, label_zh, documents (alternatives), count, when, holder, originals

Validation needs to know which facts and document types the file declares; the loader
passes them in the pydantic validation context (see ``archive.rules._loader``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    field_validator,
    model_validator,
)

from archive._vocabulary import BusinessType, Category, DocType, Retention, Stage
from archive.rules._conditions import Condition, FactKind, FactSpec, FactValue, parse_condition

BUILT_IN_FACTS: dict[str, FactSpec] = {
    "category": FactSpec(FactKind.text, frozenset(Category)),
    "business_type": FactSpec(FactKind.text, frozenset(BusinessType)),
    "capacity_kva": FactSpec(FactKind.number),
    "applicant_is_organisation": FactSpec(FactKind.flag),
}
"""Facts every case has, from its record (an organisation is a customer with a credit code)."""

STAGE_ORDER: tuple[Stage, ...] = tuple(Stage)
Holder = Literal["customer", "legal_representative", "other"]
_RULE_ID = r"^[a-z][a-z0-9_]*$"


def _context(info: ValidationInfo) -> Mapping[str, Any]:
    context = info.context
    return context if isinstance(context, Mapping) else {}


def _parse(value: Any, info: ValidationInfo) -> Any:
    if isinstance(value, Condition) or value is None:
        return value
    if isinstance(value, bool):
        raise ValueError("a condition is a fact name or expression, not yes/no; quote it")
    facts: Mapping[str, FactSpec] = _context(info).get("facts", BUILT_IN_FACTS)
    return parse_condition(str(value), facts)


ConditionField = Annotated[Condition, BeforeValidator(_parse), PlainSerializer(str)]


class FactDefinition(BaseModel):
    """A yes/no fact a reviewer records on a case (an agent applies, the customer rents ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    label_zh: str = Field(min_length=1)
    description: str = ""


class Requirement(BaseModel):
    """Documents a stage needs: any of ``documents`` (alternatives), ``count`` of them."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    rule: str = Field(pattern=_RULE_ID, description="Stable id, shown with what is missing")
    label_zh: str = Field(min_length=1)
    documents: list[str] = Field(min_length=1, description="Accepted document types")
    count: int = Field(default=1, ge=1, le=20)
    when: ConditionField | None = Field(default=None, description="None: mandatory")
    holder: Holder | None = Field(
        default=None,
        description="Whose identity document: only documents naming that person count",
    )
    originals: bool = Field(default=False, description="The paper original must be kept")

    @field_validator("documents")
    @classmethod
    def _known_types(cls, documents: list[str], info: ValidationInfo) -> list[str]:
        known: frozenset[str] = _context(info).get("doc_types", frozenset(DocType))
        for doc_type in documents:
            if doc_type not in known:
                raise ValueError(
                    f"unknown document type {doc_type!r}; use one of {', '.join(sorted(known))} "
                    "or declare it under document_types"
                )
        return documents


class TimeLimit(BaseModel):
    """A time limit that applies when its condition holds (the first that holds wins)."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    days: int = Field(ge=1, le=365, description="Working days")
    when: ConditionField | None = None


class StageRules(BaseModel):
    """One stage of a flow: whether the case passes through it, its time limit, its documents."""

    model_config = ConfigDict(extra="forbid", frozen=True, arbitrary_types_allowed=True)

    stage: Stage
    when: ConditionField | None = Field(default=None, description="None: always in the flow")
    time_limit_days: int | list[TimeLimit] | None = Field(
        default=None, description="Working days allowed in the stage; none for no limit"
    )
    requires: list[Requirement] = Field(default_factory=list)

    @field_validator("time_limit_days")
    @classmethod
    def _positive(cls, value: int | list[TimeLimit] | None) -> int | list[TimeLimit] | None:
        if isinstance(value, int) and not 1 <= value <= 365:
            raise ValueError("a time limit is 1 to 365 working days; leave it out for none")
        return value

    def applies(self, facts: Mapping[str, FactValue]) -> bool:
        """Whether a case with these facts passes through this stage."""
        return self.when is None or self.when.holds(facts)

    def time_limit(self, facts: Mapping[str, FactValue]) -> int | None:
        """The working days allowed in this stage for a case with these facts."""
        if self.time_limit_days is None or isinstance(self.time_limit_days, int):
            return self.time_limit_days
        for limit in self.time_limit_days:
            if limit.when is None or limit.when.holds(facts):
                return limit.days
        return None


class Flow(BaseModel):
    """The stages of the cases of one category and some business types."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    category: Category
    business_types: list[BusinessType] = Field(min_length=1)
    stages: list[StageRules] = Field(min_length=2)

    @model_validator(mode="after")
    def _ordered(self) -> Flow:
        names = [rules.stage for rules in self.stages]
        if names[0] is not Stage.application or names[-1] is not Stage.archived:
            raise ValueError(
                f"the {self.category.value} flow must start with stage application and end "
                f"with stage archived; it has {', '.join(names)}"
            )
        if len(set(names)) != len(names) or names != sorted(names, key=STAGE_ORDER.index):
            raise ValueError(
                f"the {self.category.value} flow lists its stages out of order or twice "
                f"({', '.join(names)}); the order is {', '.join(STAGE_ORDER)}"
            )
        for rules in (self.stages[0], self.stages[-1]):
            if rules.when is not None:
                raise ValueError(f"stage {rules.stage.value} cannot be conditional")
        return self

    def stages_for(self, facts: Mapping[str, FactValue]) -> list[StageRules]:
        """The stages a case with these facts passes through, in order."""
        return [rules for rules in self.stages if rules.applies(facts)]


class RuleSet(BaseModel):
    """One version of the rules, in force for cases accepted from ``effective_from`` on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: str = Field(min_length=1, max_length=40)
    effective_from: dt.date
    description: str = ""
    flows: list[Flow] = Field(min_length=1)

    @model_validator(mode="after")
    def _every_case_has_one_flow(self) -> RuleSet:
        seen: dict[tuple[Category, BusinessType], int] = {}
        for number, flow in enumerate(self.flows):
            for business_type in flow.business_types:
                key = (flow.category, business_type)
                if key in seen:
                    raise ValueError(
                        f"flows {seen[key]} and {number} both cover "
                        f"{flow.category.value}/{business_type.value}; keep one"
                    )
                seen[key] = number
        missing = [
            f"{category.value}/{business_type.value}"
            for category in Category
            for business_type in BusinessType
            if (category, business_type) not in seen
        ]
        if missing:
            raise ValueError(f"version {self.version} has no flow for {', '.join(missing)}")
        return self

    def flow_for(self, category: str, business_type: str) -> Flow:
        """The flow of a case of this category and business type."""
        for flow in self.flows:
            if flow.category == category and business_type in flow.business_types:
                return flow
        raise LookupError(f"no flow for {category}/{business_type}")  # validation prevents it


class RuleBook(BaseModel):
    """A whole rule file: its facts, its extra document types and its versions."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    facts: dict[str, FactDefinition] = Field(default_factory=dict)
    document_types: dict[str, str] = Field(
        default_factory=dict, description="Document types added to the built-in ones: label_zh"
    )
    versions: list[RuleSet] = Field(min_length=1)
    retention: dict[str, Retention] = Field(
        default_factory=dict,
        description="保管期限 per document type; the key default for the types not listed",
    )

    posts: dict[str, str] = Field(
        default_factory=dict, description="岗位 that answer for stages: code to label_zh"
    )
    duties: dict[Stage, str] = Field(
        default_factory=dict, description="The post answering for each stage (none: nobody)"
    )

    @field_validator("posts")
    @classmethod
    def _post_codes(cls, posts: dict[str, str]) -> dict[str, str]:
        for code, label in posts.items():
            if not re.fullmatch(_RULE_ID, code) or len(code) > 32 or not label.strip():
                raise ValueError(
                    f"post {code!r} needs a lower_case code of at most 32 characters and a "
                    "Chinese label, e.g. account_manager: 客户经理"
                )
        return posts

    @model_validator(mode="after")
    def _duties_name_posts(self) -> RuleBook:
        for stage, post in self.duties.items():
            if post not in self.posts:
                raise ValueError(
                    f"duties: stage {stage.value} names post {post!r}, which posts does not "
                    f"declare (it declares {', '.join(sorted(self.posts)) or 'none'})"
                )
        return self

    def post_label(self, post: str | None) -> str:
        """The Chinese name of a post (its code when the file no longer declares it)."""
        return self.posts.get(post, post) if post else ""

    @field_validator("retention")
    @classmethod
    def _retention_types(
        cls, retention: dict[str, Retention], info: ValidationInfo
    ) -> dict[str, Retention]:
        known: frozenset[str] = _context(info).get("doc_types", frozenset(DocType))
        for doc_type in retention:
            if doc_type != "default" and doc_type not in known:
                raise ValueError(
                    f"retention names unknown document type {doc_type!r}; use one of "
                    f"{', '.join(sorted(known))} or default"
                )
        return retention

    def retention_of(self, doc_type: str | None) -> Retention:
        """The 保管期限 of a document of this type (the file's default, else permanent)."""
        fallback = self.retention.get("default", Retention.permanent)
        return self.retention.get(doc_type or "other", fallback)

    @field_validator("facts")
    @classmethod
    def _fact_names(cls, facts: dict[str, FactDefinition]) -> dict[str, FactDefinition]:
        for name in facts:
            if name in BUILT_IN_FACTS or not name.isidentifier() or not name.islower():
                raise ValueError(
                    f"fact {name!r} must be a new lower_case name (built in: "
                    f"{', '.join(BUILT_IN_FACTS)})"
                )
        return facts

    @model_validator(mode="after")
    def _distinct_versions(self) -> RuleBook:
        versions = [rule_set.version for rule_set in self.versions]
        dates = [rule_set.effective_from for rule_set in self.versions]
        if len(set(versions)) != len(versions) or len(set(dates)) != len(dates):
            raise ValueError("each version needs its own version name and effective_from date")
        return self

    @property
    def doc_types(self) -> frozenset[str]:
        """Every document type rules may name: the built-in ones and the declared ones."""
        return frozenset(DocType) | frozenset(self.document_types)

    def in_force_on(self, day: dt.date) -> RuleSet | None:
        """The version in force on ``day`` (the latest effective on or before it)."""
        candidates = [rule_set for rule_set in self.versions if rule_set.effective_from <= day]
        return max(candidates, key=lambda rule_set: rule_set.effective_from, default=None)

    def named(self, version: str) -> RuleSet | None:
        """The version called ``version``."""
        return next((r for r in self.versions if r.version == version), None)


def validation_context(raw: Any) -> dict[str, Any]:
    """What the validators need to know from a raw (parsed YAML) rule file."""
    declared_facts = raw.get("facts") if isinstance(raw, dict) else None
    declared_types = raw.get("document_types") if isinstance(raw, dict) else None
    facts = dict(BUILT_IN_FACTS)
    if isinstance(declared_facts, dict):
        facts.update({str(name): FactSpec(FactKind.flag) for name in declared_facts})
    doc_types: frozenset[str] = frozenset(DocType)
    if isinstance(declared_types, dict):
        doc_types |= frozenset(str(name) for name in declared_types)
    return {"facts": facts, "doc_types": doc_types}
