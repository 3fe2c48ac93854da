"""Rendering pages: the templates, what every page knows, and errors shown as pages."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Coroutine, Mapping
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import pydantic
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.requests import Request
from starlette.responses import Response

from api._errors import ERROR_STATUS
from api._privacy import citizen_ids_revealed
from api._session import clear_session_cookie, page_csrf
from archive import (
    CASE_FIELD_LABELS_ZH,
    FIELD_LABELS_ZH,
    LABELS_ZH,
    STAGE_LABELS_ZH,
    VALIDATION_MESSAGES_ZH,
    Actor,
    Permission,
    Stage,
    UnauthenticatedError,
    ValidationError,
)
from core import CHINA, YekuoError

log = logging.getLogger("yekuo.web")

E = TypeVar("E", bound=StrEnum)

templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))

_TITLES = {400: "请求有误", 403: "无权操作", 404: "未找到", 409: "冲突", 422: "内容不正确"}
_EXPLANATIONS = {
    400: "请求无法处理，请返回上一页重新操作。",
    403: "您的角色不能进行这项操作，或页面已过期。如需权限，请联系管理员。",
    404: "要找的内容不存在，请核对编号，或从案件列表进入。",
    409: "这项操作与当前状态冲突，请刷新页面查看最新状态后再试。",
    422: "提交的内容不符合要求，请按下面的说明修改后再试。",
}
_SERVER_EXPLANATION = "系统内部出错，已记录日志。请稍后重试；若反复出现，请把下面的说明告诉管理员。"


FINDING_STATUS_ZH = {"open": "待处理", "dismissed": "已排除", "resolved": "已解决"}


def label_zh(code: object) -> str:
    """The Chinese label of a domain code, or the code itself when it has none."""
    if code is None:
        return ""
    if isinstance(code, Stage):
        return STAGE_LABELS_ZH[code]
    return LABELS_ZH.get(str(code), str(code))


def stage_zh(code: object) -> str:
    """The Chinese label of a stage code (``supply_plan`` is also a document type's code)."""
    if code is None:
        return ""
    return STAGE_LABELS_ZH.get(str(code), str(code))


def local_time(value: dt.datetime | None) -> str:
    """A timestamp as the user reads it: China time (as every date yekuo counts), to the
    minute, whatever time zone the server runs in."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def field_zh(name: object) -> str:
    """The Chinese label of a field name: a case record's field by its path (as the case page
    names it), an extracted field by its last part."""
    if name is None:
        return ""
    text = str(name)
    return CASE_FIELD_LABELS_ZH.get(text) or FIELD_LABELS_ZH.get(text.rsplit(".", 1)[-1], text)


def _limit(value: object) -> object:
    """A limit as people write it: 0, not 0.0 (a float field's limits are floats)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def problems_zh(error: pydantic.ValidationError) -> list[str]:
    """A form's validation errors as the page lists them: the field's Chinese label (of the
    nearest labelled part of its path) and what is wrong, never pydantic's English."""
    problems = []
    for item in error.errors():
        path = [str(part) for part in item["loc"]]
        label = next(
            (
                CASE_FIELD_LABELS_ZH[key]
                for key in (".".join(path[:end]) for end in range(len(path), 0, -1))
                if key in CASE_FIELD_LABELS_ZH
            ),
            FIELD_LABELS_ZH.get(path[-1], "") if path else "",
        )
        kind = item["type"]
        context = item.get("ctx") or {}
        if kind == "string_too_short" and context.get("min_length") == 1:
            kind = "missing"
        template = VALIDATION_MESSAGES_ZH.get(kind, "填写的内容不符合要求")
        text = template.format(**{name: _limit(value) for name, value in context.items()})
        problems.append(f"{label}：{text}" if label else text)
    return problems


def is_chinese(text: object) -> bool:
    """Whether a message is (at least partly) written in Chinese, for its ``lang``."""
    return any("\u4e00" <= char <= "\u9fff" for char in str(text))


_EVIDENCE_ZH = (
    ("title mentioned ", "页首提及标题「{}」"),
    ("title ", "标题「{}」"),
    ("labels ", "出现字段标签：{}"),
    ("pattern ", "出现编号格式：{}"),
)
MEDIA_TYPES_ZH = {
    "application/pdf": "PDF 文件",
    "image/jpeg": "JPEG 图像",
    "image/png": "PNG 图像",
    "image/tiff": "TIFF 图像",
}


def evidence_zh(evidence: list[str]) -> list[str]:
    """Why intake chose a document type, as the page says it (the API keeps intake's words);
    a reason written for a developer (a tie of scores, a hint weighed) is left out."""
    said = []
    for item in evidence:
        for prefix, text in _EVIDENCE_ZH:
            if item.startswith(prefix):
                said.append(text.format(item[len(prefix) :]))
                break
    return said


def media_type_zh(media_type: object) -> str:
    """A stored file's format as people name it."""
    return MEDIA_TYPES_ZH.get(str(media_type), "其他格式")


templates.env.filters["zh"] = label_zh
templates.env.filters["evidence_zh"] = evidence_zh
templates.env.filters["media_type_zh"] = media_type_zh
templates.env.filters["stage_zh"] = stage_zh
templates.env.tests["chinese"] = is_chinese
templates.env.filters["field_zh"] = field_zh
templates.env.filters["local_time"] = local_time
templates.env.globals["finding_status_zh"] = FINDING_STATUS_ZH


def optional_choice(choices: type[E], raw: str, *, label: str) -> E | None:
    """A filter's value from a query string where empty means "any"."""
    if not raw:
        return None
    try:
        return choices(raw)
    except ValueError:
        raise ValidationError(f"{label}不是可选的值：请从页面上的列表中选择") from None


def optional_date(raw: str, *, label: str) -> dt.date | None:
    """A date filter (YYYY-MM-DD) from a query string where empty means "any"."""
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValidationError(f"{label}不是日期：请按 YYYY-MM-DD 填写") from None


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    actor: Actor | None,
    status_code: int = 200,
) -> HTMLResponse:
    """A page with what every page needs: the actor, their permissions and the CSRF token."""
    permissions = {p.value for p in Permission if actor is not None and actor.can(p)}
    base = {
        "actor": actor,
        "can": permissions,
        "csrf_token": page_csrf(request),
        "revealed": citizen_ids_revealed(request),
    }
    return templates.TemplateResponse(
        request, template, {**base, **context}, status_code=status_code
    )


