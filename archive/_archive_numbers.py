"""档号 (archive numbers): their pattern, and allocating them per year without gaps.

The default pattern ``{fonds}-YK-{year}-{retention}-{number:04d}`` gives
``0412-YK-2026-Y-0001``: 全宗号, the 业扩 class, 年度, 保管期限代码 and 件号. The 件号 counts per
year from 1, and is taken from ``archive_counters`` inside the archiving transaction, so a
number is used only if the archiving commits: a rolled-back archiving leaves no gap. On
PostgreSQL the counter row is locked by the UPDATE that counts, so concurrent archivings wait for
each other; SQLite serialises writers itself.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from archive._errors import ConflictError
from archive._vocabulary import Retention
from archive.db._models import ArchiveCounter
from core import Settings, SettingsError

_FIELDS = frozenset({"fonds", "year", "retention", "number"})


@dataclass(frozen=True)
class ArchiveNumberPattern:
    """How archive numbers are written (``YEKUO_ARCHIVE_NO_PATTERN``) and the 全宗号."""

    pattern: str
    fonds: str

    def __post_init__(self) -> None:
        names = {name for _, name, _, _ in string.Formatter().parse(self.pattern) if name}
        if "number" not in names or "year" not in names or not names <= _FIELDS:
            raise SettingsError(
                f"YEKUO_ARCHIVE_NO_PATTERN={self.pattern!r} must name {{year}} and {{number}} "
                "and may name only {fonds}, {year}, {retention} and {number}, e.g. "
                "{fonds}-YK-{year}-{retention}-{number:04d}"
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> ArchiveNumberPattern:
        """The pattern of ``YEKUO_ARCHIVE_NO_PATTERN`` and ``YEKUO_ARCHIVE_FONDS``."""
        return cls(pattern=settings.archive_no_pattern, fonds=settings.archive_fonds)

    def format(self, *, year: int, retention: Retention, number: int) -> str:
        """The archive number of 件号 ``number`` of ``year``."""
        return self.pattern.format(
            fonds=self.fonds, year=year, retention=retention.code, number=number
        )

    def matcher(self) -> re.Pattern[str]:
        """A regular expression an archive number of this pattern matches, with groups
        ``year`` and ``number`` (for the 四性检测 of a package)."""
        parts = []
        for literal, name, _spec, _ in string.Formatter().parse(self.pattern):
            parts.append(re.escape(literal))
            if name == "fonds":
                parts.append(re.escape(self.fonds))
            elif name == "retention":
                parts.append("(?:Y|D30|D10)")
            elif name:
                parts.append(f"(?P<{name}>[0-9]+)")
        return re.compile("^" + "".join(parts) + "$")


def allocate_number(session: Session, *, year: int) -> int:
    """The next 件号 of ``year``, counted in this transaction (the caller commits).

    The increment is one UPDATE in the database (``last_number + 1``), never a value read
    and written back, so two archivings cannot take the same number: the UPDATE locks the
    counter row (PostgreSQL) or the database (SQLite) until the transaction ends.
    """
    for _ in range(2):
        if _increment(session, year):
            return session.scalars(
                select(ArchiveCounter.last_number).where(ArchiveCounter.year == year)
            ).one()
        try:
            with session.begin_nested():
                session.add(ArchiveCounter(year=year, last_number=1))
        except IntegrityError:
            continue  # another archiving created the year's row first: increment it
        return 1
    raise ConflictError(
        f"the archive number counter of {year} could not be taken; archive the case again"
    )


def _increment(session: Session, year: int) -> bool:
    done = session.execute(
        update(ArchiveCounter)
        .where(ArchiveCounter.year == year)
        .values(last_number=ArchiveCounter.last_number + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(done, "rowcount", 0))
