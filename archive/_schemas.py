"""Pydantic schemas of the stable outside interface: what goes in and what comes out."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from archive._vocabulary import (
    BusinessType,
    Category,
    DocType,
    DocumentStatus,
    FailureCode,
    Role,
    Severity,
    Stage,
)


def _strip(value: str) -> str:
    return value.strip()


# NUL cannot be stored in PostgreSQL text, and no other C0 control character belongs in a
# record; free text (reasons, corrected values) may hold tabs and line breaks.
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _refuse(pattern: re.Pattern[str], what: str) -> AfterValidator:
    def check(value: str) -> str:
        found = pattern.search(value)
        if found:
            raise PydanticCustomError(
                "control_character",
                "contains the control character U+{code} at position {position}; remove it "
                "({what})",
                {"code": f"{ord(found.group()):04X}", "position": found.start(), "what": what},
            )
        return value

    return AfterValidator(check)


Line = Annotated[str, _refuse(_CONTROL_IN_LINE, "a one-line value holds no control characters")]
"""A one-line string of the outside interface: no control characters at all."""

Text = Annotated[str, _refuse(_CONTROL_IN_TEXT, "only tabs and line breaks are allowed")]
"""Free text of the outside interface: tabs and line breaks, no other control characters."""


class CustomerIn(BaseModel):
    """The applicant as the case record holds it."""

    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=200)
    id_number: Line | None = Field(default=None, description="18-character citizen ID")
    credit_code: Line | None = Field(default=None, description="18-character credit code")
    address: Line = Field(default="", max_length=500)
    phone: Line = Field(default="", max_length=40)

    _strip_name = field_validator("name", "address", "phone")(_strip)

    @model_validator(mode="after")
    def _needs_identifier(self) -> CustomerIn:
        if not self.id_number and not self.credit_code:
            raise PydanticCustomError(
                "customer_identifier",
                "customer needs id_number (a person) or credit_code (an organisation)",
            )
        return self


class LegalRepresentativeIn(BaseModel):
    """The organisation's legal representative as the case record holds it."""

    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=200)
    id_number: Line

    _strip_name = field_validator("name")(_strip)


class CaseCreate(BaseModel):
    """Body of ``POST /cases``."""

    model_config = ConfigDict(extra="forbid")

    case_no: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9_\-]*$")
    category: Category
    business_type: BusinessType
    capacity_kva: float = Field(gt=0, le=1_000_000)
    customer: CustomerIn
    legal_representative: LegalRepresentativeIn | None = None
    accepted_on: dt.date | None = Field(
        default=None, description="Date the application was accepted (受理); default today"
    )
    facts: dict[Line, bool] = Field(
        default_factory=dict,
        description="Yes/no facts the rule file declares (applicant_is_agent, tenant, ...)",
    )
    unit: str | None = Field(
        default=None,
        max_length=64,
        description="The code of the unit holding the case: the creator's or one under it; "
        "default the creator's unit",
    )

    @field_validator("accepted_on", mode="before")
    @classmethod
    def _iso_date_only(cls, value: object) -> object:
        # pydantic would read a number (or a string of digits) as a Unix timestamp
        if value is None or isinstance(value, dt.date):
            return value
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            return value
        raise PydanticCustomError(
            "date_format", "{value} is not a date: write it as YYYY-MM-DD", {"value": repr(value)}
        )


