"""The response mask: every text answer's citizen ID numbers, unless the request may see them."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.testclient import TestClient

from api._privacy import MaskCitizenIdsMiddleware, mask_body, reveal_citizen_ids
from tests.e2e.helpers import VALID_ID


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/json")
    def as_json(request: Request, reveal: bool = False) -> dict[str, object]:
        reveal_citizen_ids(request, reveal)
        return {"id_number": VALID_ID, "nested": [{"text": f"号码{VALID_ID}。"}]}

    @app.get("/html")
    def as_html() -> HTMLResponse:
        return HTMLResponse(f"<td><code>{VALID_ID}</code></td>")

    @app.get("/binary")
    def as_binary() -> Response:
        return Response(VALID_ID.encode(), media_type="application/octet-stream")

    @app.get("/text")
    def as_text() -> PlainTextResponse:
        return PlainTextResponse("x" * 70_000 + VALID_ID)

    app.add_middleware(MaskCitizenIdsMiddleware)
    return app


def test_json_and_html_answers_are_masked_and_keep_their_length() -> None:
    client = TestClient(_app())
    masked = client.get("/json")
    assert masked.json() == {
        "id_number": "110105********002X",
        "nested": [{"text": "号码110105********002X。"}],
    }
    assert int(masked.headers["content-length"]) == len(masked.content)
    assert client.get("/html").text == "<td><code>110105********002X</code></td>"
    assert client.get("/text").text.endswith("110105********002X")


def test_a_request_marked_for_revealing_and_binary_answers_pass_unchanged() -> None:
    client = TestClient(_app())
    assert client.get("/json", params={"reveal": True}).json()["id_number"] == VALID_ID
    assert client.get("/binary").content == VALID_ID.encode()


def test_mask_body_works_on_utf8_bytes() -> None:
    body = f'{{"t": "身份证{VALID_ID}"}}'.encode()
    assert mask_body(body) == '{"t": "身份证110105********002X"}'.encode()
