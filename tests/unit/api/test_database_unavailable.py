"""The database going away is an outage (503 ``database_unavailable``), not a bug (500)."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api._errors import install_error_handlers


def test_a_database_that_cannot_be_reached_answers_503_saying_to_try_again(
    tmp_path: Path,
) -> None:
    # A real SQLite error: the database file's directory does not exist.
    engine = create_engine(f"sqlite:///{tmp_path / 'gone' / 'yekuo.db'}")
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/cases")
    def cases() -> list[str]:
        with engine.connect() as connection:
            return list(connection.execute(text("SELECT case_no FROM cases")).scalars())

    with TestClient(app, raise_server_exceptions=False) as client:
        answer = client.get("/cases")
    assert answer.status_code == 503
    body = answer.json()
    assert body["code"] == "database_unavailable"
    assert "unable to open database file" in body["message"]
    assert "try it again in a minute" in body["message"]