class CustomerPublic(BaseModel):
    """The applicant, as returned."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    id_number: str | None
    credit_code: str | None
    address: str
    phone: str


class LegalRepresentativePublic(BaseModel):
    """The legal representative, as returned."""

    model_config = ConfigDict(from_attributes=True)

    name: str
    id_number: str


class FindingPublic(BaseModel):
    """One finding of a check."""

    id: int
    code: str
    severity: Severity
    document_id: str | None
    field: str | None
    found: str | None
    expected: str | None
    message: str
    message_en: str
    status: str
    resolution: str | None = Field(default=None, description="Why it was dismissed")
    resolved_by: str | None = None
    resolved_at: dt.datetime | None = None


class DocumentSummary(BaseModel):
    """A document as listed on its case."""

    document_id: str
    status: DocumentStatus
    doc_type: DocType | None
    confidence: float | None
    sha256: str
    original_filename: str
    media_type: str
    size_bytes: int
    created_at: dt.datetime
    parent_id: str | None = Field(
        default=None, description="The stack this document is a part of; null for an upload"
    )
    part: int | None = Field(
        default=None,
        description="Its part number (from 1) in the uploaded file; 1 for a file holding one "
        "document, null for a stack or before intake",
    )
    page_range: list[int] | None = Field(
        default=None, description="[first, last] page of the uploaded file (1-based, inclusive)"
    )


class DocumentPublic(DocumentSummary):
    """Body of ``GET /documents/{document_id}``."""

    case_no: str
    doc_type_hint: DocType | None
    fields: dict[str, Any]
    findings: list[FindingPublic]
    pages: int | None
    error: str | None
    error_code: FailureCode | None = Field(
        default=None, description="Why intake failed, a stable code; null unless failed"
    )
    uploaded_by: str
    updated_at: dt.datetime
    stage: Stage = Field(description="The case's stage when the document was uploaded")
    field_details: dict[str, Any] = Field(
        default_factory=dict,
        description="Per field: ocr_value, confidence, page, box, and whether a reviewer "
        "confirmed or corrected it",
    )
    evidence: list[str] = Field(default_factory=list, description="Why intake chose doc_type")
    ocr_engine: str | None = None
    seconds: float | None = Field(default=None, description="How long intake took")
    attempts: int = Field(default=0, description="Intake attempts so far")
    index_status: str = Field(description="pending, indexed or failed (retried)")
    parts: list[str] = Field(
        default_factory=list, description="For a stack split into documents: their ids, in order"
    )
    trashed_at: dt.datetime | None = Field(
        default=None, description="When it was removed to the trash; null unless trashed"
    )
    trashed_by: str | None = None
    trash_reason: str | None = None
    purged_at: dt.datetime | None = Field(
        default=None, description="When its original was destroyed after the trash period"
    )


class UploadAccepted(BaseModel):
    """Body of ``POST /cases/{case_no}/documents``."""

    document_id: str
    status: DocumentStatus
    sha256: str
    duplicate: bool = Field(description="True when these bytes were already on the case")


class CasePublic(BaseModel):
    """Body of ``GET /cases/{case_no}``."""

    case_no: str
    category: Category
    business_type: BusinessType
    capacity_kva: float
    stage: Stage
    unit: str = Field(description="The code of the unit holding the case")
    accepted_on: dt.date
    customer: CustomerPublic
    legal_representative: LegalRepresentativePublic | None
    findings: list[FindingPublic]
    documents: list[DocumentSummary]
    created_at: dt.datetime
    updated_at: dt.datetime
    facts: dict[str, bool] = Field(
        default_factory=dict, description="Facts the rule conditions read (tenant, ...)"
    )
    rules_version: str | None = Field(default=None, description="Rule version checked against")
    due: StageDuePublic | None = Field(
        default=None, description="The current stage's time limit (none if it has none)"
    )
    overrides: list[StageOverridePublic] = Field(
        default_factory=list, description="Stage gates passed by override, with the reasons"
    )
    archive_no: str | None = Field(default=None, description="档号, once archived")
    archived_at: dt.datetime | None = Field(
        default=None, description="When it was archived; none while open (or re-opened)"
    )


class CaseSummary(BaseModel):
    """A case as listed."""

    case_no: str
    category: Category
    business_type: BusinessType
    capacity_kva: float
    stage: Stage
    unit: str
    customer_name: str
    accepted_on: dt.date
    documents: int
    updated_at: dt.datetime
    due: StageDuePublic | None = Field(
        default=None, description="The current stage's time limit (none if it has none)"
    )
    due_on: dt.date | None = Field(default=None, description="The current stage's due date")
    working_days_left: int | None = Field(
        default=None, description="Working days to due_on; negative: that many days over"
    )
    open_findings: int = Field(default=0, description="Findings not yet resolved")
    open_errors: int = Field(default=0, description="Open findings of severity error")
    missing_count: int | None = Field(
        default=None,
        description="Requirements of the current stage no document satisfies yet (none: the"
        " case's rules cannot check it; its own check says why)",
    )
    intake_pending: int = Field(default=0, description="Documents queued or being read")
    intake_failed: int = Field(default=0, description="Documents whose intake failed")
    last_actor: str | None = Field(
        default=None, description="Who last changed the case or its documents (not workers)"
    )
    last_acted_at: dt.datetime | None = None


CaseSort = Literal["updated", "due", "case_no", "accepted_on"]
"""Orders of a case list: most recently changed first, fewest working days left first,
by case number, oldest application first."""


class CaseCounts(BaseModel):
    """How many cases of a list each worklist filter would keep."""

    overdue: int
    has_errors: int
    has_missing: int
    intake_failed: int
    ready: int


class CaseList(BaseModel):
    """Body of ``GET /cases``."""

    total: int
    cases: list[CaseSummary]
    counts: CaseCounts | None = Field(
        default=None, description="Per filter, how many of the listed cases it keeps (counts=true)"
    )


class TokenCreate(BaseModel):
    """Body of ``POST /tokens``."""

    model_config = ConfigDict(extra="forbid")

    name: Line = Field(min_length=1, max_length=200)
    role: Role
    user: str | None = Field(default=None, max_length=64)
    """The user name of the person answerable for the machine that holds it."""
    unit: str | None = Field(default=None, max_length=64)
    """The code of the unit whose cases it sees; none: the top unit."""


class CaseMove(BaseModel):
    """Body of ``PUT /cases/{case_no}/unit``."""

    model_config = ConfigDict(extra="forbid")

    unit: str = Field(min_length=1, max_length=64, description="The code of the unit to hold it")


class TokenPublic(BaseModel):
    """A token as listed: never its secret."""

    id: int
    name: str
    role: Role
    created_at: dt.datetime
    created_by: str
    revoked_at: dt.datetime | None
    user: str | None = None
    """The user name of the person the token belongs to (none for tokens of before accounts)."""
    last_used_at: dt.datetime | None = None
    unit: str | None = None
    """The unit whose cases it sees (and those under it); none: the top unit."""


class UserPublic(BaseModel):
    """A user as listed: never the password hash."""

    username: str
    display_name: str
    role: Role
    unit: str | None
    active: bool
    locked_until: dt.datetime | None
    must_change_password: bool
    created_at: dt.datetime
    source: Literal["local", "ldap"] = Field(
        default="local", description="local: a password kept here; ldap: checked by the directory"
    )


class LoginRequest(BaseModel):
    """A user name and password to sign in with."""

    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


class PasswordChange(LoginRequest):
    """The current password and the new one (at least 10 characters, not the user name)."""

    new_password: str = Field(min_length=1, max_length=200)


class LoginAnswer(BaseModel):
    """A session token, sent as ``Authorization: Bearer``, and when it ends."""

    token: str
    expires_at: dt.datetime


class TokenCreated(TokenPublic):
    """A new token: the only time its secret is shown."""

    token: str


class AuditEventPublic(BaseModel):
    """One audit event."""

    id: int
    at: dt.datetime
    actor: str
    actor_role: Role
    action: str
    entity_type: str
    entity_id: str
    case_no: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str


class AuditPage(BaseModel):
    """Body of ``GET /audit``."""

    total: int
    events: list[AuditEventPublic]


class MissingDocument(BaseModel):
    """A rule of the check that no counting document satisfies yet."""

    doc_type: str = Field(description="The first accepted document type")
    rule: str
    label_zh: str
    stage: Stage = Field(description="The stage whose rules ask for it")
    alternatives: list[str] = Field(description="Every accepted document type")
    count: int = Field(description="How many are needed")
    found: int = Field(description="How many counting documents there are")
    originals: bool = Field(default=False, description="The paper original must be shown")


class SatisfiedRule(BaseModel):
    """A rule of the check and the documents that satisfy it."""

    rule: str
    label_zh: str
    stage: Stage
    document_ids: list[str]
    originals: bool = Field(description="The paper originals must be kept")


class NotCountingDocument(BaseModel):
    """A document of the case that does not count towards any rule, and why."""

    document_id: str
    doc_type: str | None
    reason: str


class CaseCheck(BaseModel):
    """Body of ``GET /cases/{case_no}/check``: completeness for a stage, and every finding."""

    case_no: str
    stage: Stage
    rules_version: str
    complete: bool = Field(description="No required document is missing")
    ready: bool = Field(description="Complete and no error finding is open: the gate opens")
    missing: list[MissingDocument]
    satisfied: list[SatisfiedRule]
    not_counting: list[NotCountingDocument]
    findings: list[FindingPublic]


class StageMissing(BaseModel):
    """What one stage of a case's flow still needs."""

    stage: Stage
    position: Literal["passed", "current", "later"] = Field(
        description="passed: the case went past it (by an override); current: the case's stage"
        " (needed before it advances); later: a stage still to come"
    )
    missing: list[MissingDocument]


