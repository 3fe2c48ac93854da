"""The FastAPI application: backends opened at start-up, routes under /api/v1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api._errors import install_error_handlers
from api._routes_admin import router as admin_router
from api._routes_cases import router as cases_router
from api._routes_documents import router as documents_router
from api._routes_pages import router as pages_router
from archive import ObjectStore, open_database, open_object_store
from core import Settings, get_settings

API_PREFIX = "/api/v1"


def create_app(
    settings: Settings | None = None, *, object_store: ObjectStore | None = None
) -> FastAPI:
    """A yekuo app on the given settings (the environment's by default).

    The database is migrated and the object store opened when the app starts, and both are
    closed when it stops. ``object_store`` replaces the one the settings choose (tests use
    it to inject faults through the interface).
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        database = open_database(settings)
        database.upgrade()
        store = object_store or open_object_store(settings)
        app.state.settings, app.state.database, app.state.object_store = settings, database, store
        try:
            yield
        finally:
            store.close()
            database.close()

    app = FastAPI(
        title="yekuo",
        summary="业扩报装 document and archive system",
        version="0.1.0",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    for router in (cases_router, documents_router, admin_router):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(pages_router)
    return app
