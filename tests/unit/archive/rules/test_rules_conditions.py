"""Conditions of the rule set: parsing, precedence, evaluation and precise errors."""

from __future__ import annotations

import pytest

from archive.rules import ConditionSyntaxError
from archive.rules._conditions import (
    FactKind,
    FactSpec,
    FactValue,
    parse_condition,
)
from archive.rules._model import BUILT_IN_FACTS

FACTS = {
    **BUILT_IN_FACTS,
    "tenant": FactSpec(FactKind.flag),
    "applicant_is_agent": FactSpec(FactKind.flag),
    "dual_source": FactSpec(FactKind.flag),
}


def holds(source: str, **facts: FactValue) -> bool:
    return parse_condition(source, FACTS).holds(facts)


@pytest.mark.parametrize(
    ("source", "facts", "expected"),
    [
        ("tenant", {"tenant": True}, True),
        ("tenant", {}, False),
        ("not tenant", {}, True),
        ("tenant and applicant_is_agent", {"tenant": True}, False),
        ("tenant or applicant_is_agent", {"applicant_is_agent": True}, True),
        # not binds tighter than and, and tighter than or.
        ("not tenant and applicant_is_agent", {"applicant_is_agent": True}, True),
        ("tenant or dual_source and applicant_is_agent", {"tenant": True}, True),
        ("(tenant or dual_source) and applicant_is_agent", {"tenant": True}, False),
        ("not (tenant or dual_source)", {"dual_source": True}, False),
        ("capacity_kva >= 315", {"capacity_kva": 315.0}, True),
        ("capacity_kva > 315", {"capacity_kva": 315.0}, False),
        ("capacity_kva < 100.5", {"capacity_kva": 100.0}, True),
        ("capacity_kva <= 99", {"capacity_kva": 100.0}, False),
        ("capacity_kva != 8", {"capacity_kva": 8.0}, False),
        ("capacity_kva == 8", {"capacity_kva": 8.0}, True),
        ("business_type == temporary", {"business_type": "temporary"}, True),
        ("business_type != temporary", {"business_type": "new"}, True),
        (
            "category == high_voltage and capacity_kva >= 8000",
            {"category": "high_voltage", "capacity_kva": 630.0},
            False,
        ),
    ],
)
def test_conditions_evaluate(source: str, facts: dict[str, FactValue], expected: bool) -> None:
    assert holds(source, **facts) is expected


def test_a_flag_set_to_something_other_than_true_does_not_hold() -> None:
    assert holds("tenant", tenant="yes") is False
    assert holds("capacity_kva >= 1", capacity_kva=True) is False


def test_a_condition_keeps_its_source_text() -> None:
    condition = parse_condition("tenant  and not dual_source", FACTS)
    assert str(condition) == "tenant  and not dual_source"
    assert repr(condition) == "Condition('tenant  and not dual_source')"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "a condition is empty"),
        ("tenent", "unknown fact 'tenent'; known facts are applicant_is_agent, "),
        ("and", "unknown fact 'and'"),
        ("tenant and", "ends too early"),
        ("(tenant or dual_source", "ends too early"),
        ("(tenant or dual_source tenant", "missing ')'"),
        ("tenant)", "unexpected ')'"),
        ("business_type", "business_type is a text fact; compare it, e.g. business_type == ..."),
        ("capacity_kva", "capacity_kva is a number fact; compare it, e.g. capacity_kva >= 100"),
        ("capacity_kva >= x1", "capacity_kva is compared with a number, not 'x1'"),
        ("business_type >= new", "business_type >= new is not allowed"),
        ("tenant == 1", "tenant is a yes/no fact; write tenant or not tenant"),
        ("tenant = 1", "cannot read '= 1'"),
    ],
)
def test_a_bad_condition_is_refused_precisely(source: str, message: str) -> None:
    with pytest.raises(ConditionSyntaxError) as raised:
        parse_condition(source, FACTS)
    assert message in str(raised.value)
