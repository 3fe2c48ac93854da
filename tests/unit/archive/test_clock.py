"""A case's acceptance date is China's date, whatever time zone the server runs in."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Iterator

import pytest

from archive import SYSTEM, CaseCreate, Database, create_case
from core import today_in_china
from tests.e2e.helpers import case_body


@pytest.fixture
def server_zone_on_another_day() -> Iterator[None]:
    """Set the process's time zone to one whose date differs from China's right now."""
    now = dt.datetime.now(dt.UTC)
    china = (now + dt.timedelta(hours=8)).date()
    offset = next(h for h in range(-12, 15) if (now + dt.timedelta(hours=h)).date() != china)
    before = os.environ.get("TZ")
    os.environ["TZ"] = f"Etc/GMT{-offset:+d}"  # POSIX signs are inverted
    time.tzset()
    try:
        assert dt.date.today() != today_in_china()
        yield
    finally:
        if before is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = before
        time.tzset()


@pytest.mark.usefixtures("server_zone_on_another_day")
def test_a_case_without_an_acceptance_date_is_accepted_today_in_china(database: Database) -> None:
    with database.transaction() as session:
        case = create_case(
            session, data=CaseCreate.model_validate(case_body("YK-TZ")), actor=SYSTEM
        )
        assert case.accepted_on == today_in_china()
