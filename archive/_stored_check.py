"""The scheduled 四性检测 of the stored archive (``yekuo archive check --stored``, for cron).

Over every archived case in the database: the originals and archival copies in the object
store still hash to their digests (authenticity), every catalogued document has its copy
(integrity), the 档号 follow the pattern and each year's 件号 run from 1 without gaps
(authenticity). The report has the same shape as a package's.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from archive._archive_numbers import ArchiveNumberPattern
from archive._catalogue import catalogued_documents
from archive._four_checks import CheckItem, CheckReport, result_item
from archive.db._models import Case
from archive.storage._protocol import ObjectStore

STORED_DIGESTS = "存储的原件与长期保存版本摘要一致"
YEARLY_NUMBERS = "档号符合档号规则，每年件号连续无空号"
COPIES_MADE = "每份归档文件均有长期保存版本"


def check_stored(
    session: Session, *, store: ObjectStore, pattern: ArchiveNumberPattern
) -> CheckReport:
    """The 四性检测 of what is archived in the database and the object store."""
    cases = list(session.scalars(select(Case).where(Case.archived_at.is_not(None))).unique())
    damaged, without_copy = [], []
    for case in cases:
        for document in catalogued_documents(case):
            where = f"{case.archive_no} document {document.id}"
            if not store.verify(document.sha256):
                damaged.append(f"{where}: the original is altered or missing")
            if document.archival_sha256 is None:
                without_copy.append(f"{where}: no archival copy")
            elif not store.verify(document.archival_sha256):
                damaged.append(f"{where}: the archival copy is altered or missing")
    # A re-opened case keeps its 档号, so the numbers are those of every case that has one.
    numbered = session.scalars(select(Case).where(Case.archive_no.is_not(None))).unique()
    numbers = _number_problems(list(numbered), pattern)
    items: list[CheckItem] = [
        result_item("A1", "authenticity", "存储的原件与长期保存版本摘要一致", damaged, "all match"),
        result_item(
            "A2", "authenticity", "档号符合档号规则，每年件号连续无空号", numbers, "no gaps"
        ),
        result_item(
            "I2", "integrity", "每份归档文件均有长期保存版本", without_copy, "all have one"
        ),
    ]
    return CheckReport(passed=all(i.result != "fail" for i in items), items=items)


def _number_problems(cases: list[Case], pattern: ArchiveNumberPattern) -> list[str]:
    matcher = pattern.matcher()
    numbers: dict[int, set[int]] = defaultdict(set)
    problems = []
    for case in cases:
        match = matcher.match(case.archive_no or "")
        if match is None:
            problems.append(
                f"case {case.case_no}: 档号 {case.archive_no!r} does not follow the rule"
            )
            continue
        numbers[int(match.group("year"))].add(int(match.group("number")))
    for year, taken in sorted(numbers.items()):
        gaps = sorted(set(range(1, max(taken) + 1)) - taken)
        if gaps:
            problems.append(f"{year}: 件号 {', '.join(map(str, gaps))} are not on an archived case")
    return problems
