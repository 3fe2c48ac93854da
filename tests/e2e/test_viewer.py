"""The document viewer keeps intake's read limits: no original makes the server decode a bomb."""

from __future__ import annotations

import io
import re
import struct

from PIL import Image

from archive import Role
from tests.e2e.helpers import ApiClient
from tests.e2e.test_pages import signin


def _tiff_header_only(width: int, height: int) -> bytes:
    """A group-4 TIFF that claims ``width``×``height`` pixels in a few bytes of data."""
    entries = [
        (256, 4, 1, width),  # ImageWidth
        (257, 4, 1, height),  # ImageLength
        (258, 3, 1, 1),  # BitsPerSample
        (259, 3, 1, 4),  # Compression: CCITT group 4
        (262, 3, 1, 0),  # Photometric: white is zero
        (273, 4, 1, 8),  # StripOffsets: just after the header
        (278, 4, 1, height),  # RowsPerStrip
        (279, 4, 1, 16),  # StripByteCounts
    ]
    ifd_offset = 8 + 16
    header = b"II*\x00" + struct.pack("<I", ifd_offset) + b"\x00" * 16
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        ifd += struct.pack("<HHII", tag, kind, count, value)
    return header + ifd + struct.pack("<I", 0)


def _pdf(pages: int, *, side: int = 595) -> bytes:
    """A PDF of ``pages`` empty pages of ``side`` points a side (an xref PDFium accepts)."""
    objects = ["<< /Type /Catalog /Pages 2 0 R >>"]
    kids = " ".join(f"{3 + n} 0 R" for n in range(pages))
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>")
    objects += [f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {side} {side}] >>"] * pages
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n{body}\nendobj\n".encode())
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


def _upload(client: ApiClient, content: bytes, filename: str) -> str:
    client.create_case("YK-VIEW")
    response = client.upload("YK-VIEW", content, filename=filename)
    assert response.status_code == 202, response.text
    document_id: str = response.json()["document_id"]
    return document_id


def test_a_tiff_bomb_is_described_not_decoded(client: ApiClient) -> None:
    bomb = _tiff_header_only(20_000, 20_000)
    assert len(bomb) < 200
    document_id = _upload(client, bomb, "bomb.tif")
    signin(client, Role.reviewer)
    page = client.http.get(f"/documents/{document_id}")  # the page opens, saying why not the scan
    assert page.status_code == 200, page.text[:300]
    assert "超过系统解码上限" in page.text
    assert "YEKUO_INTAKE_MAX_PAGE_PIXELS" in page.text  # the setting an admin changes
    image = client.http.get(f"/documents/{document_id}/pages/1")
    assert image.status_code == 422


def test_a_huge_pdf_page_is_rendered_within_the_viewer_size(client: ApiClient) -> None:
    document_id = _upload(client, _pdf(1, side=7200), "huge.pdf")
    signin(client, Role.reviewer)
    response = client.http.get(f"/documents/{document_id}/pages/1")
    assert response.status_code == 200
    with Image.open(io.BytesIO(response.content)) as image:
        assert max(image.size) <= 2000


def test_a_long_pdf_is_shown_twenty_pages_at_a_time(client: ApiClient) -> None:
    document_id = _upload(client, _pdf(1000), "long.pdf")
    signin(client, Role.reviewer)
    first = client.http.get(f"/documents/{document_id}").text
    assert len(re.findall(r'<img src="/documents/[^"]+/pages/\d+"', first)) == 20
    assert "共 1000 页，显示第 1–20 页" in first
    assert 'href="?page=21"' in first
    last = client.http.get(f"/documents/{document_id}", params={"page": 981}).text
    assert re.findall(r"/pages/(\d+)\"", last)[-1] == "1000"
    assert 'href="?page=961"' in last
