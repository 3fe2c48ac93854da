"""What the 四性检测 looks for in a PDF, for the check of a package and of the stored archive:
encryption (S1), active content (S2: document JavaScript, actions on opening, on pages, on
annotations and form fields, a widget's ``/AA`` among them, embedded files and XFA forms) and, on
a long-term copy, the PDF/A-2b declaration with its output intent (U3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pikepdf

_FIELD_DEPTH = 32
"""How deep form fields' /Kids are followed (a malformed file may loop through them)."""


@dataclass
class PdfFindings:
    """What the PDFs inspected so far were found with, each line naming its file."""

    not_pdfa: list[str] = field(default_factory=list)
    encrypted: list[str] = field(default_factory=list)
    active: list[str] = field(default_factory=list)

    def inspect(self, source: Path | BinaryIO, *, name: str, long_term: bool) -> None:
        """Look into one PDF, called ``name`` in what is found; ``long_term``: an archival copy,
        which must declare PDF/A-2b. A file that is no PDF is named as not PDF/A."""
        try:
            with pikepdf.open(source) as pdf:
                if pdf.is_encrypted:
                    self.encrypted.append(f"{name}: encrypted")
                self.active += [f"{name}: {what}" for what in _active_content(pdf)]
                if long_term and not _declares_pdfa(pdf):
                    self.not_pdfa.append(f"{name}: not declared PDF/A-2b with an output intent")
        except pikepdf.PasswordError:
            self.encrypted.append(f"{name}: needs a password")
        except pikepdf.PdfError as exc:
            self.not_pdfa.append(f"{name}: cannot be read as PDF ({exc})")


def _active_content(pdf: pikepdf.Pdf) -> list[str]:
    found = []
    names = pdf.Root.get("/Names")
    if names is not None and "/JavaScript" in names:
        found.append("document JavaScript")
    if names is not None and "/EmbeddedFiles" in names:
        found.append("embedded files")
    if "/OpenAction" in pdf.Root or "/AA" in pdf.Root:
        found.append("an action on opening")
    form = pdf.Root.get("/AcroForm")
    if form is not None and "/XFA" in form:
        found.append("an XFA form, which may run scripts")
    if form is not None:
        found += _field_actions(form.get("/Fields", pikepdf.Array()))
    for number, page in enumerate(pdf.pages, start=1):
        if "/AA" in page.obj:
            found.append(f"page {number} has actions")
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/FileAttachment" or "/A" in annot:
                found.append(f"page {number} has an attachment or action annotation")
            if "/AA" in annot:
                found.append(f"page {number} has an annotation with actions on its events")
    return found


def _field_actions(fields: pikepdf.Object, depth: int = 0) -> list[str]:
    """Form fields (and their kids) with actions of their own; a widget merged into its
    field is also a page's annotation, so it is named here and on its page."""
    found = []
    for each in fields:
        if not isinstance(each, pikepdf.Dictionary):
            continue
        if "/AA" in each or "/A" in each:
            found.append(f"form field {each.get('/T', '(unnamed)')} has actions")
        if depth < _FIELD_DEPTH:
            found += _field_actions(each.get("/Kids", pikepdf.Array()), depth + 1)
    return found


def _declares_pdfa(pdf: pikepdf.Pdf) -> bool:
    meta = pdf.open_metadata()
    return (
        meta.get("pdfaid:part") == "2"
        and meta.get("pdfaid:conformance") == "B"
        and "/OutputIntents" in pdf.Root
    )