class CaseMissing(BaseModel):
    """Body of ``GET /cases/{case_no}/missing``: every document still missing, by stage."""

    case_no: str
    stage: Stage = Field(description="The case's current stage")
    rules_version: str
    total: int = Field(description="Missing requirements over every stage")
    stages: list[StageMissing] = Field(description="Each stage of the flow, in order")


class AdvanceRequest(BaseModel):
    """Body of ``POST /cases/{case_no}/advance``."""

    model_config = ConfigDict(extra="forbid")

    to: Stage
    override_reason: Text | None = Field(
        default=None,
        max_length=2000,
        description="Moves the case on although the check is not ready; audited and shown",
    )


class StageOverridePublic(BaseModel):
    """A stage gate passed by override: shown on the case for ever."""

    from_stage: Stage
    to_stage: Stage
    at: dt.datetime
    actor: str
    reason: str
    outstanding: dict[str, Any] = Field(description="What was missing or open at the time")


class StageDuePublic(BaseModel):
    """The time limit of the case's current stage, in working days."""

    stage: Stage
    entered_on: dt.date
    time_limit_days: int
    due_on: dt.date
    days_left: int
    overdue: bool
    days_over: int
    holidays_known: bool = Field(
        description="False when the count runs past the announced holidays: an estimate"
    )
    note: str | None = Field(
        default=None, description="Why the dates are an estimate, in Chinese (or none)"
    )


