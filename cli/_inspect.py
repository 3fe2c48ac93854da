"""``yekuo inspect``: read, OCR, classify and extract files without storing them."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from archive import DocType
from cli._errors import ExitCode
from core import Settings, YekuoError, get_settings, today_in_china
from intake import Analysis, OcrEngine, PartAnalysis, StackAnalysis, analyse_stack, open_ocr_engine


def _as_json(path: Path, found: PartAnalysis) -> dict[str, Any]:
    """The stable JSON shape of DESIGN.md: file, part, page_range, doc_type, fields …, and
    ``cover`` (case_no, doc_type) when a cover sheet came before the document."""
    analysis = found.analysis
    cover = found.part.case_no, found.part.cover_doc_type
    named = {"cover": {"case_no": cover[0], "doc_type": cover[1]}} if cover[0] else {}
    return {
        "file": str(path),
        "part": found.part.part,
        "page_range": list(found.part.page_range),
        "doc_type": analysis.doc_type,
        "confidence": analysis.confidence,
        "fields": analysis.values,
        "findings": [asdict(finding) for finding in analysis.findings],
        "pages": len(analysis.pages),
        "seconds": analysis.seconds,
        **named,
    }


def _echo_human(path: Path, found: PartAnalysis, *, parts: int) -> None:
    analysis: Analysis = found.analysis
    pages = len(analysis.pages)
    first, last = found.part.page_range
    where = f" part {found.part.part} of {parts} (pages {first}–{last})" if parts > 1 else ""
    click.echo(
        f"{path}{where}: {analysis.doc_type} (confidence {analysis.confidence:.2f}), "
        f"{pages} page{'s' if pages != 1 else ''}, {analysis.seconds:.1f} s"
    )
    click.echo(f"  evidence: {'; '.join(analysis.evidence)}")
    for name, extracted in analysis.fields.items():
        shown = "" if extracted.ocr_value == extracted.value else f"  (read: {extracted.ocr_value})"
        click.echo(f"  {name}: {extracted.value}{shown}")
    for finding in analysis.findings:
        click.echo(f"  ! {finding.severity} {finding.code}: {finding.message_en}")


def _analyse_one(
    path: Path, *, settings: Settings, engine: OcrEngine, hint: str | None
) -> StackAnalysis | str:
    """The analysis of one file (each document in it), or why it could not be made."""
    try:
        return analyse_stack(
            path,
            media_type=None,
            settings=settings,
            hint=hint,
            engine=engine,
            today=today_in_china(),
        )
    except YekuoError as exc:
        return str(exc)
    except OSError as exc:
        return f"cannot open {path}: {exc.strerror or exc}; check the path and its permissions"


@click.command("inspect")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object per document found, one a line."
)
@click.option(
    "--engine",
    type=click.Choice(["rapidocr", "tesseract"]),
    default=None,
    help="OCR engine (default: YEKUO_OCR_ENGINE).",
)
@click.option(
    "--hint",
    type=click.Choice([doc_type.value for doc_type in DocType]),
    default=None,
    help="Expected document type, verified against the page.",
)
def inspect_command(
    files: tuple[Path, ...], as_json: bool, engine: str | None, hint: str | None
) -> None:
    """Read, OCR, classify and extract FILES without storing them.

    A file holding several documents (a scanned stack) is split: each document found is
    reported with its part number and pages. Exits with status 2 when any file could not be
    read; the others are still reported.
    """
    settings = get_settings()
    if engine is not None:
        settings = settings.model_copy(update={"ocr_engine": engine})
    ocr = open_ocr_engine(settings)
    failed = 0
    for path in files:
        outcome = _analyse_one(path, settings=settings, engine=ocr, hint=hint)
        if isinstance(outcome, str):
            failed += 1
            if as_json:
                click.echo(json.dumps({"file": str(path), "error": outcome}, ensure_ascii=False))
            else:
                click.echo(f"{path}: ERROR {outcome}", err=True)
        elif as_json:
            for found in outcome.parts:
                click.echo(json.dumps(_as_json(path, found), ensure_ascii=False))
        else:
            for found in outcome.parts:
                _echo_human(path, found, parts=len(outcome.parts))
    if failed:
        sys.exit(ExitCode.usage)
