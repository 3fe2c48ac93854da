"""档号: the pattern, and per-year numbers without gaps (a rolled-back archiving takes none)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from archive._archive_numbers import ArchiveNumberPattern, allocate_number
from archive._digests import sm3_hex
from archive._vocabulary import Retention
from archive.db import Database
from core import SettingsError
from tests.unit.archive.rules.test_rules_cases import open_session

DEFAULT = ArchiveNumberPattern(pattern="{fonds}-YK-{year}-{retention}-{number:04d}", fonds="0412")


def test_the_default_pattern_writes_the_example_of_the_issue() -> None:
    number = DEFAULT.format(year=2026, retention=Retention.permanent, number=1)
    assert number == "0412-YK-2026-Y-0001"
    assert (
        DEFAULT.format(year=2026, retention=Retention.years_10, number=12)
        == "0412-YK-2026-D10-0012"
    )
    match = DEFAULT.matcher().match(number)
    assert match is not None
    assert (match["year"], match["number"]) == ("2026", "0001")
    assert DEFAULT.matcher().match("0413-YK-2026-Y-0001") is None


@pytest.mark.parametrize("pattern", ["{fonds}-{year}", "{year}-{number}-{case_no}"])
def test_a_pattern_without_year_and_number_or_with_unknown_fields_is_refused(pattern: str) -> None:
    with pytest.raises(SettingsError, match="YEKUO_ARCHIVE_NO_PATTERN"):
        ArchiveNumberPattern(pattern=pattern, fonds="0412")


def test_numbers_count_per_year_and_a_rolled_back_one_is_given_again(database_url: str) -> None:
    with open_session(database_url) as session:
        assert [allocate_number(session, year=2026) for _ in range(3)] == [1, 2, 3]
        assert allocate_number(session, year=2027) == 1
        session.commit()
        assert allocate_number(session, year=2026) == 4
        session.rollback()
        assert allocate_number(session, year=2026) == 4


def test_sm3_matches_the_example_of_gb_t_32905() -> None:
    assert sm3_hex(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_concurrent_archivings_take_distinct_numbers_without_gaps(database_url: str) -> None:
    # Each thread holds the year's counter row until it commits; the others wait for it.
    with Database(database_url) as database:
        database.upgrade()

        def take(_: int) -> int:
            with database.transaction() as session:
                return allocate_number(session, year=2030)

        with ThreadPoolExecutor(max_workers=4) as pool:
            taken = list(pool.map(take, range(8)))
    assert sorted(taken) == list(range(1, 9))
