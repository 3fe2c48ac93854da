"""The stage gate: refused with the check, passed when ready, overridden with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from sqlalchemy import select, text

from archive import (
    SYSTEM,
    Actor,
    AuditEvent,
    Database,
    Role,
    Stage,
    StageGateError,
    ValidationError,
    advance_case,
    case_review_fields,
    load_rule_book,
    next_stage,
    rule_set_for,
)
from tests.unit.archive.rules.test_rules_cases import (
    CONNECTION,
    PERSON_APPLICATION,
    add_documents,
    make_case,
    open_session,
)

REVIEWER = Actor(name="reviewer-1", role=Role.reviewer)


def test_the_gate_refuses_with_the_check_then_passes_with_an_override(database_url: str) -> None:
    book = load_rule_book()
    with open_session(database_url) as session:
        case = make_case(session)
        rule_set = rule_set_for(book, case)
        add_documents(session, case, PERSON_APPLICATION[:2])
        with pytest.raises(StageGateError) as refused:
            advance_case(
                session,
                case,
                to=Stage.connection,
                override_reason=None,
                rule_set=rule_set,
                actor=REVIEWER,
            )
        assert [m.rule for m in refused.value.check.missing] == ["property_proof"]
        assert "missing property_proof" in refused.value.message
        with pytest.raises(StageGateError):
            advance_case(
                session,
                case,
                to=Stage.connection,
                override_reason=" ok ",
                rule_set=rule_set,
                actor=REVIEWER,
            )
        assert case.stage == "application"
        transition = advance_case(
            session,
            case,
            to=Stage.connection,
            override_reason="产权证明原件在档案室，已核对",
            rule_set=rule_set,
            actor=REVIEWER,
        )
        assert case.stage == "connection"
        assert case.stage_entered_at == transition.at
        assert transition.outstanding == {"missing": ["property_proof"], "open_errors": []}
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "case.override")
        ).one()
        assert (event.actor, event.before, (event.after or {})["override_reason"]) == (
            "reviewer-1",
            {"stage": "application"},
            "产权证明原件在档案室，已核对",
        )
        shown = case_review_fields(case, rule_set=rule_set, today=dt.date(2025, 3, 10))
        assert [(o.from_stage, o.to_stage, o.actor) for o in shown["overrides"]] == [
            (Stage.application, Stage.connection, "reviewer-1")
        ]


def test_a_ready_case_advances_without_a_reason_and_is_not_an_override(database_url: str) -> None:
    book = load_rule_book()
    with open_session(database_url) as session:
        case = make_case(session)
        rule_set = rule_set_for(book, case)
        add_documents(session, case, [*PERSON_APPLICATION, ("site_survey_record", {}), *CONNECTION])
        transition = advance_case(
            session,
            case,
            to=Stage.connection,
            override_reason=None,
            rule_set=rule_set,
            actor=SYSTEM,
        )
        assert transition.override_reason is None
        assert next_stage(case, rule_set) is Stage.archived
        with pytest.raises(ValidationError, match="is archived by POST /api/v1/cases/"):
            advance_case(
                session,
                case,
                to=Stage.archived,
                override_reason=None,
                rule_set=rule_set,
                actor=SYSTEM,
            )
        shown = case_review_fields(case, rule_set=rule_set, today=dt.date(2025, 3, 10))
        assert (shown["facts"], shown["rules_version"], shown["overrides"]) == ({}, "2023.12", [])
        actions = session.scalars(select(AuditEvent.action).where(AuditEvent.entity_type == "case"))
        assert list(actions) == ["case.create", "case.advance"]


def test_only_the_next_stage_of_the_flow(database_url: str) -> None:
    book = load_rule_book()
    with open_session(database_url) as session:
        case = make_case(session, category="high_voltage")
        rule_set = rule_set_for(book, case)
        assert next_stage(case, rule_set) is Stage.supply_plan
        with pytest.raises(
            ValidationError, match="can only advance to supply_plan, not connection"
        ):
            advance_case(
                session,
                case,
                to=Stage.connection,
                override_reason="skip",
                rule_set=rule_set,
                actor=SYSTEM,
            )
        case.stage = "design_review"  # the case is not special: its flow has no design review
        with pytest.raises(ValidationError, match=r"which its flow .* no longer has"):
            next_stage(case, rule_set)


def test_migration_0003_keeps_existing_cases(database_url: str) -> None:
    with Database(database_url) as database:
        config = database._alembic_config()
        command.upgrade(config, "0002")
        with database.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO customers (id, name, address, phone) VALUES (1, '王小明', '', '')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO cases (id, case_no, category, business_type, capacity_kva, stage,"
                    " customer_id, accepted_on, stage_entered_at, created_at, updated_at) VALUES"
                    " (1, 'OLD-1', 'residential', 'new', 8, 'application', 1, '2025-03-03',"
                    " '2025-03-03 01:00:00', '2025-03-03 01:00:00', '2025-03-03 01:00:00')"
                )
            )
        database.upgrade()
        with database.engine.connect() as connection:
            row = connection.execute(text("SELECT facts, rules_version FROM cases")).one()
        assert row.facts in ("{}", {})  # SQLite gives the JSON text, PostgreSQL the value
        assert row.rules_version is None
