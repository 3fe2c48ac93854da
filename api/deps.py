"""Every FastAPI dependency of yekuo: the app's backends, a session per request, the actor.

Routes and pages receive what they use as ``Annotated`` parameters (``SessionDep``,
``StoreDep`` ...); nothing else builds a backend or reads ``app.state``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Form, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from api._privacy import reveal_citizen_ids
from api._session import CSRF_FIELD, CSRF_HEADER, SESSION_COOKIE, check_csrf
from archive import (
    Actor,
    ArchiveNumberPattern,
    Database,
    Directory,
    ObjectStore,
    Permission,
    RuleBook,
    bearer_actor,
    load_rule_book,
    session_actor,
)
from core import Settings
from search import SearchIndex
from worker import IntakeQueue

_bearer = HTTPBearer(
    auto_error=False,
    description="An API token from `yekuo token create`, or a session token from "
    "POST /api/v1/auth/login",
)


def get_settings(request: Request) -> Settings:
    """The settings this app was built with."""
    settings: Settings = request.app.state.settings
    return settings


def get_database(request: Request) -> Database:
    """The relational store of this app."""
    database: Database = request.app.state.database
    return database


def get_object_store(request: Request) -> ObjectStore:
    """The object store of this app."""
    store: ObjectStore = request.app.state.object_store
    return store


def get_search_index(request: Request) -> SearchIndex:
    """The search index of this app."""
    index: SearchIndex = request.app.state.search_index
    return index


def get_intake_queue(request: Request) -> IntakeQueue:
    """The intake queue of this app (routes send the messages of what they queue)."""
    queue: IntakeQueue = request.app.state.intake_queue
    return queue


def get_directory(request: Request) -> Directory | None:
    """The directory people may sign in through, or None (local accounts only)."""
    directory: Directory | None = request.app.state.directory
    return directory


def get_audit_key(request: Request) -> bytes:
    """The key that signs this installation's audit checkpoints."""
    key: bytes = request.app.state.audit_key
    return key


def get_now(request: Request) -> dt.datetime:
    """The current time by this app's clock (UTC): what a loan's end is measured against."""
    now: dt.datetime = request.app.state.clock()
    return now


def get_rule_book(settings: Annotated[Settings, Depends(get_settings)]) -> RuleBook:
    """The rule book of this app: the utility's file if configured, else the shipped one."""
    return load_rule_book(settings.rules_file)


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """A session for one request, rolled back if the route did not commit."""
    session = database.session()
    try:
        yield session
    finally:
        session.close()


def _with_pii(actor: Actor, settings: Settings) -> Actor:
    """``actor`` with ``view_pii`` as ``YEKUO_PII_ROLES`` grants it."""
    return dataclasses.replace(actor, view_pii=actor.role.value in settings.pii_role_set)


def get_actor(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The actor behind the bearer token: an API token or a login's session token (401 if
    none, unknown or ended).

    Its JSON answers carry citizen ID numbers in full only when it has ``view_pii``.
    """
    secret = credentials.credentials if credentials else None
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    actor = _with_pii(bearer_actor(session, secret=secret, idle=idle), settings)
    reveal_citizen_ids(request, actor.can(Permission.view_pii))
    return actor


def require(permission: Permission) -> Callable[[Actor], Actor]:
    """A dependency giving the actor if their role grants ``permission``, else 403."""

    def dependency(actor: Annotated[Actor, Depends(get_actor)]) -> Actor:
        actor.require(permission)
        return actor

    return dependency


def get_page_actor(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Actor:
    """The actor signed in with this browser (UnauthenticatedError if none, ended or idle).

    Pages show citizen ID numbers masked to everyone; one with ``view_pii`` reveals them on a
    page by an explicit, audited request.
    """
    idle = dt.timedelta(minutes=settings.session_idle_minutes)
    actor = _with_pii(
        session_actor(session, secret=request.cookies.get(SESSION_COOKIE), idle=idle), settings
    )
    request.state.actor = actor  # an error page of this request keeps the navigation
    return actor


def get_script_actor(request: Request, actor: Annotated[Actor, Depends(get_page_actor)]) -> Actor:
    """The actor of a page's script request, after checking its CSRF header."""
    check_csrf(request, request.headers.get(CSRF_HEADER))
    return actor


def form_actor(permission: Permission) -> Callable[..., Actor]:
    """A dependency for a page's form post: its CSRF field checked, then ``permission``."""

    def dependency(
        request: Request,
        actor: Annotated[Actor, Depends(get_page_actor)],
        csrf_token: Annotated[str, Form(alias=CSRF_FIELD)] = "",
    ) -> Actor:
        check_csrf(request, csrf_token)
        actor.require(permission)
        return actor

    return dependency


def get_archive_numbers(
    settings: Annotated[Settings, Depends(get_settings)],
) -> ArchiveNumberPattern:
    """How archive numbers (档号) are written here."""
    return ArchiveNumberPattern.from_settings(settings)


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[ObjectStore, Depends(get_object_store)]
DatabaseDep = Annotated[Database, Depends(get_database)]
IndexDep = Annotated[SearchIndex, Depends(get_search_index)]
QueueDep = Annotated[IntakeQueue, Depends(get_intake_queue)]
RulesDep = Annotated[RuleBook, Depends(get_rule_book)]
AuditKeyDep = Annotated[bytes, Depends(get_audit_key)]
DirectoryDep = Annotated[Directory | None, Depends(get_directory)]
ArchiveNumbersDep = Annotated[ArchiveNumberPattern, Depends(get_archive_numbers)]
NowDep = Annotated[dt.datetime, Depends(get_now)]
PageActorDep = Annotated[Actor, Depends(get_page_actor)]
ScriptActorDep = Annotated[Actor, Depends(get_script_actor)]
