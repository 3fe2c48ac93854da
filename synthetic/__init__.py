"""A synthetic corpus of 业扩 document scans with ground truth, for tests and benchmarks.

``render(doc_type, rng)`` draws a document (fields and text known exactly) in one of the
layouts ``LAYOUTS`` lists for its type; ``HELD_OUT_LAYOUTS`` are the layouts extraction is
not tuned on, which benchmarks report apart to show how it does on templates it never saw;
``degrade(image, level, rng)`` makes a page look photocopied or photographed,
``capture(image, condition, rng)`` makes it arrive as ``CONDITIONS`` name (a phone photo,
a fax, a turned page, a low-resolution copy), and the ``*_bytes`` writers turn pages into
the files archivists upload. Every person, company and identifier is invented; the same
seed always gives the same corpus.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image

from synthetic._capture import (
    CONDITIONS,
    Condition,
    PhonePhoto,
    capture,
    fax,
    low_res,
    phone_photo,
    turned,
)
from synthetic._case_records import (
    HEADERS as CASE_RECORD_HEADERS,
)
from synthetic._case_records import (
    CaseRecordExport,
    case_record_export,
    case_records_csv,
    case_records_xlsx,
)
from synthetic._degrade import LEVELS, Level, degrade
from synthetic._files import (
    jpeg_bytes,
    png_bytes,
    scanned_pdf_bytes,
    text_pdf_bytes,
    tiff_bytes,
)
from synthetic._identity import Party, make_company, make_person
from synthetic._render_contract import render_planning_permit, render_supply_contract
from synthetic._render_forms import (
    LETTER_LAYOUTS,
    render_application_form,
    render_authorization_letter,
    render_site_survey_record,
    render_supply_plan,
)
from synthetic._render_ids import (
    DEED_LAYOUTS,
    render_business_license,
    render_id_card,
    render_property_certificate,
)
from synthetic._render_works import (
    RECORD_LAYOUTS,
    WORK_ORDER_LAYOUTS,
    render_acceptance_record,
    render_design_drawing,
    render_inspection_record,
    render_meter_installation,
)
from synthetic._sheet import SyntheticDoc
from synthetic._stack import StackPart, SyntheticStack, build_stack


def _party(rng: random.Random, *, valid: bool, company: bool | None = None) -> Party:
    """A person or a company (at random unless ``company`` says) with valid identifiers or not."""
    if company is None:
        company = rng.random() < 0.5
    if company:
        return make_company(rng, valid_code=valid)
    return make_person(rng, valid_id=valid)


_Renderer = Callable[[random.Random, bool, str], SyntheticDoc]

_RENDERERS: dict[str, _Renderer] = {
    "id_card": lambda rng, valid, _: render_id_card(rng, person=make_person(rng, valid_id=valid)),
    "business_license": lambda rng, valid, _: render_business_license(
        rng, company=make_company(rng, valid_code=valid)
    ),
    "property_certificate": lambda rng, valid, layout: render_property_certificate(
        rng, owner=_party(rng, valid=valid), layout=layout
    ),
    "application_form": lambda rng, valid, _: render_application_form(
        rng, customer=_party(rng, valid=valid)
    ),
    "authorization_letter": lambda rng, valid, layout: render_authorization_letter(
        rng,
        customer=_party(rng, valid=valid),
        agent=make_person(rng, valid_id=valid),
        layout=layout,
    ),
    "site_survey_record": lambda rng, valid, _: render_site_survey_record(
        rng, customer=_party(rng, valid=valid)
    ),
    "supply_plan": lambda rng, valid, _: render_supply_plan(rng, customer=_party(rng, valid=valid)),
    "supply_contract": lambda rng, valid, _: render_supply_contract(
        rng, customer=_party(rng, valid=valid)
    ),
    "planning_permit": lambda rng, valid, _: render_planning_permit(
        rng, builder=_party(rng, valid=valid, company=True)
    ),
    "design_drawing": lambda rng, valid, _: render_design_drawing(
        rng, customer=_party(rng, valid=valid, company=True)
    ),
    "inspection_record": lambda rng, valid, layout: render_inspection_record(
        rng, customer=_party(rng, valid=valid), layout=layout
    ),
    "acceptance_record": lambda rng, valid, layout: render_acceptance_record(
        rng, customer=_party(rng, valid=valid), layout=layout
    ),
    "meter_installation": lambda rng, valid, layout: render_meter_installation(
        rng, customer=_party(rng, valid=valid), layout=layout
    ),
}

DOC_TYPES: tuple[str, ...] = tuple(_RENDERERS)
"""Every document type the generator can draw (DESIGN.md codes)."""

LAYOUTS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(DOC_TYPES, ("standard",)),
    "property_certificate": DEED_LAYOUTS,
    "authorization_letter": LETTER_LAYOUTS,
    "inspection_record": tuple(RECORD_LAYOUTS),
    "acceptance_record": tuple(RECORD_LAYOUTS),
    "meter_installation": tuple(WORK_ORDER_LAYOUTS),
}
"""The layouts each document type is drawn in (``SyntheticDoc.layout``)."""

HELD_OUT_LAYOUTS: frozenset[str] = frozenset(
    {"record_above_business_no", "work_order_above", "letter_prose_alt", "deed_left_boilerplate"}
)
"""Layouts kept out of tuning: extraction rules and tests are not fitted to them."""


def render(
    doc_type: str,
    rng: random.Random,
    *,
    valid_identifiers: bool = True,
    layout: str | None = None,
) -> SyntheticDoc:
    """Draw one clean document of ``doc_type``; ``valid_identifiers=False`` breaks check digits.

    ``layout`` is one of ``LAYOUTS[doc_type]``; by default one is drawn at random (types
    with a single layout use no randomness for it). Raises KeyError naming the known types
    for an unknown ``doc_type``, and ValueError for a layout the type does not have.
    """
    try:
        renderer = _RENDERERS[doc_type]
    except KeyError:
        raise KeyError(f"no renderer for {doc_type!r}; known: {', '.join(DOC_TYPES)}") from None
    layouts = LAYOUTS[doc_type]
    if layout is None:
        layout = layouts[0] if len(layouts) == 1 else rng.choice(layouts)
    elif layout not in layouts:
        raise ValueError(f"{doc_type} has no layout {layout!r}; choose one of {', '.join(layouts)}")
    return renderer(rng, valid_identifiers, layout)


def render_stack(
    rng: random.Random, *, documents: int, doc_types: tuple[str, ...] = DOC_TYPES
) -> SyntheticStack:
    """A stack of ``documents`` clean documents, each of a type drawn from ``doc_types``."""
    return build_stack([render(rng.choice(doc_types), rng) for _ in range(documents)])


def _arrive(image: Image.Image, how: Level | Condition, rng: random.Random) -> Image.Image:
    if how == "mild" or how == "hard":
        return degrade(image, how, rng)
    return capture(image, how, rng)


def write_scan(doc: SyntheticDoc, level: Level | Condition, rng: random.Random, path: Path) -> Path:
    """``doc`` degraded to ``level`` (or captured under that condition) and written as an
    upload (TIFF when it has several pages, PNG when clean or a fax, JPEG otherwise);
    ``path``'s suffix is set here. Returns the file's path."""
    pages = [_arrive(image, level, rng) for image in doc.images]
    if len(pages) > 1:
        target, data = path.with_suffix(".tif"), tiff_bytes(pages)
    elif level in ("clean", "fax"):
        target, data = path.with_suffix(".png"), png_bytes(pages[0])
    else:
        target, data = path.with_suffix(".jpg"), jpeg_bytes(pages[0])
    target.write_bytes(data)
    return target


__all__ = [
    "CASE_RECORD_HEADERS",
    "CONDITIONS",
    "DOC_TYPES",
    "HELD_OUT_LAYOUTS",
    "LAYOUTS",
    "LEVELS",
    "CaseRecordExport",
    "Condition",
    "Level",
    "PhonePhoto",
    "StackPart",
    "SyntheticDoc",
    "SyntheticStack",
    "build_stack",
    "capture",
    "case_record_export",
    "case_records_csv",
    "case_records_xlsx",
    "degrade",
    "fax",
    "jpeg_bytes",
    "low_res",
    "phone_photo",
    "png_bytes",
    "render",
    "render_stack",
    "scanned_pdf_bytes",
    "text_pdf_bytes",
    "tiff_bytes",
    "turned",
    "write_scan",
]
