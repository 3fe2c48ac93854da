"""FastAPI dependencies: the backends of this app, a session per request, the actor."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from archive import Actor, Database, ObjectStore, Permission, authenticate
from core import Settings

_bearer = HTTPBearer(auto_error=False, description="An API token from `yekuo token create`")


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


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """A session for one request, rolled back if the route did not commit."""
    session = database.session()
    try:
        yield session
    finally:
        session.close()


def get_actor(
    session: Annotated[Session, Depends(get_session)],
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Actor:
    """The actor behind the bearer token (401 if none or unknown)."""
    return authenticate(session, credentials.credentials if credentials else None)


def require(permission: Permission) -> Callable[[Actor], Actor]:
    """A dependency giving the actor if their role grants ``permission``, else 403."""

    def dependency(actor: Annotated[Actor, Depends(get_actor)]) -> Actor:
        actor.require(permission)
        return actor

    return dependency


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[ObjectStore, Depends(get_object_store)]
DatabaseDep = Annotated[Database, Depends(get_database)]