class DocTypeUpdate(BaseModel):
    """Body of ``PUT /documents/{document_id}/doc_type``."""

    model_config = ConfigDict(extra="forbid")

    doc_type: Line = Field(min_length=1, max_length=40)


class SplitMove(BaseModel):
    """Body of ``POST /documents/{document_id}/split``: part ``part + 1`` of the stack starts
    at ``first_page`` (pages between move from one part to its neighbour)."""

    model_config = ConfigDict(extra="forbid")

    part: int = Field(ge=1, le=10_000, description="The earlier of two neighbouring parts")
    first_page: int = Field(ge=2, le=10_000, description="The new first page of part + 1")


class FieldCorrection(BaseModel):
    """Body of ``PUT /documents/{document_id}/fields/{name}``: the same value confirms it; a
    new value corrects it and needs a reason."""

    model_config = ConfigDict(extra="forbid")

    value: Text = Field(max_length=2000)
    reason: Text = Field(
        default="", max_length=2000, description="Why it is corrected (needed for a new value)"
    )


class FieldReviewItem(FieldCorrection):
    """One item of ``PUT /documents/{document_id}/fields``: a field confirmed or corrected."""

    name: Line = Field(min_length=1, max_length=64, description="The field's name")


class FindingDismissal(BaseModel):
    """Body of ``POST /findings/{finding_id}/dismiss``."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=1, max_length=2000)

    _strip_reason = field_validator("reason")(_strip)


class JobRelease(BaseModel):
    """Body of ``POST /documents/{document_id}/release``: why an admin frees a stuck job."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=1, max_length=2000)

    _strip_reason = field_validator("reason")(_strip)


class TrashedDocument(BaseModel):
    """One entry of ``GET /trash``: an upload that can still be restored."""

    document_id: str
    case_no: str
    original_filename: str
    doc_type: str | None
    trashed_at: dt.datetime
    trashed_by: str
    reason: str
    restorable_until: dt.datetime = Field(
        description="The end of its trash period: after it, `yekuo trash purge` destroys it"
    )


class DocumentTrash(BaseModel):
    """Body of ``DELETE /documents/{document_id}``: why a wrong upload goes to the trash."""

    model_config = ConfigDict(extra="forbid")

    reason: Text = Field(min_length=1, max_length=2000)

    _strip_reason = field_validator("reason")(_strip)


