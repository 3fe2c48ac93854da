"""Loading and validating rule files: broken files fail with the file, the line and the problem."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from archive import (
    BusinessType,
    Category,
    Retention,
    RuleSetError,
    Stage,
    ValidationError,
    load_rule_book,
    parse_rule_book,
    rule_set_for,
)
from archive.rules._model import RuleBook
from tests.unit.archive.rules.test_rules_cases import make_case, open_session

FLOWS = """\
    flows:
      - category: residential
        business_types: [new, capacity_increase, temporary]
        stages:
          - stage: application
            time_limit_days: 2
            requires:
              - rule: application_form
                label_zh: 用电申请表
                documents: [application_form]
          - stage: connection
            time_limit_days:
              - days: 5
                when: tenant
              - days: 3
          - stage: archived
      - category: low_voltage
        business_types: [new, capacity_increase, temporary]
        stages:
          - stage: application
          - stage: archived
      - category: high_voltage
        business_types: [new, capacity_increase, temporary]
        stages:
          - stage: application
          - stage: design_review
            when: capacity_kva >= 315
          - stage: archived
"""


def rule_file(flows: str = FLOWS, *, versions: str = "") -> str:
    """A small valid rule file (one version), or with ``versions`` extra ones."""
    return (
        "facts:\n  tenant:\n    label_zh: 租赁用电\n"
        "versions:\n"
        '  - version: "2024.1"\n'
        "    effective_from: 2024-06-01\n" + flows + versions
    )


def problem(text: str) -> str:
    with pytest.raises(RuleSetError) as raised:
        parse_rule_book(text, source="utility.yaml")
    return raised.value.message


def line_of(text: str, needle: str) -> int:
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_the_shipped_rules_cover_every_category_and_business_type() -> None:
    book = load_rule_book()
    rule_set = book.versions[0]
    for category in Category:
        for business_type in BusinessType:
            flow = rule_set.flow_for(category, business_type)
            assert flow.stages[0].stage is Stage.application
            assert flow.stages[-1].stage is Stage.archived
    assert {"commitment_letter", "lease_contract"} <= book.doc_types


def test_a_special_high_voltage_customer_passes_design_review_and_inspection() -> None:
    flow = load_rule_book().versions[0].flow_for("high_voltage", "new")
    facts: dict[str, bool | float | str] = {"special_customer": False}
    ordinary = [s.stage for s in flow.stages_for(facts)]
    special = [s.stage for s in flow.stages_for({"special_customer": True})]
    assert Stage.design_review not in ordinary
    assert special == [
        Stage.application,
        Stage.supply_plan,
        Stage.design_review,
        Stage.intermediate_inspection,
        Stage.completion_acceptance,
        Stage.connection,
        Stage.archived,
    ]


def test_a_dual_source_supply_plan_gets_the_longer_time_limit() -> None:
    flow = load_rule_book().versions[0].flow_for("high_voltage", "new")
    plan = next(s for s in flow.stages if s.stage is Stage.supply_plan)
    assert plan.time_limit({"dual_source": True}) == 20
    assert plan.time_limit({}) == 10


def test_a_small_file_loads() -> None:
    book = parse_rule_book(rule_file(), source="utility.yaml")
    connection = book.versions[0].flows[0].stages[1]
    assert connection.time_limit({"tenant": True}) == 5
    assert connection.time_limit({"tenant": False}) == 3
    design = book.versions[0].flows[2].stages[1]
    assert design.applies({"capacity_kva": 400.0}) is True
    assert design.applies({"capacity_kva": 200.0}) is False


def test_an_unknown_document_type_names_the_file_the_line_and_the_type() -> None:
    text = rule_file(FLOWS.replace("documents: [application_form]", "documents: [passport]"))
    message = problem(text)
    assert f"utility.yaml:{line_of(text, 'passport')}:" in message
    assert "versions.0.flows.0.stages.0.requires.0.documents:" in message
    assert "unknown document type 'passport'" in message


def test_a_misspelt_fact_in_a_condition_is_refused() -> None:
    text = rule_file(FLOWS.replace("when: tenant", "when: tenent"))
    message = problem(text)
    assert f"utility.yaml:{line_of(text, 'tenent')}:" in message
    assert "unknown fact 'tenent'" in message
    assert "known facts are" in message
    assert "tenant" in message


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("capacity_kva", "capacity_kva is a number fact"),
        ("tenant >= 3", "tenant is a yes/no fact"),
        ("capacity_kva >= big", "compared with a number"),
        ("category == farm", "use == or != with one of"),
        ("tenant tenant", "unexpected 'tenant'"),
        ("(tenant", "ends too early"),
        ("tenant & capacity_kva", "cannot read '&"),
    ],
)
def test_a_bad_condition_says_what_is_wrong(condition: str, expected: str) -> None:
    text = rule_file(FLOWS.replace("when: capacity_kva >= 315", f'when: "{condition}"'))
    message = problem(text)
    assert f"utility.yaml:{line_of(text, condition)}:" in message
    assert expected in message


def test_a_flow_missing_its_archived_stage_is_refused() -> None:
    broken = FLOWS.replace(
        "          - stage: application\n          - stage: archived\n",
        "          - stage: application\n          - stage: connection\n",
    )
    text = rule_file(broken)
    message = problem(text)
    assert f"utility.yaml:{line_of(text, '- category: low_voltage')}:" in message
    assert "must start with stage application and end with stage archived" in message


def test_an_unknown_stage_is_refused() -> None:
    text = rule_file(FLOWS.replace("stage: design_review", "stage: design"))
    message = problem(text)
    assert f"utility.yaml:{line_of(text, 'stage: design')}:" in message
    assert "stage: Input should be" in message


def test_stages_out_of_order_are_refused() -> None:
    text = rule_file(
        FLOWS.replace(
            "          - stage: design_review\n            when: capacity_kva >= 315\n"
            "          - stage: archived\n",
            "          - stage: connection\n          - stage: design_review\n"
            "          - stage: archived\n",
        )
    )
    assert "out of order or twice" in problem(text)


def test_a_business_type_without_a_flow_is_refused() -> None:
    text = rule_file(FLOWS.replace("[new, capacity_increase, temporary]\n", "[new]\n", 1))
    message = problem(text)
    assert f"utility.yaml:{line_of(text, '- version:')}: versions.0:" in message
    assert "no flow for residential/capacity_increase, residential/temporary" in message


def test_unknown_keys_and_bad_yaml_are_refused_with_their_line() -> None:
    text = rule_file(FLOWS.replace("count_me: 1", "").replace("label_zh: 用电申请表", "lable: x"))
    message = problem(text)
    assert f"utility.yaml:{line_of(text, 'lable: x')}:" in message
    assert "Extra inputs are not permitted" in message
    assert "label_zh: Field required" in message
    broken_yaml = "versions:\n  - version: [1\n"
    assert problem(broken_yaml).startswith("utility.yaml:3: not valid YAML")
    assert problem("- a list\n") == "utility.yaml:1: a rule file is a mapping with versions: [...]"


def test_versions_must_be_distinct() -> None:
    same = '  - version: "2024.1"\n    effective_from: 2025-01-01\n' + FLOWS
    assert "own version name and effective_from" in problem(rule_file(versions=same))


def versioned_book() -> RuleBook:
    later = '  - version: "2025.1"\n    effective_from: 2025-01-01\n' + FLOWS
    return parse_rule_book(rule_file(versions=later), source="utility.yaml")


def test_a_case_follows_the_version_in_force_when_it_was_accepted(database_url: str) -> None:
    book = versioned_book()
    assert book.in_force_on(dt.date(2024, 12, 31)).version == "2024.1"  # type: ignore[union-attr]
    assert book.in_force_on(dt.date(2025, 1, 1)).version == "2025.1"  # type: ignore[union-attr]
    assert book.in_force_on(dt.date(2024, 5, 31)) is None
    with open_session(database_url) as session:
        older = make_case(session, case_no="OLD", accepted_on=dt.date(2024, 7, 1))
        newer = make_case(session, case_no="NEW", accepted_on=dt.date(2025, 3, 1))
        assert rule_set_for(book, older).version == "2024.1"
        assert rule_set_for(book, newer).version == "2025.1"
        older.rules_version = "2025.1"
        assert rule_set_for(book, older).version == "2025.1"


def test_a_case_accepted_before_every_version_is_an_error_not_a_pass(database_url: str) -> None:
    book = versioned_book()
    with open_session(database_url) as session:
        case = make_case(session, accepted_on=dt.date(2023, 1, 5))
        with pytest.raises(ValidationError, match="no rule version was in force on 2023-01-05"):
            rule_set_for(book, case)
        case.rules_version = "1999"
        with pytest.raises(ValidationError, match="no longer has"):
            rule_set_for(book, case)


def test_a_utility_file_is_loaded_from_its_path(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(rule_file(), encoding="utf-8")
    assert load_rule_book(path).versions[0].version == "2024.1"
    with pytest.raises(RuleSetError, match=r"cannot read the rule file .*YEKUO_RULES_FILE"):
        load_rule_book(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    text = rule_file().replace("2024-06-01", "someday")
    broken.write_text(text, "utf-8")
    line = line_of(text, "someday")
    with pytest.raises(RuleSetError, match=f"{broken}:{line}: versions.0.effective_from"):
        load_rule_book(broken)


def test_retention_is_per_document_type_with_a_default() -> None:
    book = load_rule_book()
    assert book.retention_of("supply_contract") is Retention.permanent
    assert book.retention_of("id_card") is Retention.years_10
    assert book.retention_of("site_survey_record") is Retention.years_30  # the default
    assert parse_rule_book(rule_file(), source="u.yaml").retention_of("id_card") is (
        Retention.permanent  # a file without retention keeps everything
    )


def test_retention_of_an_unknown_type_or_period_is_refused() -> None:
    unknown = "retention:\n  passport: 10y\n" + rule_file()
    assert "retention names unknown document type 'passport'" in problem(unknown)
    period = "retention:\n  id_card: 5y\n" + rule_file()
    assert f"utility.yaml:{line_of(period, '5y')}: retention.id_card:" in problem(period)
