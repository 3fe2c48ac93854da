"""四性检测 of a transfer package: authenticity, integrity, usability and security.

Only the package directory is read, so a receiver can run it on what arrived. Each item is
``pass``, ``fail`` or ``manual``: what a program can decide it decides (digests, files against
the catalogue, metadata, 档号 and 顺序号, the XML and its schema, formats, encryption, scripts
and embedded files); what needs a person (a virus scan where no scanner is installed, the
carrier) is ``manual``, never passed on its behalf. A failing item names the files.

The records are listed in 文件目录.xml; the package's own files (说明文件, the catalogue,
what is in 其他/) in 其他/摘要清单.xml with their size, SHA256 and SM3. The manifest cannot
hold its own digest: it is protected by its schema instead, so a changed byte either breaks
the XML or the schema, or changes a digest it lists, and fails either way. A damaged or
unreadable file of the package is a failed item, never a crash.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Literal

from lxml import etree  # type: ignore[import-untyped]
from pydantic import BaseModel

from archive._archive_numbers import ArchiveNumberPattern
from archive._digests import file_digests
from archive._pdf_inspection import PdfFindings
from core import SettingsError

Property = Literal["authenticity", "integrity", "usability", "security"]
Result = Literal["pass", "fail", "manual"]

CATALOGUE = "文件目录.xml"
SCHEMA = "其他/文件目录.xsd"
NUMBER_RULE = "其他/档号规则.txt"
REPORT = "其他/四性检测报告.json"
MANIFEST = "其他/摘要清单.xml"
OWN_FILES = ("说明文件.txt", CATALOGUE, SCHEMA, NUMBER_RULE, "其他/移交登记表.txt", REPORT)
"""The package's own files, which 其他/摘要清单.xml lists with their digests."""
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


def check_package(root: Path, *, expect_report: bool = True) -> CheckReport:
    """The 四性检测 of the package in ``root``.

    ``expect_report=False`` only while the package is written: this check is then what its
    report will hold, so the report is not there yet, nor listed in the manifest.
    """
    own = OWN_FILES if expect_report else tuple(n for n in OWN_FILES if n != REPORT)
    items: list[CheckItem] = []
    listed = _manifest_checks(root, own, items)
    entries = _read_catalogue(root, items)
    items += _file_checks(root, entries, own=[*listed, MANIFEST])
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
    """U1: the catalogue parses and follows its schema."""
    check = "文件目录.xml 可解析并符合 XML 模式"
    try:
        tree = etree.parse(str(root / CATALOGUE))
    except (OSError, etree.XMLSyntaxError) as exc:
        items.append(result_item("U1", "usability", check, [f"{CATALOGUE}: {exc}"], ""))
        return []
    schema = _schema(root)
    if isinstance(schema, str):
        problems = [schema]
    elif not schema.validate(tree):
        problems = [f"{CATALOGUE} line {e.line}: {e.message}" for e in schema.error_log]
    elif tree.getroot().tag != "文件目录":
        problems = [f"{CATALOGUE}: its root is <{tree.getroot().tag}>, not <文件目录>"]
    else:
        problems = []
    items.append(result_item("U1", "usability", check, problems, "UTF-8 XML, valid"))
    return [
        _Catalogued(values={child.tag: (child.text or "").strip() for child in element})
        for element in tree.getroot().iter("文件")
    ]