class DocumentMove(BaseModel):
    """Body of ``POST /documents/{document_id}/move``: the case it belongs to, and why."""

    model_config = ConfigDict(extra="forbid")

    case_no: Line = Field(min_length=1, max_length=64)
    reason: Text = Field(min_length=1, max_length=2000)

    _strip_reason = field_validator("reason", "case_no")(_strip)


class CaseFactsUpdate(BaseModel):
    """Body of ``PUT /cases/{case_no}/facts``: yes/no facts the rule file declares."""

    model_config = ConfigDict(extra="forbid")

    facts: dict[Line, bool]


class CaseRebase(BaseModel):
    """Body of ``POST /cases/{case_no}/rebase``: check the case against another rule version."""

    model_config = ConfigDict(extra="forbid")

    version: Line = Field(min_length=1, max_length=40)
    reason: Text = Field(min_length=1, max_length=2000)


class AdvanceResult(BaseModel):
    """Body of a successful ``POST /cases/{case_no}/advance``."""

    case_no: str
    from_stage: Stage
    to_stage: Stage
    at: dt.datetime
    override_reason: str | None
    check: CaseCheck = Field(description="The check of the stage the case left")


class CaseRecordChangePublic(BaseModel):
    """One change of a system-owned field of a case record (``GET …/record-history``)."""

    field: str = Field(description="customer.name, capacity_kva, unit, ... (SYSTEM_FIELDS)")
    old: str | None = Field(description="The value before (none: empty)")
    new: str | None = Field(description="The value after (none: empty)")
    source: str = Field(description="api, web or import:<file name>")
    actor: str
    at: dt.datetime


class CaseImportProblem(BaseModel):
    """A row of an import refused (or noted), by its row number in the spreadsheet."""

    row: int = Field(description="The row as the spreadsheet numbers it (the header is row 1)")
    case_no: str | None
    reason: str = Field(description="Why, in Chinese")


class CaseImportReport(BaseModel):
    """What an import of case records did (``written``) or would have done."""

    file: str
    rows: int = Field(description="Rows read, empty ones left out")
    created: int
    updated: int
    unchanged: int
    refused: int
    written: bool = Field(description="False: nothing was written (a bad row, or a dry run)")
    dry_run: bool
    problems: list[CaseImportProblem] = Field(description="The refused rows, by row number")
    notes: list[CaseImportProblem] = Field(
        default_factory=list, description="Rows taken with a remark (a stage that differs)"
    )


class ConsistencyItem(BaseModel):
    """One thing the consistency report lists on a case."""

    kind: Literal["mismatch", "missing", "unread"] = Field(
        description="mismatch: paper and system disagree; missing: a document the rules ask "
        "for; unread: a document still in intake or failed"
    )
    code: str = Field(description="The finding code, the rule, or the document's status")
    field: str | None = Field(default=None, description="The document's field (mismatch)")
    document_id: str | None = None
    document: str | None = Field(default=None, description="The document's file name")
    doc_type: str | None = None
    page: int | None = Field(default=None, description="The page the value was read on")
    paper: str | None = Field(default=None, description="The value on the paper (mismatch)")
    system: str | None = Field(default=None, description="The value of the case record")
    for_stage: Stage | None = Field(default=None, description="The stage asking for it (missing)")
    detail: str = Field(description="What it is, in Chinese")


class ConsistencyCounts(BaseModel):
    """How many of each kind (and, in the totals, how many cases have any)."""

    cases: int
    mismatch: int
    missing: int
    unread: int


class ConsistencyCase(BaseModel):
    """A case with something to report."""

    case_no: str
    unit: str
    stage: Stage
    customer_name: str
    counts: ConsistencyCounts
    items: list[ConsistencyItem]


class ConsistencyReport(BaseModel):
    """Body of ``GET /reports/consistency``: cases by number, each with what it lacks."""

    generated_on: dt.date
    unit: str | None = Field(description="The unit reported on (and those under it); none: all")
    stage: Stage | None
    kind: Literal["mismatch", "missing", "unread"] | None
    counts: ConsistencyCounts
    cases: list[ConsistencyCase]
