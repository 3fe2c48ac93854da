"""The transfer package (移交) of archived cases, laid out as the 移交与接收办法 asks::

    说明文件.txt                      what the package holds, who made it, when, software needed
    文件目录.xml                      UTF-8, one <文件> per file of 电子档案/ (see FILE_ELEMENTS)
    电子档案/<年度>/<档号>/NNN-<type>-原件.<ext>       each original, as stored
    电子档案/<年度>/<档号>/NNN-<type>-长期保存.pdf     its PDF/A-2b copy
    其他/文件目录.xsd                 the catalogue's XML schema
    其他/档号规则.txt                 how a 档号 is made (read back by the 四性检测)
    其他/移交登记表.txt               the transfer form: cases, files, bytes, who hands over
    其他/四性检测报告.json            the 四性检测 of the package as written
    其他/摘要清单.xml                 size, SHA256 and SM3 of each file above but 电子档案/

Every byte written comes from the object store and is checked against the database's
digest first: a package is never made from a damaged original.
"""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from archive._archive_numbers import ArchiveNumberPattern
from archive._auth import Actor
from archive._catalogue import CatalogueEntry, catalogue, catalogued_documents
from archive._digests import file_digests, sha256_hex, sm3_hex
from archive._errors import ConflictError, DamagedOriginalError
from archive._four_checks import (
    CATALOGUE,
    MANIFEST,
    NUMBER_RULE,
    OWN_FILES,
    REPORT,
    SCHEMA,
    CheckReport,
    check_package,
)
from archive._vocabulary import LABELS_ZH
from archive.db._models import Case, Document, utcnow
from archive.rules._model import RuleBook
from archive.storage._protocol import ObjectStore

README = "说明文件.txt"
RECORDS_DIR = "电子档案"
OTHER_DIR = "其他"
REGISTER = f"{OTHER_DIR}/移交登记表.txt"
CLASSIFICATION = "内部"
"""密级 of every record: 业扩 files hold customers' personal data."""
_EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


@dataclass(frozen=True)
class PackageFile:
    """One file of 电子档案/ as its <文件> in the catalogue."""

    entry: CatalogueEntry
    archive_no: str
    version: str
    media_type: str
    path: str
    size: int
    sha256: str
    sm3: str


def export_package(
    cases: list[Case],
    *,
    out: Path,
    store: ObjectStore,
    book: RuleBook,
    pattern: ArchiveNumberPattern,
    actor: Actor,
) -> CheckReport:
    """Write the transfer package of ``cases`` (all archived) into the empty or new ``out``,
    then run the 四性检测 on it, write its report into the package and return it."""
    for case in cases:
        if case.archived_at is None or case.archive_no is None:
            raise ConflictError(
                f"case {case.case_no} is not archived; archive it before exporting it"
            )
    if out.exists() and any(out.iterdir()):
        raise ConflictError(f"{out} is not empty; export into a new or empty folder")
    out.mkdir(parents=True, exist_ok=True)
    files = [
        f for case in cases for f in _write_case(case, out, store=store, book=book, pattern=pattern)
    ]
    (out / CATALOGUE).write_bytes(catalogue_xml(files, fonds=pattern.fonds))
    (out / OTHER_DIR).mkdir(exist_ok=True)
    schema = resources.files("archive").joinpath("transfer_catalogue.xsd").read_bytes()
    (out / SCHEMA).write_bytes(schema)
    (out / NUMBER_RULE).write_text(number_rule_text(pattern), encoding="utf-8")
    now = utcnow()
    (out / README).write_text(_readme(cases, files, actor=actor, at=now), encoding="utf-8")
    (out / REGISTER).write_text(_register(cases, files, actor=actor, at=now), encoding="utf-8")
    before_report = [name for name in OWN_FILES if name != REPORT]
    (out / MANIFEST).write_bytes(manifest_xml(out, names=before_report))
    report = check_package(out, expect_report=False)
    (out / REPORT).write_text(
        json.dumps(report.model_dump(), ensure_ascii=False, indent=2), encoding="utf-8"
    )
    (out / MANIFEST).write_bytes(manifest_xml(out, names=list(OWN_FILES)))
    return report


def _write_case(
    case: Case, out: Path, *, store: ObjectStore, book: RuleBook, pattern: ArchiveNumberPattern
) -> list[PackageFile]:
    archive_no = case.archive_no or ""
    match = pattern.matcher().match(archive_no)
    year = match.group("year") if match else str(case.archived_at.year if case.archived_at else "")
    folder = Path(RECORDS_DIR, year, archive_no)
    (out / folder).mkdir(parents=True, exist_ok=True)
    written = []
    for entry, document in zip(catalogue(case, book=book), catalogued_documents(case), strict=True):
        stem = f"{entry.sequence:03d}-{entry.doc_type}"
        original = _stored(store, document, document.sha256, what="original")
        extension = _EXTENSIONS.get(document.media_type, "tif")
        versions = [("原件", document.media_type, f"{stem}-原件.{extension}", original)]
        if document.archival_sha256:
            copy = _stored(store, document, document.archival_sha256, what="archival copy")
            versions.append(("长期保存", "application/pdf", f"{stem}-长期保存.pdf", copy))
        for version, media_type, name, data in versions:
            (out / folder / name).write_bytes(data)
            written.append(
                PackageFile(
                    entry=entry,
                    archive_no=archive_no,
                    version=version,
                    media_type=media_type,
                    path=(folder / name).as_posix(),
                    size=len(data),
                    sha256=sha256_hex(data),
                    sm3=sm3_hex(data),
                )
            )
    return written


