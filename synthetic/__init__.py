"""A synthetic corpus of 业扩 document scans with ground truth, for tests and benchmarks.

``render(doc_type, rng)`` draws a document (fields and text known exactly),
``degrade(image, level, rng)`` makes a page look photocopied or photographed, and the
``*_bytes`` writers turn pages into the files archivists upload. Every person, company and
identifier is invented; the same seed always gives the same corpus.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

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
    render_application_form,
    render_authorization_letter,
    render_site_survey_record,
    render_supply_plan,
)
from synthetic._render_ids import (
    render_business_license,
    render_id_card,
    render_property_certificate,
)
from synthetic._render_works import (
    render_acceptance_record,
    render_design_drawing,
    render_inspection_record,
)
from synthetic._sheet import SyntheticDoc


def _party(rng: random.Random, *, valid: bool, company: bool | None = None) -> Party:
    """A person or a company (at random unless ``company`` says) with valid identifiers or not."""
    if company is None:
        company = rng.random() < 0.5
    if company:
        return make_company(rng, valid_code=valid)
    return make_person(rng, valid_id=valid)


_Renderer = Callable[[random.Random, bool], SyntheticDoc]

_RENDERERS: dict[str, _Renderer] = {
    "id_card": lambda rng, valid: render_id_card(rng, person=make_person(rng, valid_id=valid)),
    "business_license": lambda rng, valid: render_business_license(
        rng, company=make_company(rng, valid_code=valid)
    ),
    "property_certificate": lambda rng, valid: render_property_certificate(
        rng, owner=_party(rng, valid=valid)
    ),
    "application_form": lambda rng, valid: render_application_form(
        rng, customer=_party(rng, valid=valid)
    ),
    "authorization_letter": lambda rng, valid: render_authorization_letter(
        rng, customer=_party(rng, valid=valid), agent=make_person(rng, valid_id=valid)
    ),
    "site_survey_record": lambda rng, valid: render_site_survey_record(
        rng, customer=_party(rng, valid=valid)
    ),
    "supply_plan": lambda rng, valid: render_supply_plan(rng, customer=_party(rng, valid=valid)),
    "supply_contract": lambda rng, valid: render_supply_contract(
        rng, customer=_party(rng, valid=valid)
    ),
    "planning_permit": lambda rng, valid: render_planning_permit(
        rng, builder=_party(rng, valid=valid, company=True)
    ),
    "design_drawing": lambda rng, valid: render_design_drawing(
        rng, customer=_party(rng, valid=valid, company=True)
    ),
    "inspection_record": lambda rng, valid: render_inspection_record(
        rng, customer=_party(rng, valid=valid)
    ),
    "acceptance_record": lambda rng, valid: render_acceptance_record(
        rng, customer=_party(rng, valid=valid)
    ),
}

DOC_TYPES: tuple[str, ...] = tuple(_RENDERERS)
"""Every document type the generator can draw (DESIGN.md codes)."""


def render(doc_type: str, rng: random.Random, *, valid_identifiers: bool = True) -> SyntheticDoc:
    """Draw one clean document of ``doc_type``; ``valid_identifiers=False`` breaks check digits.

    Raises KeyError naming the known types for an unknown ``doc_type``.
    """
    try:
        renderer = _RENDERERS[doc_type]
    except KeyError:
        raise KeyError(f"no renderer for {doc_type!r}; known: {', '.join(DOC_TYPES)}") from None
    return renderer(rng, valid_identifiers)


def write_scan(doc: SyntheticDoc, level: Level, rng: random.Random, path: Path) -> Path:
    """``doc`` degraded to ``level`` and written as an upload (TIFF when it has several pages,
    PNG when clean, JPEG otherwise); ``path``'s suffix is set here. Returns the file's path."""
    pages = [degrade(image, level, rng) for image in doc.images]
    if len(pages) > 1:
        target, data = path.with_suffix(".tif"), tiff_bytes(pages)
    elif level == "clean":
        target, data = path.with_suffix(".png"), png_bytes(pages[0])
    else:
        target, data = path.with_suffix(".jpg"), jpeg_bytes(pages[0])
    target.write_bytes(data)
    return target


__all__ = [
    "DOC_TYPES",
    "LEVELS",
    "Level",
    "SyntheticDoc",
    "degrade",
    "jpeg_bytes",
    "png_bytes",
    "render",
    "scanned_pdf_bytes",
    "text_pdf_bytes",
    "tiff_bytes",
    "write_scan",
]
