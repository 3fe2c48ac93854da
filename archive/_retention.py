"""保管期限 report: which archived cases are due for appraisal (到期鉴定) in a year.

A retention period runs from 1 January of the year after the 年度 in the 档号, so a 件 of 2026
kept 10 years is due for appraisal in 2036. A 件 is kept as long as its longest-kept
document; permanent ones are never due.
"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._archive_numbers import ArchiveNumberPattern
from archive._auth import Actor
from archive._catalogue import case_retention, catalogue
from archive._scope import scoped_cases
from archive._vocabulary import Retention
from archive.db._models import Case
from archive.rules._model import RuleBook


class DueForAppraisal(BaseModel):
    """An archived case whose retention period ends in or before the year asked about."""

    archive_no: str
    case_no: str
    retention: Retention
    archive_year: int = Field(description="年度 of the 档号")
    due_year: int = Field(description="The year its retention period ends")


def due_for_appraisal(
    session: Session, *, year: int, book: RuleBook, pattern: ArchiveNumberPattern, actor: Actor
) -> list[DueForAppraisal]:
    """Every archived case ``actor`` sees due for appraisal by the end of ``year``, earliest
    first."""
    matcher = pattern.matcher()
    due = []
    archived = scoped_cases(session, select(Case).where(Case.archive_no.is_not(None)), actor=actor)
    for case in session.scalars(archived).unique():
        retention = case_retention(catalogue(case, book=book))
        match = matcher.match(case.archive_no or "")
        archive_year = int(match.group("year")) if match else _year(case.archived_at)
        if retention.years is not None and archive_year + retention.years <= year:
            due.append(
                DueForAppraisal(
                    archive_no=case.archive_no or "",
                    case_no=case.case_no,
                    retention=retention,
                    archive_year=archive_year,
                    due_year=archive_year + retention.years,
                )
            )
    return sorted(due, key=lambda d: (d.due_year, d.archive_no))


def _year(moment: dt.datetime | None) -> int:
    return moment.year if moment is not None else dt.date.today().year
