"""What a case still lacks, stage by stage: the current stage's gap and every later stage's,
for the archivist who tells the customer everything at once (一次性告知)."""

from __future__ import annotations

from typing import Literal

from sqlalchemy.orm import Session

from archive._completeness import check_case, flow_stages, stages_up_to
from archive._schemas import CaseMissing, StageMissing
from archive._vocabulary import Stage
from archive.db._models import Case
from archive.rules._model import RuleSet


def missing_by_stage(session: Session, case: Case, *, rule_set: RuleSet) -> CaseMissing:
    """Every requirement of the case's flow no counting document satisfies, grouped by the stage
    that asks for it; stages the case passed keep what an override let through.

    Raises ValidationError when the case's stage is not in its flow (its check says so).
    """
    current = len(stages_up_to(case, rule_set, Stage(case.stage))) - 1  # refuses one off-flow
    stages = [rules.stage for rules in flow_stages(case, rule_set)]
    check = check_case(session, case, stages[-1], rule_set=rule_set)
    return CaseMissing(
        case_no=case.case_no,
        stage=Stage(case.stage),
        rules_version=rule_set.version,
        total=len(check.missing),
        stages=[
            StageMissing(
                stage=stage,
                position=_position(index, current),
                missing=[m for m in check.missing if m.stage == stage],
            )
            for index, stage in enumerate(stages)
        ],
    )


Position = Literal["passed", "current", "later"]


def _position(index: int, current: int) -> Position:
    if index < current:
        return "passed"
    return "current" if index == current else "later"