def _stored(store: ObjectStore, document: Document, sha256: str, *, what: str) -> bytes:
    data = store.get_bytes(sha256)
    if sha256_hex(data) != sha256:
        raise DamagedOriginalError(
            f"the stored {what} of document {document.id} (case {document.case.case_no}) no "
            "longer matches its sha256; restore it and run `yekuo verify` before exporting",
            found="altered",
        )
    return data


def catalogue_xml(files: list[PackageFile], *, fonds: str) -> bytes:
    """文件目录.xml: one <文件> per file, in package order."""
    root = ET.Element("文件目录", {"全宗号": fonds})
    for f in files:
        element = ET.SubElement(root, "文件")
        values = {
            "顺序号": str(f.entry.sequence),
            "档号": f.archive_no,
            "责任者": f.entry.author,
            "题名": f.entry.title,
            "日期": f.entry.date.isoformat(),
            "密级": CLASSIFICATION,
            "保管期限": LABELS_ZH[f.entry.retention],
            "页数": str(f.entry.pages),
            "起止页号": f.entry.page_range,
            "版本": f.version,
            "格式": f.media_type,
            "大小": str(f.size),
            "电子档案名称": f.path,
            "SHA256": f.sha256,
            "SM3": f.sm3,
        }
        for name, value in values.items():
            ET.SubElement(element, name).text = value
    ET.indent(root)
    text: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def manifest_xml(root: Path, *, names: list[str]) -> bytes:
    """其他/摘要清单.xml: the size, SHA256 and SM3 of each of the package's own ``names``."""
    manifest = ET.Element("摘要清单")
    for name in names:
        sha256, sm3 = file_digests(root / name)
        element = ET.SubElement(manifest, "文件")
        values = {"文件名": name, "大小": str((root / name).stat().st_size)}
        for tag, value in {**values, "SHA256": sha256, "SM3": sm3}.items():
            ET.SubElement(element, tag).text = value
    ET.indent(manifest)
    text: bytes = ET.tostring(manifest, encoding="utf-8", xml_declaration=True)
    return text + b"\n"


def number_rule_text(pattern: ArchiveNumberPattern) -> str:
    """其他/档号规则.txt: the rule in words, and the two lines the 四性检测 reads back."""
    return (
        "档号规则\n\n"
        f"档号格式: {pattern.pattern}\n"
        f"全宗号: {pattern.fonds}\n\n"
        "{fonds} 全宗号；YK 业扩报装类；{year} 年度；"
        "{retention} 保管期限代码（Y 永久，D30 定期30年，D10 定期10年）；"
        "{number} 件号，每年从 1 起连续编号，不留空号。\n"
        "卷内文件以顺序号从 1 起连续排列；起止页号在件内连续。\n"
    )


def _readme(cases: list[Case], files: list[PackageFile], *, actor: Actor, at: dt.datetime) -> str:
    return (
        "说明文件\n\n"
        f"内容: 业扩报装档案 {len(cases)} 件（{', '.join(c.archive_no or '' for c in cases)}），"
        f"电子文件 {len(files)} 个，每份文件有原件及其长期保存格式（PDF/A-2b，含识别文字层）。\n"
        f"移交人: {actor.name}\n"
        f"生成时间: {at.isoformat(timespec='seconds')}\n"
        "生成软件: yekuo（业扩档案系统）\n"
        "所需软件: PDF/A 阅读器（任一 PDF 阅读器），JPEG/PNG/TIFF 图像查看器，"
        "XML 查看器（文件目录.xml 为 UTF-8 编码，结构见 其他/文件目录.xsd）。\n"
        "校验: 文件目录.xml 列出电子档案/下每个文件的 SHA256 与 SM3（GB/T 32905）摘要，"
        "其他/摘要清单.xml 列出本说明文件、文件目录.xml 与 其他/ 下各文件的摘要；"
        "四性检测报告见 其他/四性检测报告.json，可用 `yekuo archive check 本目录` 重新检测。\n"
    )


def _register(cases: list[Case], files: list[PackageFile], *, actor: Actor, at: dt.datetime) -> str:
    lines = [
        "移交登记表",
        "",
        f"移交时间: {at.isoformat(timespec='seconds')}",
        f"移交人: {actor.name}",
        "接收人: （签字）",
        f"档案件数: {len(cases)}",
        f"电子文件数: {len(files)}",
        f"总字节数: {sum(f.size for f in files)}",
        "",
        "档号\t业务编号\t文件数",
    ]
    for case in cases:
        count = sum(1 for f in files if f.archive_no == case.archive_no)
        lines.append(f"{case.archive_no}\t{case.case_no}\t{count}")
    lines += ["", "载体检查: （由接收人检查并签字）", "病毒检查: （由接收人检查并签字）", ""]
    return "\n".join(lines)