def _schema(root: Path) -> etree.XMLSchema | str:
    """The package's XML schema, or why it cannot be used."""
    if not (root / SCHEMA).is_file():
        return f"{SCHEMA} is missing, so the XML cannot be validated"
    try:
        return etree.XMLSchema(etree.parse(str(root / SCHEMA)))
    except (OSError, etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
        return f"{SCHEMA} is not a readable XML schema ({exc}), so the XML cannot be validated"


def _manifest_checks(root: Path, own: tuple[str, ...], items: list[CheckItem]) -> list[str]:
    """I1 the package's own files are there and A3 match 其他/摘要清单.xml; the names it lists."""
    listed, changed = _read_manifest(root)
    absent = [name for name in dict.fromkeys((*own, MANIFEST, *listed)) if not _present(root, name)]
    if MANIFEST not in absent:
        changed += [f"{name}: not in {MANIFEST}" for name in own if name not in listed]
    for name, (size, sha256, sm3) in listed.items():
        path = root / name
        if name not in absent and (
            str(path.stat().st_size) != size or file_digests(path) != (sha256, sm3)
        ):
            changed.append(f"{name}: size or SHA256/SM3 do not match {MANIFEST}")
    items.append(
        result_item(
            "I1",
            "integrity",
            "说明文件、文件目录和其他/下的文件齐全",
            [f"{name}: missing" for name in absent],
            "all present",
        )
    )
    items.append(
        result_item(
            "A3",
            "authenticity",
            "说明文件、文件目录和其他/下文件的 SHA256 与 SM3 摘要与摘要清单一致",
            changed,
            f"{len(listed)} files match",
        )
    )
    return list(listed)


def _read_manifest(root: Path) -> tuple[dict[str, tuple[str, str, str]], list[str]]:
    """Each file 其他/摘要清单.xml lists, with its size, SHA256 and SM3; what is wrong with it.

    A manifest that does not follow its schema (or whose schema is damaged) still has its
    entries compared: the files it names are then named too.
    """
    try:
        tree = etree.parse(str(root / MANIFEST))
    except (OSError, etree.XMLSyntaxError) as exc:
        return {}, [f"{MANIFEST}: {exc}"]
    schema = _schema(root)
    problems = []
    if isinstance(schema, str):
        problems.append(f"{MANIFEST}: {schema}")
    elif not schema.validate(tree) or tree.getroot().tag != "摘要清单":
        errors = "; ".join(f"line {e.line}: {e.message}" for e in schema.error_log)
        problems.append(f"{MANIFEST} does not follow its schema ({errors or 'not <摘要清单>'})")
    listed = {
        name: tuple(element.findtext(tag, "") for tag in ("大小", "SHA256", "SM3"))
        for element in tree.getroot().iter("文件")
        if (name := element.findtext("文件名"))
    }
    return listed, problems


def _file_checks(root: Path, entries: list[_Catalogued], *, own: list[str]) -> list[CheckItem]:
    """A1 digests, I2 files and sizes, I3 count (of the whole package: records and ``own``
    files), I4 metadata, U2 formats."""
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
        problem = format_problem(path.read_bytes()[:8], entry.values.get("格式", ""))
        formats += [f"{entry.path}: {problem}"] if problem else []
    listed = {entry.path for entry in entries}
    on_disk = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    extra = [
        f"{p}: in neither {CATALOGUE} nor {MANIFEST}" for p in on_disk if p not in listed | {*own}
    ]
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


def _present(root: Path, name: str) -> bool:
    return _inside(root, root / name) and (root / name).is_file()


def format_problem(head: bytes, media_type: str) -> str | None:
    """Why a file of ``media_type`` whose bytes begin with ``head`` (8 bytes) is not in an
    allowed format, or None when it is."""
    magic = ALLOWED_FORMATS.get(media_type)
    if magic is None:
        return f"format {media_type or 'none'} is not allowed"
    if not head.startswith(magic) and not (
        media_type == "image/tiff" and head.startswith(_TIFF_BIG_ENDIAN)
    ):
        return f"its bytes are not {media_type}"
    return None


def _number_checks(root: Path, entries: list[_Catalogued]) -> list[CheckItem]:
    """A2: every 档号 follows the package's rule, its 顺序号 run 1..n without gaps."""
    pattern = _number_pattern(root)
    problems = [pattern] if isinstance(pattern, str) else []
    sequences: dict[str, set[int]] = defaultdict(set)
    for entry in entries:
        archive_no = entry.values.get("档号", "")
        if not isinstance(pattern, str) and not pattern.match(archive_no):
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


def _number_pattern(root: Path) -> re.Pattern[str] | str:
    """The 档号 rule of 其他/档号规则.txt as a regular expression, or why it cannot be read."""
    try:
        text = (root / NUMBER_RULE).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return f"{NUMBER_RULE} cannot be read ({exc})"
    found = dict(re.findall(r"^(档号格式|全宗号): (.+)$", text, flags=re.MULTILINE))
    if "档号格式" not in found or "全宗号" not in found:
        return f"{NUMBER_RULE} has no 档号格式 and 全宗号 lines"
    try:
        return ArchiveNumberPattern(pattern=found["档号格式"], fonds=found["全宗号"]).matcher()
    except (SettingsError, ValueError) as exc:
        # A damaged rule line is a failure of the package, not of the settings here.
        return f"{NUMBER_RULE}: 档号格式 {found['档号格式']!r} is not a usable rule ({exc})"


def _pdf_checks(root: Path, entries: list[_Catalogued]) -> list[CheckItem]:
    """U3 PDF/A declared on long-term copies; S1 no encryption; S2 no scripts or embedded files."""
    found = PdfFindings()
    for entry in entries:
        path = root / entry.path
        if entry.values.get("格式") == "application/pdf" and path.is_file():
            found.inspect(path, name=entry.path, long_term=entry.values.get("版本") == "长期保存")
    return pdf_items(found)


def pdf_items(found: PdfFindings) -> list[CheckItem]:
    """U3, S1 and S2 of what ``found`` holds (a package's PDFs or the stored archive's)."""
    return [
        result_item(
            "U3",
            "usability",
            "长期保存版本为 PDF/A-2b（XMP 标识、输出意图）",
            found.not_pdfa,
            "declared PDF/A-2b",
        ),
        result_item("S1", "security", "文件未加密", found.encrypted, "no encryption"),
        result_item(
            "S2",
            "security",
            "无脚本、动作和嵌入文件",
            found.active,
            "no scripts, actions or embedded files",
        ),
    ]


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