def came_from(request: Request) -> str:
    """The page of this site the request was made from (its ``Referer``, which the
    same-origin referrer policy sends), as a path; "" for none, another site's or this one.

    An error page links back to it: the content policy blocks ``javascript:history.back()``.
    """
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc != request.url.netloc or not referer.path.startswith("/"):
        return ""
    target = referer.path + (f"?{referer.query}" if referer.query else "")
    here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "" if target == here or target.startswith("//") else target


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    """An error as a page: a Chinese title and explanation, the detail beneath when it is
    written in Chinese (the English one is the API's), a way back; signed in, the navigation
    and sign-out stay."""
    context: dict[str, Any] = {
        "title": _TITLES.get(status, "出错了"),
        "explanation": _EXPLANATIONS.get(status, _SERVER_EXPLANATION),
        "message": message if is_chinese(message) else "",
        "back": came_from(request),
    }
    actor = getattr(request.state, "actor", None)
    return render(request, "error.html", context, actor=actor, status_code=status)


def _status_of(error: YekuoError) -> int:
    for error_type, status, _code in ERROR_STATUS:
        if isinstance(error, error_type):
            return status
    return 500


def signin_redirect(request: Request) -> RedirectResponse:
    """Back to the sign-in page, remembering where the user was going."""
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    response = RedirectResponse(f"/signin?next={quote(target, safe='')}", status_code=303)
    clear_session_cookie(response)
    return response


class PageRoute(APIRoute):
    """A route whose errors become pages: sign-in when unauthenticated, else an error page."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        """Wrap FastAPI's handler (dependencies included) to turn errors into pages."""
        handler = super().get_route_handler()

        async def page_handler(request: Request) -> Response:
            try:
                return await handler(request)
            except UnauthenticatedError:
                return signin_redirect(request)
            except YekuoError as error:
                status = _status_of(error)
                if status >= 500:
                    log.error("%s %s failed: %s", request.method, request.url.path, error)
                return error_page(request, status, error.message_zh or error.message)
            except RequestValidationError as error:
                names = "、".join(field_zh(item.get("loc", ("",))[-1]) for item in error.errors())
                return error_page(
                    request, 422, f"请求参数不正确：{names}，请从页面上的链接或表单进入"
                )

        return page_handler
