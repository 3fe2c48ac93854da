"""Schemas of stage duties: who answers for a stage, its stays, and changing the duty."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from archive._schemas import Line
from archive._vocabulary import Stage


class StageStayPublic(BaseModel):
    """One stay of a case in a stage: entered, left, who answered for it, and its time limit."""

    stage: Stage
    entered_at: dt.datetime
    left_at: dt.datetime | None = Field(description="None while the case is in the stage")
    post: str | None = Field(description="The post (岗位) answering for the stage; None: nobody")
    unit: str | None = Field(description="The unit answering for the stage")
    username: str | None = Field(description="Who holds the duty; None: the post alone")
    display_name: str | None
    time_limit_days: int | None = Field(description="Working days allowed, fixed on entry")
    due_on: dt.date | None
    working_days: int = Field(description="Working days spent in the stage (so far, if open)")
    on_time: bool | None = Field(
        description="Left by its due date; None while open and not yet overdue, or no limit"
    )


class CaseStages(BaseModel):
    """Answer of ``GET /cases/{case_no}/stages``: every stay, oldest first."""

    case_no: str
    stage: Stage
    stays: list[StageStayPublic]


class DutyUpdate(BaseModel):
    """Body of ``PUT /cases/{case_no}/duty``: who answers for the case's current stage.

    Without ``username`` the stage goes to whoever holds the post in the unit (or nobody).
    """

    model_config = ConfigDict(extra="forbid")

    post: Line | None = Field(default=None, max_length=32, description="Default: the current")
    unit: Line | None = Field(default=None, max_length=64, description="Default: the current")
    username: Line | None = Field(default=None, max_length=64)


class UnitPostPublic(BaseModel):
    """Who holds a post in a unit."""

    unit: str
    post: str
    username: str
    display_name: str
    assigned_at: dt.datetime
    assigned_by: str
