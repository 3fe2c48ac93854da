"""The JSON API under ``/api/v1`` (and the health check at the root)."""

from fastapi import APIRouter

from api.routes.admin import router as admin_router
from api.routes.archiving import router as archiving_router
from api.routes.auth import router as auth_router
from api.routes.cases import router as cases_router
from api.routes.documents import router as documents_router
from api.routes.duties import router as duties_router
from api.routes.health import router as health_router
from api.routes.lending import router as lending_router
from api.routes.reports import router as reports_router
from api.routes.review import router as review_router
from api.routes.search import router as search_router

API_PREFIX = "/api/v1"

router = APIRouter(prefix=API_PREFIX)
"""Every JSON route, under ``API_PREFIX``."""

for _api_router in (
    cases_router,
    documents_router,
    admin_router,
    auth_router,
    search_router,
    review_router,
    archiving_router,
    lending_router,
    reports_router,
    duties_router,
):
    router.include_router(_api_router)

__all__ = ["API_PREFIX", "health_router", "router"]
