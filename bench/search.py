"""Search speed: indexing documents/s and query latency p50/p95 for each kind of query.

Generates N synthetic documents of 业扩 cases (ID cards, application forms, business
licences, contracts, survey records, drawings: text like the real ones, no OCR), indexes
them into the chosen backend with ``index_many`` and times queries of five kinds: a
person's name, a company name (whole or part), a phrase from a document, an identifier typed
loosely (spaces, lower-case x) and a filtered search (a name or a phrase narrowed by document
type and dates, or a case browsed).

    .venv/bin/python -m bench.search [--backend embedded|elasticsearch] [--count 10000]
        [--queries 200] [--url http://127.0.0.1:9200] [--keep DIR | --index NAME] [--reuse]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from random import Random

from search import (
    ElasticsearchSearchIndex,
    IndexedDocument,
    SearchIndex,
    SearchQuery,
    SqliteSearchIndex,
)

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红鹏辉建国志文斌波宇浩凯晨"
    "欣怡子涵思雨梓轩博文俊杰雪梅海燕春生"
)
CITIES = ["北京市朝阳区", "北京市海淀区", "上海市浦东新区", "广州市天河区", "南京市鼓楼区"]
ROADS = ["光华路", "中关村大街", "世纪大道", "天河路", "中山北路", "建国门外大街", "长安街"]
BRANDS = ["华能", "国泰", "恒通", "瑞丰", "嘉禾", "中科", "远航", "鑫源", "宏达", "博远", "金桥"]
TRADES = ["电子科技", "机械制造", "食品加工", "物流", "房地产开发", "医药", "纺织", "建材"]
COMPANY_FORMS = ["有限公司", "股份有限公司", "有限责任公司"]
SUPPLIERS = [
    "国网北京市电力公司",
    "国网上海市电力公司",
    "广东电网有限责任公司",
    "国网江苏省电力公司",
]
TYPES = ["id_card", "application_form", "supply_contract", "site_survey_record", "design_drawing"]
STAGES = {
    "id_card": "application",
    "business_license": "application",
    "application_form": "application",
    "site_survey_record": "site_survey",
    "design_drawing": "design_review",
    "supply_contract": "connection",
}
PHRASES = [
    "供电方案",
    "计量方式",
    "竣工检验",
    "现场勘查",
    "供电容量",
    "受电设施",
    "高供高计",
    "电能表",
]
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def citizen_id(rng: Random, birth: dt.date) -> str:
    """A synthetic 18-digit citizen ID with a correct GB 11643 check character."""
    body = f"11010{rng.randrange(1, 9)}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    return body + "10X98765432"[sum(int(c) * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11]


@dataclass
class Samples:
    """What the queries are drawn from, collected while the corpus is generated."""

    names: list[str] = field(default_factory=list)
    companies: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    cases: list[str] = field(default_factory=list)


@dataclass
class Case:
    """One synthetic case: its number, customer and identifiers."""

    case_no: str
    person: str
    id_number: str
    company: str | None
    credit_code: str
    address: str
    day: dt.date


def _case(rng: Random, n: int) -> Case:
    person = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2, 2, 2))))
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(20000))
    company = None
    if rng.random() < 0.4:
        company = (
            rng.choice(CITIES)[:2]
            + rng.choice(BRANDS)
            + rng.choice(TRADES)
            + rng.choice(COMPANY_FORMS)
        )
    return Case(
        case_no=f"YK-{2020 + n % 7}-{n:06d}",
        person=person,
        id_number=citizen_id(rng, birth),
        company=company,
        credit_code=f"91{rng.randrange(10**15):015d}{rng.choice('0123456789ABCDEFGHJKLMNPQRTUWXY')}",
        address=f"{rng.choice(CITIES)}{rng.choice(ROADS)}{rng.randrange(1, 300)}号",
        day=dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2500)),
    )


def _text(rng: Random, case: Case, doc_type: str) -> tuple[str, dict[str, str]]:
    customer = case.company or case.person
    if doc_type == "id_card":
        text = (
            f"中华人民共和国 居民身份证 姓名 {case.person} 性别 {rng.choice('男女')} 民族 汉 "
            f"出生 {case.id_number[6:10]}年{int(case.id_number[10:12])}月 住址 {case.address} "
            f"公民身份号码 {case.id_number} 签发机关 公安局 有效期限 {case.day:%Y.%m.%d}-长期"
        )
        return text, {"name": case.person, "id_number": case.id_number, "valid_from": str(case.day)}
    if doc_type == "application_form" and case.company:
        text = (
            f"营业执照 统一社会信用代码 {case.credit_code} 名称 {case.company} 类型 有限责任公司 "
            f"法定代表人 {case.person} 住所 {case.address} 成立日期 {case.day:%Y年%m月%d日}"
        )
        fields = {"company_name": case.company, "credit_code": case.credit_code}
        return text, fields | {"legal_representative": case.person}
    if doc_type == "application_form":
        text = (
            f"低压居民用电申请表 客户名称 {customer} 证件号码 {case.id_number} 用电地址 "
            f"{case.address} 申请容量 {rng.choice((8, 10, 16, 20))}kVA 联系电话 "
            f"139{rng.randrange(10**8):08d} 业务类型 新装 申请日期 {case.day:%Y-%m-%d}"
        )
        return text, {"customer_name": customer, "id_number": case.id_number, "date": str(case.day)}
    if doc_type == "supply_contract":
        contract_no = f"GD-HT-{case.case_no[3:]}"
        text = (
            f"供用电合同 合同编号 {contract_no} 供电人 {rng.choice(SUPPLIERS)} 用电人 {customer} "
            f"用电地址 {case.address} 供电方式 {rng.choice(('低压', '10kV'))}供电 计量方式 "
            f"{rng.choice(('高供高计', '高供低计', '低供低计'))} 双方就供用电事宜经协商一致 "
            f"签订本合同 以资共同遵守 签订日期 {case.day:%Y年%m月%d日}"
        )
        return text, {
            "contract_no": contract_no,
            "customer_name": customer,
            "signed_date": str(case.day),
        }
    if doc_type == "site_survey_record":
        text = (
            f"现场勘查记录 客户 {customer} 地址 {case.address} 勘查人员 {rng.choice(SURNAMES)}工 "
            f"供电电源 {rng.choice(ROADS)}{rng.randrange(1, 9)}号开闭所 受电设施 具备条件 "
            f"结论 {rng.choice(PHRASES)} 符合要求 勘查日期 {case.day:%Y-%m-%d}"
        )
        return text, {"customer_name": customer, "date": str(case.day)}
    text = (
        f"设计图纸 项目名称 {customer}配电工程 图号 DQ-{case.case_no[3:]} 设计单位 "
        f"{rng.choice(CITIES)[:2]}电力设计院 {rng.choice(PHRASES)} 日期 {case.day:%Y-%m-%d}"
    )
    return text, {"project_name": f"{customer}配电工程", "date": str(case.day)}


def corpus(count: int, samples: Samples, seed: int = 7) -> Iterator[IndexedDocument]:
    """``count`` documents, five per case, sampling query material as it goes."""
    rng = Random(seed)
    for n in range(count):
        if n % len(TYPES) == 0:
            case = _case(rng, n // len(TYPES))
            if rng.random() < 0.05:
                samples.names.append(case.person)
                samples.identifiers.append(case.id_number)
                samples.cases.append(case.case_no)
                if case.company:
                    samples.companies.append(case.company)
        doc_type = TYPES[n % len(TYPES)]
        text, fields = _text(rng, case, doc_type)
        if doc_type == "application_form" and case.company:
            doc_type = "business_license"
        if rng.random() < 0.02:
            start = rng.randrange(len(text) - 8)
            samples.phrases.append(text[start : start + rng.randrange(4, 9)])
        yield IndexedDocument(
            document_id=f"doc-{n:07d}",
            case_no=case.case_no,
            doc_type=doc_type,
            stage=STAGES[doc_type],
            category="high_voltage" if case.company else "residential",
            business_type="new",
            customer_name=case.company or case.person,
            date=dt.date.fromisoformat(
                fields.get("signed_date", fields.get("date", str(case.day)))
            ),
            text=text,
            fields=fields,
        )


def _loosely(identifier: str, rng: Random) -> str:
    """An identifier as an auditor might type it: spaced in fours, or lower-case."""
    if rng.random() < 0.5:
        return " ".join(identifier[i : i + 4] for i in range(0, len(identifier), 4))
    return identifier.lower()


def queries(samples: Samples, per_kind: int, seed: int = 11) -> dict[str, list[SearchQuery]]:
    """``per_kind`` queries of each kind drawn from ``samples``."""
    rng = Random(seed)

    def some(pick: Callable[[], SearchQuery]) -> list[SearchQuery]:
        return [pick() for _ in range(per_kind)]

    def company() -> str:
        name = rng.choice(samples.companies)
        return name if rng.random() < 0.5 else name[2:6]

    def filtered() -> SearchQuery:
        if rng.random() < 0.3:
            return SearchQuery(case_no=rng.choice(samples.cases).lower())
        start = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2000))
        return SearchQuery(
            q=rng.choice(samples.names + PHRASES),
            doc_type=rng.choice(TYPES),
            date_from=start,
            date_to=start + dt.timedelta(days=365),
        )

    return {
        "name": some(lambda: SearchQuery(q=rng.choice(samples.names))),
        "company": some(lambda: SearchQuery(q=company())),
        "phrase": some(lambda: SearchQuery(q=rng.choice(samples.phrases))),
        "identifier": some(lambda: SearchQuery(q=_loosely(rng.choice(samples.identifiers), rng))),
        "filtered": some(filtered),
    }


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def time_queries(index: SearchIndex, kinds: dict[str, list[SearchQuery]]) -> None:
    """Run every query once to warm up, then time each; print p50/p95 per kind.

    The untimed pass lets caches fill and, on Elasticsearch, the merges that follow a bulk
    load finish: the figures are for an index in service, not one still being written.
    """
    for batch in kinds.values():
        for query in batch:
            index.search(query)
    print(f"{'kind':<12}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'mean hits':>11}")
    for kind, batch in kinds.items():
        seconds: list[float] = []
        totals: list[int] = []
        for query in batch:
            started = time.perf_counter()
            totals.append(index.search(query).total)
            seconds.append(time.perf_counter() - started)
        ms = [s * 1000 for s in seconds]
        print(
            f"{kind:<12}{_percentile(ms, 0.5):9.1f}{_percentile(ms, 0.95):9.1f}"
            f"{max(ms):9.1f}{statistics.mean(totals):11.1f}"
        )


def _open(args: argparse.Namespace, directory: Path) -> SearchIndex:
    if args.backend == "embedded":
        return SqliteSearchIndex(directory / "search.db")
    return ElasticsearchSearchIndex(args.url, args.index or f"yekuo-bench-{uuid.uuid4().hex[:8]}")


def _load(index: SearchIndex, args: argparse.Namespace, samples: Samples) -> None:
    index.clear()
    started = time.perf_counter()
    indexed = index.index_many(corpus(args.count, samples))
    seconds = time.perf_counter() - started
    print(f"{args.backend}: indexed {indexed} documents in {seconds:.1f} s "
          f"= {indexed / seconds:.0f} documents/s")  # fmt: skip
    if isinstance(index, SqliteSearchIndex):
        started = time.perf_counter()
        index.optimize()
        print(f"optimize: {time.perf_counter() - started:.1f} s")


def run(args: argparse.Namespace, directory: Path) -> None:
    """Index the corpus into a fresh index and time the queries."""
    samples = Samples()
    with _open(args, directory) as index:
        if args.reuse:
            for _document in corpus(args.count, samples):
                pass  # only the samples: the documents are in the kept index already
            print(f"{args.backend}: reusing {index.count()} documents")
        else:
            _load(index, args, samples)
        time_queries(index, queries(samples, args.queries))
        if isinstance(index, ElasticsearchSearchIndex) and not args.index:
            index.drop()


def main() -> None:
    """Parse the arguments, run the benchmark in a temporary directory, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("embedded", "elasticsearch"), default="embedded")
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=200, help="queries of each kind")
    parser.add_argument("--url", default="http://127.0.0.1:9200", help="Elasticsearch URL")
    parser.add_argument("--index", default="", help="Elasticsearch index (kept); default: temp")
    parser.add_argument("--keep", type=Path, help="directory for the embedded index (kept)")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="time the queries on the index kept by an earlier run of the same --count",
    )
    args = parser.parse_args()
    if args.keep:
        run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="yekuo-bench-") as directory:
            run(args, Path(directory))


if __name__ == "__main__":
    main()
