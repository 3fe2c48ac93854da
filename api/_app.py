"""The FastAPI application: backends opened at start-up, routes under /api/v1."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI
from starlette.types import ASGIApp

from api._docs import router as docs_router
from api._errors import install_error_handlers
from api._headers import SecurityHeadersMiddleware
from api._input import refuse_control_characters
from api._openapi import describe_errors
from api._privacy import MaskCitizenIdsMiddleware
from api.routes import health_router
from api.routes import router as api_router
from api.web import router as web_router
from archive import (
    ObjectStore,
    load_audit_key,
    load_rule_book,
    open_database,
    open_directory,
    open_object_store,
    remove_orphaned_temporaries,
)
from core import Settings, get_settings
from search import SearchIndex, open_search_index
from worker import SHUTDOWN_SECONDS, IntakeQueue, QueueConsumer, background_watch, worker_parts


class _YekuoApp(FastAPI):
    """FastAPI with the security headers and the citizen-ID mask outermost, on error answers
    (500 included) too."""

    def build_middleware_stack(self) -> ASGIApp:
        """Starlette's stack, inside the security headers and citizen-ID masking middlewares.

        ``add_middleware`` would place it inside the server-error middleware, whose 500
        answers would then go out without the headers.
        """
        return SecurityHeadersMiddleware(MaskCitizenIdsMiddleware(super().build_middleware_stack()))

    def openapi(self) -> dict[str, Any]:
        """FastAPI's schema, with every operation's error answers stated (``api._openapi``)."""
        if self.openapi_schema is None:
            describe_errors(super().openapi())
        return super().openapi()


def create_app(
    settings: Settings | None = None,
    *,
    object_store: ObjectStore | None = None,
    search_index: SearchIndex | None = None,
    clock: Callable[[], dt.datetime] | None = None,
) -> FastAPI:
    """A yekuo app on the given settings (the environment's by default).

    The database is migrated and the object store opened when the app starts, intake
    workers start in-process unless ``intake_in_process`` is off, the watched folder is
    polled when ``watch_dir`` is set, and all are closed when it stops. ``object_store`` and
    ``search_index`` replace the ones the settings choose (tests use them to inject faults
    through the interfaces). ``clock`` tells the time where a rule depends on it (a loan's
    end; default the system's UTC time); tests move it.
    """
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        remove_orphaned_temporaries(settings.resolved_tmp_dir)
        app.state.audit_key = load_audit_key(settings.resolved_audit_key_file)
        load_rule_book(settings.rules_file)  # a broken rule file stops start-up, with its line
        database = open_database(settings)
        database.upgrade()
        store = object_store or open_object_store(settings)
        app.state.settings, app.state.database, app.state.object_store = settings, database, store
        app.state.directory = open_directory(settings)
        app.state.clock = clock or (lambda: dt.datetime.now(dt.UTC))
        app.state.search_index = index = search_index or open_search_index(settings)
        in_process = settings.intake_in_process and settings.intake_workers > 0
        parts = worker_parts(settings, database=database, store=store, index=index)
        app.state.intake_queue = queue = IntakeQueue(settings, parts=parts if in_process else None)
        watch = background_watch(settings, database=database, store=store, queue=queue)
        workers: QueueConsumer | None = None
        if in_process:
            workers = queue.consumer(
                threads=settings.intake_workers, shutdown_seconds=SHUTDOWN_SECONDS
            )
            workers.start()
        if watch is not None:
            watch.start()
        try:
            yield
        finally:
            if watch is not None:
                watch.stop()
            if workers is not None:
                workers.stop()
            queue.close()
            index.close()
            store.close()
            database.close()

    app = _YekuoApp(
        title="yekuo",
        summary="业扩报装 document and archive system",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by api._docs from local files, not a CDN
        redoc_url=None,
        dependencies=[Depends(refuse_control_characters)],
    )
    install_error_handlers(app)
    app.include_router(api_router)
    app.include_router(health_router)
    app.include_router(docs_router)
    app.include_router(web_router)
    return app
