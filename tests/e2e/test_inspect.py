"""``yekuo inspect``: the command line's stable JSON output, and files it cannot read."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive._cover_pdf import cover_image
from archive._cover_sheets import CoverPage
from cli import main
from intake import CoverSheet
from synthetic import build_stack, jpeg_bytes, render, scanned_pdf_bytes


def _objects(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_unreadable_files_give_an_error_object_and_exit_1(tmp_path: Path) -> None:
    noise = tmp_path / "noise.jpg"
    noise.write_bytes(random.Random(5).randbytes(3000))
    zipped = tmp_path / "archive.jpg"
    zipped.write_bytes(b"PK\x03\x04" + bytes(100))
    missing = tmp_path / "missing.png"
    result = CliRunner().invoke(
        main, ["inspect", "--json", "--engine", "tesseract", str(noise), str(zipped), str(missing)]
    )
    assert result.exit_code == 2, result.output
    objects = _objects(result.output)
    assert [obj["file"] for obj in objects] == [str(noise), str(zipped), str(missing)]
    for obj in objects:
        assert set(obj) == {"file", "error"}
        assert isinstance(obj["error"], str)
        assert obj["error"]
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_inspect_prints_one_json_object_per_file(tmp_path: Path) -> None:
    doc = render("id_card", random.Random("inspect"), valid_identifiers=False)
    scan = tmp_path / "card.jpg"
    scan.write_bytes(jpeg_bytes(doc.images[0]))
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    result = CliRunner().invoke(main, ["inspect", "--json", str(scan), str(broken)])
    assert result.exit_code == 2, result.output
    card, error = _objects(result.output)
    assert set(card) == {
        "file",
        "part",
        "page_range",
        "doc_type",
        "confidence",
        "fields",
        "findings",
        "pages",
        "seconds",
    }
    assert (card["file"], card["doc_type"], card["pages"]) == (str(scan), "id_card", 1)
    assert (card["part"], card["page_range"]) == (1, [1, 1])
    assert card["fields"] == doc.fields
    findings = card["findings"]
    assert isinstance(findings, list)
    assert "id_number_invalid_checksum" in [finding["code"] for finding in findings]
    assert set(error) == {"file", "error"}


@pytest.mark.slow
def test_inspect_without_json_is_readable(tmp_path: Path) -> None:
    doc = render("business_license", random.Random("inspect-human"))
    scan = tmp_path / "license.jpg"
    scan.write_bytes(jpeg_bytes(doc.images[0]))
    result = CliRunner().invoke(main, ["inspect", str(scan)])
    assert result.exit_code == 0, result.output
    assert f"{scan}: business_license" in result.output
    assert f"credit_code: {doc.fields['credit_code']}" in result.output


@pytest.mark.slow
def test_a_scanned_stack_prints_one_object_per_document(tmp_path: Path) -> None:
    rng = random.Random("inspect-stack")
    docs = [render("business_license", rng), render("id_card", rng)]
    sheet = CoverSheet(case_no="YK-9", doc_type="id_card")
    cover = cover_image(
        CoverPage(
            sheet=sheet,
            customer_name="王小明",
            doc_type_zh="居民身份证",
            requirement_zh="申请人身份证明",
            stage_zh="受理",
            alternatives_zh=(),
        )
    )
    scan = tmp_path / "stack.pdf"
    scan.write_bytes(scanned_pdf_bytes(build_stack(docs, covers=[None, cover]).images))
    result = CliRunner().invoke(main, ["inspect", "--json", str(scan)])
    assert result.exit_code == 0, result.output
    license, card = _objects(result.output)
    assert [(o["part"], o["page_range"], o["doc_type"], o["pages"]) for o in (license, card)] == [
        (1, [1, 1], "business_license", 1),
        (2, [3, 3], "id_card", 1),
    ]
    assert "cover" not in license
    assert card["cover"] == {"case_no": "YK-9", "doc_type": "id_card"}
    assert license["fields"] == docs[0].fields
    assert card["fields"] == docs[1].fields
