"""Pages show timestamps in China time, whatever time zone the server runs in."""

from __future__ import annotations

import datetime as dt

import pytest

from api.web.render import local_time


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (dt.datetime(2026, 12, 2, 18, 1, tzinfo=dt.UTC), "2026-12-03 02:01"),
        (dt.datetime(2026, 12, 2, 18, 1), "2026-12-03 02:01"),  # naive: stored as UTC
        (
            dt.datetime(2026, 12, 3, 2, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))),
            "2026-12-03 02:01",
        ),
        (None, ""),
    ],
)
def test_a_timestamp_is_shown_in_china_time(stored: dt.datetime | None, shown: str) -> None:
    assert local_time(stored) == shown
