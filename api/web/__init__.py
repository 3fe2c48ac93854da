"""The web UI: server-rendered zh-CN pages (Jinja2) over the same archive and search services."""

from fastapi import APIRouter

from api.web.audit import router as audit_router
from api.web.case import router as case_router
from api.web.case_records import router as case_records_router
from api.web.cases import router as cases_router
from api.web.corrections import router as corrections_router
from api.web.documents import router as documents_router
from api.web.documents import script_router as documents_script_router
from api.web.duties import router as duties_router
from api.web.fixes import router as fixes_router
from api.web.home import router as home_router
from api.web.lending import router as lending_router
from api.web.reports import router as reports_router
from api.web.search import router as search_router
from api.web.signin import router as signin_router
from api.web.timeliness import router as timeliness_router
from api.web.users import router as users_router

router = APIRouter()
"""Every page of the web UI (none of them in the OpenAPI schema)."""

for _page_router in (
    signin_router,
    home_router,
    cases_router,
    case_records_router,
    case_router,
    corrections_router,
    documents_router,
    documents_script_router,
    fixes_router,
    search_router,
    reports_router,
    audit_router,
    users_router,
    lending_router,
    duties_router,
    timeliness_router,
):
    router.include_router(_page_router)

__all__ = ["router"]
