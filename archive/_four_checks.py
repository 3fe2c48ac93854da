"""四性检测 of a transfer package: authenticity, integrity, usability and security.

Only the package directory is read, so a receiver can run it on what arrived. Each item is
``pass``, ``fail`` or ``manual``: what a program can decide it decides (digests, files against
the catalogue, metadata, 档号 and 顺序号, the XML and its schema, formats, encryption, scripts
and embedded files); what needs a person (a virus scan where no scanner is installed, the
carrier) is ``manual``, never passed on its behalf. A failing item names the files.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Literal

import pikepdf
from lxml import etree  # type: ignore[import-untyped]
from pydantic import BaseModel

from archive._archive_numbers import ArchiveNumberPattern
from archive._digests import file_digests

Property = Literal["authenticity", "integrity", "usability", "security"]
Result = Literal["pass", "fail", "manual"]

CATALOGUE = "文件目录.xml"
RECORDS_DIR = "电子档案"
REQUIRED_FILES = ("说明文件.txt", "其他/文件目录.xsd", "其他/档号规则.txt", "其他/移交登记表.txt")
REQUIRED_ELEMENTS = (
    "顺序号",
    "档号",
    "责任者",
    "题名",
    "日期",
    "密级",
    "保管期限",
    "页数",
    "电子档案名称",
    "SHA256",
    "SM3",
)
ALLOWED_FORMATS = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG",
    "image/tiff": b"II*\x00",
}
_TIFF_BIG_ENDIAN = b"MM\x00*"
_LISTED_LIMIT = 5
VIRUS_SCAN_SECONDS = 600


class CheckItem(BaseModel):
    """One item of the 四性检测."""

    id: str
    property: Property
    check: str
    result: Result
    detail: str


class CheckReport(BaseModel):
    """The 四性检测 of a package: passed when no item failed (manual items still need a person)."""

    passed: bool
    items: list[CheckItem]


class _Catalogued(BaseModel):
    values: dict[str, str]

    @property
    def path(self) -> str:
        return self.values.get("电子档案名称", "")


def check_package(root: Path) -> CheckReport:
    """The 四性检测 of the package in ``root``."""
    items: list[CheckItem] = []
    entries = _read_catalogue(root, items)
    items += _file_checks(root, entries)
    items += _number_checks(root, entries)
    items += _pdf_checks(root, entries)
    items += _manual_checks(root)
    order = {"authenticity": 0, "integrity": 1, "usability": 2, "security": 3}
    items.sort(key=lambda item: (order[item.property], item.id))
    return CheckReport(passed=all(i.result != "fail" for i in items), items=items)


def result_item(id_: str, prop: Property, check: str, problems: list[str], ok: str) -> CheckItem:
    """An item that passes (saying ``ok``) without problems, else fails listing them."""
    if not problems:
        return CheckItem(id=id_, property=prop, check=check, result="pass", detail=ok)
    listed = "; ".join(problems[:_LISTED_LIMIT])
    more = f" (and {len(problems) - _LISTED_LIMIT} more)" if len(problems) > _LISTED_LIMIT else ""
    return CheckItem(id=id_, property=prop, check=check, result="fail", detail=listed + more)


def _read_catalogue(root: Path, items: list[CheckItem]) -> list[_Catalogued]:
    """U1 (the XML parses and follows its schema) and I1 (the package's own files)."""
    missing = [name for name in (CATALOGUE, *REQUIRED_FILES) if not (root / name).is_file()]
    items.append(
        result_item(
            "I1",
            "integrity",
            "说明文件、文件目录和其他/下的文件齐全",
            [f"{name} is missing" for name in missing],
            "all present",
        )
    )
    try:
        tree = etree.parse(str(root / CATALOGUE))
    except (OSError, etree.XMLSyntaxError) as exc:
        items.append(
            result_item(
                "U1", "usability", "文件目录.xml 可解析并符合 XML 模式", [f"{CATALOGUE}: {exc}"], ""
            )
        )
        return []
    problems = []
    if (root / "其他/文件目录.xsd").is_file():
        schema = etree.XMLSchema(etree.parse(str(root / "其他/文件目录.xsd")))
        if not schema.validate(tree):
            problems = [f"{CATALOGUE} line {e.line}: {e.message}" for e in schema.error_log]
    else:
        problems = ["其他/文件目录.xsd is missing, so the catalogue cannot be validated"]
    items.append(
        result_item(
            "U1", "usability", "文件目录.xml 可解析并符合 XML 模式", problems, "UTF-8 XML, valid"
        )
    )
    return [
        _Catalogued(values={child.tag: (child.text or "").strip() for child in element})
        for element in tree.getroot().iter("文件")
    ]


def _file_checks(root: Path, entries: list[_Catalogued]) -> list[CheckItem]:
    """A1 digests, I2 files and sizes, I3 count, I4 metadata, U2 formats."""
    digests, present, metadata, formats = [], [], [], []
    for entry in entries:
        path = root / entry.path
        empty = [name for name in REQUIRED_ELEMENTS if not entry.values.get(name)]
        if empty:
            metadata.append(f"{entry.path or '<文件> without 电子档案名称'}: no {', '.join(empty)}")
        if not entry.path or not path.is_file() or not _inside(root, path):
            present.append(f"{entry.path}: missing")
            continue
        if str(path.stat().st_size) != entry.values.get("大小"):
            present.append(
                f"{entry.path}: {path.stat().st_size} bytes, catalogued {entry.values.get('大小')}"
            )
        sha256, sm3 = file_digests(path)
        if sha256 != entry.values.get("SHA256") or sm3 != entry.values.get("SM3"):
            digests.append(f"{entry.path}: SHA256/SM3 do not match the catalogue")
        formats += _format_problem(path, entry)
    listed = {entry.path for entry in entries}
    records = root / RECORDS_DIR
    on_disk = sorted(p.relative_to(root).as_posix() for p in records.rglob("*") if p.is_file())
    extra = [f"{p}: not in the catalogue" for p in on_disk if p not in listed]
    return [
        result_item(
            "A1",
            "authenticity",
            "每个文件的 SHA256 与 SM3 摘要与目录一致",
            digests,
            f"{len(entries)} files match",
        ),
        result_item(
            "I2",
            "integrity",
            "目录所列文件均存在且大小一致",
            present,
            f"{len(entries)} files present",
        ),
        result_item(
            "I3",
            "integrity",
            "文件数量与目录一致（无目录外文件）",
            extra,
            f"{len(on_disk)} files, {len(entries)} catalogued",
        ),
        result_item("I4", "integrity", "必备元数据齐全", metadata, "every <文件> has its metadata"),
        result_item(
            "U2",
            "usability",
            "文件格式在允许范围内且与目录一致",
            formats,
            "PDF, JPEG, PNG, TIFF only",
        ),
    ]


def _inside(root: Path, path: Path) -> bool:
    return path.resolve().is_relative_to(root.resolve())


def _format_problem(path: Path, entry: _Catalogued) -> list[str]:
    media_type = entry.values.get("格式", "")
    magic = ALLOWED_FORMATS.get(media_type)
    if magic is None:
        return [f"{entry.path}: format {media_type or 'none'} is not allowed"]
    head = path.read_bytes()[:8]
    if not head.startswith(magic) and not (
        media_type == "image/tiff" and head.startswith(_TIFF_BIG_ENDIAN)
    ):
        return [f"{entry.path}: its bytes are not {media_type}"]
    return []


def _number_checks(root: Path, entries: list[_Catalogued]) -> list[CheckItem]:
    """A2: every 档号 follows the package's rule, its 顺序号 run 1..n without gaps."""
    pattern = _number_pattern(root)
    problems = [] if pattern else ["其他/档号规则.txt has no readable 档号格式 line"]
    sequences: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        archive_no = entry.values.get("档号", "")
        if pattern and not pattern.match(archive_no):
            problems.append(f"{entry.path}: 档号 {archive_no!r} does not follow the rule")
        if entry.values.get("顺序号", "").isdigit():
            sequences[archive_no].add(int(entry.values["顺序号"]))
    for archive_no, numbers in sorted(sequences.items()):
        if numbers != set(range(1, len(numbers) + 1)):
            problems.append(f"{archive_no}: 顺序号 {sorted(numbers)} have gaps")
    return [
        result_item(
            "A2",
            "authenticity",
            "档号符合档号规则，顺序号连续无空号",
            problems,
            f"{len(sequences)} 件",
        )
    ]


def _number_pattern(root: Path) -> re.Pattern[str] | None:
    try:
        text = (root / "其他/档号规则.txt").read_text("utf-8")
    except OSError:
        return None
    found = dict(re.findall(r"^(档号格式|全宗号): (.+)$", text, flags=re.MULTILINE))
    if "档号格式" not in found or "全宗号" not in found:
        return None
    return ArchiveNumberPattern(pattern=found["档号格式"], fonds=found["全宗号"]).matcher()


def _pdf_checks(root: Path, entries: list[_Catalogued]) -> list[CheckItem]:
    """U3 PDF/A declared on long-term copies; S1 no encryption; S2 no scripts or embedded files."""
    pdfa, encrypted, active = [], [], []
    for entry in entries:
        path = root / entry.path
        if entry.values.get("格式") != "application/pdf" or not path.is_file():
            continue
        try:
            with pikepdf.open(path) as pdf:
                if pdf.is_encrypted:
                    encrypted.append(f"{entry.path}: encrypted")
                active += [f"{entry.path}: {what}" for what in _active_content(pdf)]
                if entry.values.get("版本") == "长期保存" and not _declares_pdfa(pdf):
                    pdfa.append(f"{entry.path}: not declared PDF/A-2b with an output intent")
        except pikepdf.PasswordError:
            encrypted.append(f"{entry.path}: needs a password")
        except pikepdf.PdfError as exc:
            pdfa.append(f"{entry.path}: cannot be read as PDF ({exc})")
    return [
        result_item(
            "U3",
            "usability",
            "长期保存版本为 PDF/A-2b（XMP 标识、输出意图）",
            pdfa,
            "declared PDF/A-2b",
        ),
        result_item("S1", "security", "文件未加密", encrypted, "no encryption"),
        result_item(
            "S2",
            "security",
            "无脚本、动作和嵌入文件",
            active,
            "no scripts, actions or embedded files",
        ),
    ]


def _active_content(pdf: pikepdf.Pdf) -> list[str]:
    found = []
    names = pdf.Root.get("/Names")
    if names is not None and "/JavaScript" in names:
        found.append("document JavaScript")
    if names is not None and "/EmbeddedFiles" in names:
        found.append("embedded files")
    if "/OpenAction" in pdf.Root or "/AA" in pdf.Root:
        found.append("an action on opening")
    for number, page in enumerate(pdf.pages, start=1):
        if "/AA" in page.obj:
            found.append(f"page {number} has actions")
        for annot in page.obj.get("/Annots", []):
            if annot.get("/Subtype") == "/FileAttachment" or "/A" in annot:
                found.append(f"page {number} has an attachment or action annotation")
    return found


def _declares_pdfa(pdf: pikepdf.Pdf) -> bool:
    meta = pdf.open_metadata()
    return (
        meta.get("pdfaid:part") == "2"
        and meta.get("pdfaid:conformance") == "B"
        and "/OutputIntents" in pdf.Root
    )


def _manual_checks(root: Path) -> list[CheckItem]:
    """S3 a virus scan (clamscan when installed, else a person's) and S4 the carrier."""
    carrier = CheckItem(
        id="S4",
        property="security",
        check="载体检查",
        result="manual",
        detail="a person checks the carrier (disc or drive) and signs 其他/移交登记表.txt",
    )
    return [_virus_scan(root), carrier]


def _virus_scan(root: Path) -> CheckItem:
    scanner = shutil.which("clamscan")
    check = "病毒检查"
    if scanner is None:
        detail = "no virus scanner (clamscan) is installed: scan the package and sign the register"
        return CheckItem(id="S3", property="security", check=check, result="manual", detail=detail)
    done = subprocess.run(
        [scanner, "--recursive", "--infected", "--no-summary", str(root)],
        capture_output=True,
        text=True,
        timeout=VIRUS_SCAN_SECONDS,
        check=False,
    )
    if done.returncode == 0:
        return CheckItem(
            id="S3",
            property="security",
            check=check,
            result="pass",
            detail="clamscan found nothing",
        )
    if done.returncode == 1:
        return CheckItem(
            id="S3",
            property="security",
            check=check,
            result="fail",
            detail=done.stdout.strip()[:500],
        )
    detail = f"clamscan could not scan ({done.stderr.strip()[:200]}): scan the package by hand"
    return CheckItem(id="S3", property="security", check=check, result="manual", detail=detail)
