"""A thin client for the API tests, and synthetic files to upload."""

from __future__ import annotations

import io
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx2 as httpx
from fastapi.testclient import TestClient
from PIL import Image

from archive import Role
from core import Settings

API = "/api/v1"
VALID_ID = "11010519491231002X"
VALID_CREDIT_CODE = "91310110666007217T"
YEKUO = str(Path(sys.executable).with_name("yekuo"))


def run_yekuo(
    settings: Settings, *args: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    """The command line in a child process on this test's backends: its environment holds
    only the test's own YEKUO_ settings, never the developer's."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("YEKUO_")}
    env |= {
        "YEKUO_DATA_DIR": str(settings.data_dir),
        "YEKUO_DATABASE_URL": settings.resolved_database_url,
        "YEKUO_INTAKE_IN_PROCESS": "false",
    }
    return subprocess.run(
        [YEKUO, *args],
        env=env,
        cwd=settings.data_dir.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


class ApiClient:
    """Calls the API as a given role."""

    def __init__(self, client: TestClient, tokens: dict[Role, str]) -> None:
        self.http = client
        self.tokens = tokens

    def headers(self, role: Role | None) -> dict[str, str]:
        """The Authorization header of a role (none for None)."""
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}

    def request(self, method: str, path: str, role: Role | None, **kwargs: Any) -> httpx.Response:
        """One request under /api/v1 as ``role``."""
        return self.http.request(method, API + path, headers=self.headers(role), **kwargs)

    def create_case(self, case_no: str = "YK-001", **overrides: Any) -> httpx.Response:
        """Create a residential case as the archivist."""
        return self.request("POST", "/cases", Role.archivist, json=case_body(case_no, **overrides))

    def upload(
        self,
        case_no: str,
        content: bytes,
        *,
        filename: str = "scan.png",
        role: Role = Role.archivist,
        doc_type: str | None = None,
    ) -> httpx.Response:
        """Upload bytes to a case."""
        data = {"doc_type": doc_type} if doc_type else None
        return self.request(
            "POST",
            f"/cases/{case_no}/documents",
            role,
            files={"file": (filename, content)},
            data=data,
        )


def case_body(case_no: str, **overrides: Any) -> dict[str, Any]:
    """A valid case creation body."""
    body: dict[str, Any] = {
        "case_no": case_no,
        "category": "residential",
        "business_type": "new",
        "capacity_kva": 8,
        "customer": {"name": "王小明", "id_number": VALID_ID, "address": "北京市朝阳区光华路1号"},
        "legal_representative": None,
    }
    body.update(overrides)
    return body


def png_bytes(seed: int = 0, size: tuple[int, int] = (64, 48)) -> bytes:
    """A small real PNG, different for each seed."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def pdf_bytes() -> bytes:
    """A minimal one-page PDF."""
    out = io.BytesIO()
    Image.new("RGB", (100, 140), "white").save(out, format="PDF")
    return out.getvalue()


def red_pixels(image: Image.Image) -> int:
    """How many pixels of ``image`` show the red ink of a loan's watermark, or its pink tint."""
    count = 0
    for n, colour in image.convert("RGB").getcolors(maxcolors=1 << 24) or []:
        if isinstance(colour, tuple) and colour[0] - colour[1] > 40:
            count += n
    return count
