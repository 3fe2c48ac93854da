"""The SearchIndex contract, run against every implementation on one synthetic corpus.

The Elasticsearch parametrisation needs a real server (``scripts/services.sh start
elasticsearch``): it reads ``YEKUO_TEST_ELASTICSEARCH_URL`` and works in an index of its own,
deleted afterwards. Every query asserts the exact hit set, so both backends return the same.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from search import (
    COUNT_CAP,
    ElasticsearchSearchIndex,
    IndexedDocument,
    SearchError,
    SearchIndex,
    SearchQuery,
    SearchUnavailableError,
    SqliteSearchIndex,
)
from search._plan import (
    SCORE_FIELD_ID,
    SCORE_ID_PREFIX,
    SCORE_ID_TEXT,
    SCORE_NAME_EXACT,
    SCORE_TERM_IN_NAME,
    SCORE_TERM_IN_TEXT,
    SCORE_TEXT_ID,
)
from tests.databases import missing_server

WANG_ID = "110101199003074514"
LI_ID = "11010519491231002X"
CREDIT_CODE = "91310110666007217T"
COMPANY = "北京华能电子科技有限公司"


def _doc(document_id: str, case_no: str, doc_type: str, **values: object) -> IndexedDocument:
    return IndexedDocument.model_validate(
        {"document_id": document_id, "case_no": case_no, "doc_type": doc_type, **values}
    )


def _wang(document_id: str, doc_type: str, **values: object) -> IndexedDocument:
    common = {"category": "residential", "business_type": "new", "customer_name": "王小明"}
    return _doc(document_id, "YK-2026-0101", doc_type, **(common | values))


def _li(document_id: str, doc_type: str, **values: object) -> IndexedDocument:
    common = {"category": "residential", "business_type": "new", "customer_name": "李小明"}
    return _doc(document_id, "YK-2026-0102", doc_type, **(common | values))


def _company(document_id: str, doc_type: str, **values: object) -> IndexedDocument:
    common = {"category": "high_voltage", "business_type": "new", "customer_name": COMPANY}
    return _doc(document_id, "YK-2026-0103", doc_type, **(common | values))


def _minghua(document_id: str, doc_type: str, **values: object) -> IndexedDocument:
    common = {"category": "residential", "business_type": "capacity_increase"}
    return _doc(
        document_id, "YK-2026-0104", doc_type, **(common | {"customer_name": "明华"} | values)
    )


CORPUS = [
    _wang(
        "d01",
        "id_card",
        stage="application",
        date=dt.date(2020, 1, 15),
        text=f"姓名 王小明 性别 男 民族 汉 出生 1990年3月7日 住址 北京市东城区景山前街4号 "
        f"公民身份号码 {WANG_ID}",
        fields={"name": "王小明", "id_number": WANG_ID, "valid_from": "2020-01-15"},
    ),
    _wang(
        "d02",
        "application_form",
        stage="application",
        date=dt.date(2026, 3, 2),
        text=f"低压居民用电申请表 客户名称 王小明 证件号码 {WANG_ID} 用电地址 北京市东城区"
        "景山前街4号 申请容量 8kVA 联系电话 13800000001",
        fields={"customer_name": "王小明", "id_number": WANG_ID, "capacity_kva": "8"},
    ),
    _wang(
        "d03",
        "supply_contract",
        stage="connection",
        date=dt.date(2026, 4, 10),
        text="供用电合同 合同编号 GD-HT-2026-0101 供电人 国网北京市电力公司 用电人 王小明 "
        f"身份证号 {WANG_ID} 双方就供用电事宜签订本合同",
        fields={"contract_no": "GD-HT-2026-0101", "customer_name": "王小明"},
    ),
    _wang(
        "d04",
        "site_survey_record",
        stage="site_survey",
        date=dt.date(2026, 3, 9),
        text="现场勘查记录 勘查人员 张伟 供电电源 10kV 景山线 接入方式 低压接入 结论 具备供电条件",
    ),
    _li(
        "d05",
        "id_card",
        stage="application",
        date=dt.date(2019, 6, 1),
        text=f"姓名 李小明 性别 女 民族 汉 住址 北京市西城区金融街1号 公民身份号码 {LI_ID}",
        fields={"name": "李小明", "id_number": LI_ID},
    ),
    _li(
        "d06",
        "application_form",
        stage="application",
        date=dt.date(2026, 2, 20),
        text="低压居民用电申请表 客户名称 李小明 证件号码 1101 0519 4912 3100 2X 申请容量 6kVA",
        fields={"customer_name": "李小明", "id_number": LI_ID},
    ),
    _company(
        "d07",
        "business_license",
        stage="application",
        date=dt.date(2015, 6, 1),
        text=f"营业执照 统一社会信用代码 {CREDIT_CODE} 名称 {COMPANY} 类型 有限责任公司 "
        "法定代表人 王芳 住所 北京市海淀区中关村大街27号",
        fields={
            "company_name": COMPANY,
            "credit_code": CREDIT_CODE,
            "legal_representative": "王芳",
            "established_date": "2015-06-01",
        },
    ),
    _company(
        "d08",
        "supply_contract",
        stage="connection",
        date=dt.date(2026, 5, 20),
        text=f"高压供用电合同 合同编号 GD-HT-2026-0103 用电人 {COMPANY} 法定代表人 王芳 "
        "供电容量 800kVA 计量方式 高供高计",
        fields={"contract_no": "GD-HT-2026-0103", "customer_name": COMPANY},
    ),
    _company(
        "d09",
        "design_drawing",
        stage="design_review",
        date=dt.date(2026, 4, 1),
        text="设计图纸 项目名称 华能电子厂房配电工程 图号 DQ-2026-017 设计单位 北京电力设计院",
        fields={"project_name": "华能电子厂房配电工程", "drawing_no": "DQ-2026-017"},
    ),
    _minghua(
        "d10",
        "id_card",
        stage="application",
        date=dt.date(2021, 8, 8),
        text="姓名 明华 性别 男 住址 北京市东城区王府井大街1号 公民身份号码 110101198808081234",
        fields={"name": "明华", "id_number": "110101198808081234"},
    ),
    _minghua(
        "d11",
        "other",
        stage="application",
        text="情况说明 客户明华因房屋翻修申请增容 小区物业王经理已知悉",
    ),
]
WANG_DOCS = {"d01", "d02", "d03", "d04"}
COMPANY_DOCS = {"d07", "d08", "d09"}


def _es_url() -> str:
    url = os.environ.get("YEKUO_TEST_ELASTICSEARCH_URL")
    if not url:
        missing_server("Elasticsearch", "YEKUO_TEST_ELASTICSEARCH_URL")
    return url


@pytest.fixture(scope="module")
def es_indices() -> Iterator[list[str]]:
    """Names of the test indices made in this module, deleted at its end."""
    made: list[str] = []
    yield made
    if made:
        with Elasticsearch(_es_url()) as client:
            client.indices.delete(index=",".join(made), ignore_unavailable=True)


def _open(
    backend: str, directory: Path, es_indices: list[str], *, count_cap: int = COUNT_CAP
) -> SearchIndex:
    if backend == "embedded":
        return SqliteSearchIndex(directory / "search.db", count_cap=count_cap)
    name = f"yekuo-test-{uuid.uuid4().hex[:12]}"
    es_indices.append(name)
    return ElasticsearchSearchIndex(_es_url(), name, count_cap=count_cap)


BACKENDS = ["embedded", "elasticsearch"]


@pytest.fixture(params=BACKENDS)
def empty(
    request: pytest.FixtureRequest, tmp_path: Path, es_indices: list[str]
) -> Iterator[SearchIndex]:
    """A fresh, empty index of each backend."""
    with _open(request.param, tmp_path, es_indices) as index:
        yield index


@pytest.fixture(scope="module", params=BACKENDS)
def corpus(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    es_indices: list[str],
) -> Iterator[SearchIndex]:
    """The corpus indexed once per backend, shared by the tests that only read it."""
    with _open(request.param, tmp_path_factory.mktemp("search"), es_indices) as index:
        assert index.index_many(CORPUS) == len(CORPUS)
        yield index


CAP = 3


@pytest.fixture(scope="module", params=BACKENDS)
def capped(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    es_indices: list[str],
) -> Iterator[SearchIndex]:
    """The corpus in an index of each backend that counts matches only up to ``CAP``."""
    directory = tmp_path_factory.mktemp("capped")
    with _open(request.param, directory, es_indices, count_cap=CAP) as index:
        index.index_many(CORPUS)
        yield index


def _ids(index: SearchIndex, **query: object) -> list[str]:
    result = index.search(SearchQuery.model_validate({"limit": 100} | query))
    return [hit.document_id for hit in result.hits]


SAME_HITS = [
    pytest.param("王小明", WANG_DOCS, id="three-character-name"),
    pytest.param("小明", WANG_DOCS | {"d05", "d06"}, id="two-characters-in-two-names"),
    pytest.param("李小明", {"d05", "d06"}, id="other-name"),
    pytest.param("王芳", {"d07", "d08"}, id="legal-representative"),
    pytest.param("明华", {"d10", "d11"}, id="two-character-name"),
    pytest.param(COMPANY, COMPANY_DOCS, id="company-name"),
    pytest.param("华能电子", COMPANY_DOCS, id="part-of-company-name"),
    pytest.param("供用电合同", {"d03", "d08"}, id="phrase"),
    pytest.param("合同 王小明", {"d03"}, id="all-terms-required"),
    pytest.param("景山 勘查", {"d04"}, id="two-words"),
    pytest.param("10KV", {"d04"}, id="latin-word-any-case"),
    pytest.param("ＧＤ", {"d03", "d08"}, id="full-width-word"),
    pytest.param("王府井", {"d10"}, id="place"),
    pytest.param(WANG_ID, {"d01", "d02", "d03"}, id="citizen-id"),
    pytest.param("1101 0119 9003 0745 14", {"d01", "d02", "d03"}, id="citizen-id-spaced"),
    pytest.param("11010519491231002x", {"d05", "d06"}, id="citizen-id-lower-x"),
    pytest.param(
        "１１０１０５１９４９１２３１００２Ｘ", {"d05", "d06"}, id="citizen-id-full-width"
    ),
    pytest.param(CREDIT_CODE.lower(), {"d07"}, id="credit-code"),
    pytest.param("gd-ht-2026-0101", {"d03"}, id="contract-number"),
    pytest.param("yk 2026 0103", COMPANY_DOCS, id="case-number"),
    pytest.param("1101011990", {"d01", "d02", "d03"}, id="identifier-prefix"),
    pytest.param("王大明", set(), id="no-such-name"),
    pytest.param("，。！？", set(), id="punctuation-only"),
]


@pytest.mark.parametrize(("q", "expected"), SAME_HITS)
def test_query_finds_exactly_its_documents(corpus: SearchIndex, q: str, expected: set[str]) -> None:
    result = corpus.search(SearchQuery(q=q, limit=100))
    assert {hit.document_id for hit in result.hits} == expected
    assert result.total == len(expected) == corpus.count(SearchQuery(q=q))


def test_a_name_finds_id_card_form_and_contract_above_shared_characters(
    corpus: SearchIndex,
) -> None:
    found = _ids(corpus, q="王小明")
    assert {"d01", "d02", "d03"} <= set(found)
    assert not {"d05", "d06", "d10", "d11"} & set(found)  # share 小明, 王 or 明 only
    one_char = _ids(corpus, q="王")
    assert set(one_char) == WANG_DOCS | {"d07", "d08", "d10", "d11"}
    named = WANG_DOCS | {"d07"}  # 王 in a name, not only in the text
    assert set(one_char[: len(named)]) == named


def test_an_exact_name_ranks_first(corpus: SearchIndex) -> None:
    assert _ids(corpus, q="王芳")[0] == "d07"
    assert set(_ids(corpus, q="华能电子")[:3]) == COMPANY_DOCS


def test_ranked_order_is_tier_then_newest_then_id(corpus: SearchIndex) -> None:
    result = corpus.search(SearchQuery(q="王", limit=100))
    # 王 in a name (王小明's four documents, 王芳 on the licence), newest first; then in the
    # text only (王芳 in the contract, 王府井, 王经理 in an undated note: last).
    assert [hit.document_id for hit in result.hits] == [
        "d03", "d04", "d02", "d01", "d07", "d08", "d10", "d11"
    ]  # fmt: skip
    assert [hit.score for hit in result.hits] == [SCORE_TERM_IN_NAME] * 5 + [SCORE_TERM_IN_TEXT] * 3
    exact = corpus.search(SearchQuery(q="王芳"))
    assert [(hit.document_id, hit.score) for hit in exact.hits] == [
        ("d07", SCORE_NAME_EXACT + SCORE_TERM_IN_NAME),
        ("d08", SCORE_TERM_IN_TEXT),
    ]
    two_terms = corpus.search(SearchQuery(q="小明 申请"))
    assert [hit.document_id for hit in two_terms.hits] == ["d02", "d06"]
    assert {hit.score for hit in two_terms.hits} == {SCORE_TERM_IN_NAME + SCORE_TERM_IN_TEXT}


def test_identifier_tiers(corpus: SearchIndex) -> None:
    result = corpus.search(SearchQuery(q="1101 0519 4912 3100 2x"))
    scores = {hit.document_id: hit.score for hit in result.hits}
    in_field_and_text = SCORE_FIELD_ID + SCORE_TEXT_ID + SCORE_ID_PREFIX
    assert scores == {"d05": in_field_and_text, "d06": SCORE_FIELD_ID + SCORE_ID_PREFIX + 1}
    contract = corpus.search(SearchQuery(q=WANG_ID))
    assert [hit.document_id for hit in contract.hits] == ["d02", "d01", "d03"]  # newest first
    assert contract.hits[2].score == SCORE_TEXT_ID + SCORE_ID_PREFIX + SCORE_ID_TEXT
    prefix = corpus.search(SearchQuery(q="1101011990"))
    assert {hit.score for hit in prefix.hits} == {SCORE_ID_PREFIX}


def test_identifier_in_a_field_ranks_above_one_in_the_text(corpus: SearchIndex) -> None:
    assert _ids(corpus, q="GD-HT-2026-0103") == ["d08"]
    assert _ids(corpus, q="DQ 2026 017") == ["d09"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        pytest.param({"doc_type": "id_card"}, {"d01"}, id="doc_type"),
        pytest.param({"stage": "connection"}, {"d03"}, id="stage"),
        pytest.param({"case_no": "yk-2026-0101"}, WANG_DOCS, id="case_no-as-identifier"),
        pytest.param({"category": "high_voltage"}, set(), id="category"),
        pytest.param(
            {"date_from": "2026-03-01", "date_to": "2026-03-31"}, {"d02", "d04"}, id="month"
        ),
        pytest.param({"date_to": "2020-01-15"}, {"d01"}, id="inclusive-end"),
    ],
)
def test_filters_narrow_a_name_search(
    corpus: SearchIndex, filters: dict[str, str], expected: set[str]
) -> None:
    assert set(_ids(corpus, q="王小明", **filters)) == expected


def test_filters_alone_browse(corpus: SearchIndex) -> None:
    assert set(_ids(corpus, category="high_voltage")) == COMPANY_DOCS
    assert set(_ids(corpus, date_from="2026-01-01")) == {"d02", "d03", "d04", "d06", "d08", "d09"}
    assert "d11" not in _ids(corpus, date_to="2030-12-31")  # no date: excluded by a range


def test_a_unit_filter_keeps_the_documents_of_that_unit_and_the_units_under_it(
    empty: SearchIndex,
) -> None:
    # 市公司 TOP → 县公司 XA, XB; 供电所 GDS1 under XA; one document of a case in each.
    paths = {
        "top": ("TOP",),
        "xa": ("TOP", "XA"),
        "gds": ("TOP", "XA", "GDS1"),
        "xb": ("TOP", "XB"),
    }
    empty.index_many(
        _doc(name, f"YK-{name}", "id_card", text=f"姓名 王小明 {name}", units=path)
        for name, path in paths.items()
    )
    expected = {
        "TOP": {"top", "xa", "gds", "xb"},
        "XA": {"xa", "gds"},
        "GDS1": {"gds"},
        "XB": {"xb"},
        "X": set(),  # a prefix of XA and XB is no unit of theirs
    }
    for unit, documents in expected.items():
        assert set(_ids(empty, unit=unit)) == documents, unit
        assert set(_ids(empty, q="王小明", unit=unit)) == documents, unit
        assert empty.count(SearchQuery(q="王小明", unit=unit)) == len(documents)
    facets = empty.search(SearchQuery(unit="XA")).facets
    assert facets.doc_type == {"id_card": 2}


def test_browse_is_newest_first_and_pages_do_not_overlap(corpus: SearchIndex) -> None:
    everything = _ids(corpus)
    assert everything[:3] == ["d08", "d03", "d09"]
    assert everything[-1] == "d11"  # no date: last
    pages = [_ids(corpus, limit=4, offset=offset) for offset in range(0, 12, 4)]
    assert [i for page in pages for i in page] == everything
    assert corpus.search(SearchQuery(limit=4, offset=8)).total == len(CORPUS)


def test_pages_of_a_ranked_search_do_not_overlap(corpus: SearchIndex) -> None:
    everything = _ids(corpus, q="王")
    pages = [_ids(corpus, q="王", limit=2, offset=offset) for offset in range(0, 8, 2)]
    assert [i for page in pages for i in page] == everything


def test_facets_count_every_match_not_just_the_page(corpus: SearchIndex) -> None:
    result = corpus.search(SearchQuery(q="小明", limit=1))
    assert len(result.hits) == 1
    assert result.facets.doc_type == {
        "id_card": 2,
        "application_form": 2,
        "supply_contract": 1,
        "site_survey_record": 1,
    }
    assert result.facets.stage == {"application": 4, "connection": 1, "site_survey": 1}
    assert corpus.search(SearchQuery(limit=0)).facets.doc_type["id_card"] == 3


def test_matches_beyond_the_cap_are_counted_as_at_least_the_cap(capped: SearchIndex) -> None:
    result = capped.search(SearchQuery(q="小明", limit=100))
    assert (result.total, result.total_is_lower_bound) == (CAP, True)
    assert {hit.document_id for hit in result.hits} == WANG_DOCS | {"d05", "d06"}
    assert capped.count(SearchQuery(q="小明")) == len(WANG_DOCS | {"d05", "d06"})
    everything = {
        "id_card": 2,
        "application_form": 2,
        "supply_contract": 1,
        "site_survey_record": 1,
    }
    facets = result.facets.doc_type
    assert CAP <= sum(facets.values()) <= CAP + 1
    assert all(n <= everything[doc_type] for doc_type, n in facets.items())
    browse = capped.search(SearchQuery(limit=0))
    assert (browse.total, browse.total_is_lower_bound) == (CAP, True)


def test_matches_up_to_the_cap_are_counted_exactly(capped: SearchIndex) -> None:
    result = capped.search(SearchQuery(q=WANG_ID))
    assert (result.total, result.total_is_lower_bound) == (CAP, False)
    assert result.facets.doc_type == {"id_card": 1, "application_form": 1, "supply_contract": 1}
    fewer = capped.search(SearchQuery(q="李小明"))
    assert (fewer.total, fewer.total_is_lower_bound) == (2, False)


def test_the_cap_does_not_change_the_page(corpus: SearchIndex, capped: SearchIndex) -> None:
    for q in ("王", "小明", "", "1101011990"):
        for offset in (0, 2, 5):
            query = SearchQuery(q=q, limit=3, offset=offset)
            assert [h.document_id for h in capped.search(query).hits] == [
                h.document_id for h in corpus.search(query).hits
            ]


def test_pages_walked_newest_first_keep_a_day_in_id_order(empty: SearchIndex) -> None:
    day = dt.date(2024, 5, 1)
    dated = [_doc(f"s{n}", "YK-2026-0201", "site_survey_record", date=day, text="现场勘查 供电方案")
             for n in (5, 3, 1, 4, 2)]  # fmt: skip
    newer = _doc("s9", "YK-2026-0201", "design_drawing", date=day.replace(day=2), text="供电方案")
    undated = _doc("s0", "YK-2026-0201", "design_drawing", text="供电方案")
    empty.index_many([undated, *dated, newer])
    expected = ["s9", "s1", "s2", "s3", "s4", "s5", "s0"]
    for q in ("供电方案", ""):
        pages = [empty.search(SearchQuery(q=q, limit=2, offset=n)).hits for n in range(0, 8, 2)]
        assert [hit.document_id for page in pages for hit in page] == expected
    in_may = SearchQuery(q="供电方案", date_from=day, date_to=day, limit=3, offset=1)
    assert [hit.document_id for hit in empty.search(in_may).hits] == ["s2", "s3", "s4"]


def test_more_terms_in_names_rank_higher_whatever_the_dates(empty: SearchIndex) -> None:
    def dated(document_id: str, day: int, text: str, **names: str) -> IndexedDocument:
        when = dt.date(2024, 5, day)
        return _doc(document_id, "YK-2026-0202", "application_form", date=when, text=text,
                    fields=names)  # fmt: skip

    both = dated("t1", 1, "申请", customer_name="王小明", company_name="华能电子")
    person = dated("t2", 3, "华能电子 申请", customer_name="王小明")
    company = dated("t3", 2, "小明 申请", company_name="华能电子")
    neither = dated("t4", 9, "小明 在 华能 申请", customer_name="张伟")
    exact = dated("t5", 4, "申请 小明华能", customer_name="小明华能")
    empty.index_many([neither, company, both, person, exact])
    hits = empty.search(SearchQuery(q="小明 华能", limit=2, offset=1)).hits
    assert [hit.document_id for hit in hits] == ["t1", "t2"]
    hits = empty.search(SearchQuery(q="小明 华能")).hits
    assert [(hit.document_id, hit.score) for hit in hits] == [
        ("t5", SCORE_NAME_EXACT + 2 * SCORE_TERM_IN_NAME),
        ("t1", 2 * SCORE_TERM_IN_NAME),
        ("t2", SCORE_TERM_IN_NAME + SCORE_TERM_IN_TEXT),
        ("t3", SCORE_TERM_IN_NAME + SCORE_TERM_IN_TEXT),
        ("t4", 2 * SCORE_TERM_IN_TEXT),
    ]


def test_highlights_mark_the_matched_terms(corpus: SearchIndex) -> None:
    (hit,) = corpus.search(SearchQuery(q="王小明", doc_type="id_card")).hits
    assert any("<mark>王小明</mark>" in passage for passage in hit.highlights)
    (contract,) = corpus.search(SearchQuery(q="gd-ht-2026-0101")).hits
    assert any("<mark>" in passage for passage in contract.highlights)
    (one,) = corpus.search(SearchQuery(q="王府井")).hits
    assert any("<mark>王府井</mark>" in passage for passage in one.highlights)


def test_highlights_are_the_same_passages_on_every_backend(corpus: SearchIndex) -> None:
    (contract,) = corpus.search(SearchQuery(q="gd-ht-2026-0101")).hits
    assert contract.highlights == [
        "供用电合同 合同编号 <mark>GD-HT-2026-0101</mark> 供电人 国网北京市电力公司 "
        "用电人 王小明 身份证号 11"
    ]
    (licence,) = corpus.search(SearchQuery(q="中关村 王芳", doc_type="business_license")).hits
    assert licence.highlights == [
        "北京华能电子科技有限公司 类型 有限责任公司 法定代表人 <mark>王芳</mark> 住所 "
        "北京市海淀区<mark>中关村</mark>大街27号"
    ]


def test_highlights_come_from_the_names_when_the_text_has_no_match(empty: SearchIndex) -> None:
    empty.index(_wang("x", "other", text="", fields={"agent_name": "赵六"}))
    (hit,) = empty.search(SearchQuery(q="赵六")).hits
    assert hit.highlights == ["<mark>赵六</mark>"]


def test_highlights_escape_html(empty: SearchIndex) -> None:
    empty.index(_wang("x", "other", text="备注 <b>王小明</b> & 家属"))
    (hit,) = empty.search(SearchQuery(q="王小明")).hits
    assert any("&lt;b&gt;<mark>王小明</mark>&lt;/b&gt;" in passage for passage in hit.highlights)
    assert not any("<b>" in passage for passage in hit.highlights)


def test_count(corpus: SearchIndex) -> None:
    assert corpus.count() == len(CORPUS)
    assert corpus.count(SearchQuery(q="王小明", stage="application")) == 2
    assert corpus.check().documents == len(CORPUS)


def test_index_replaces_and_delete_removes(empty: SearchIndex) -> None:
    empty.index(_wang("x", "other", text="旧版本 张三"))
    empty.index(_wang("x", "other", text="新版本 李四"))
    assert _ids(empty, q="张三") == []
    assert _ids(empty, q="李四") == ["x"]
    assert empty.count() == 1
    assert empty.delete("x") is True
    assert empty.delete("x") is False
    assert _ids(empty, q="李四") == []


def test_clear_removes_everything(empty: SearchIndex) -> None:
    assert empty.index_many(CORPUS[:4]) == 4
    empty.clear()
    assert empty.count() == 0
    assert empty.index_many(CORPUS[4:6]) == 2
    assert set(_ids(empty)) == {"d05", "d06"}


def test_index_many_accepts_a_generator_larger_than_a_batch(empty: SearchIndex) -> None:
    documents = (_wang(f"g{n:05d}", "other", text=f"批量 第{n}号") for n in range(1500))
    assert empty.index_many(documents) == 1500
    assert empty.count(SearchQuery(q="批量")) == 1500


@pytest.mark.parametrize("backend", BACKENDS)
def test_an_index_of_another_version_is_refused_until_clear_rebuilds_it(
    backend: str, tmp_path: Path, es_indices: list[str]
) -> None:
    index: SearchIndex
    if backend == "embedded":
        with sqlite3.connect(tmp_path / "search.db") as old:
            old.executescript(
                "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);"
                "INSERT INTO meta VALUES ('schema', '0');"
                "CREATE TABLE docs (rowid INTEGER PRIMARY KEY, document_id TEXT);"
            )
        index = SqliteSearchIndex(tmp_path / "search.db")
    else:
        name = f"yekuo-test-{uuid.uuid4().hex[:12]}"
        es_indices.append(name)
        with Elasticsearch(_es_url()) as client:
            mappings = {"_meta": {"schema": "0"}, "properties": {"document_id": {"type": "text"}}}
            client.indices.create(index=name, mappings=mappings)
        index = ElasticsearchSearchIndex(_es_url(), name)
    with index:
        with pytest.raises(SearchUnavailableError, match=r"schema 0.*run `yekuo reindex`"):
            index.search(SearchQuery(q="王小明"))
        with pytest.raises(SearchUnavailableError, match="yekuo reindex"):
            index.index(CORPUS[0])
        with pytest.raises(SearchUnavailableError, match=r"schema 0.*run `yekuo reindex`"):
            index.ping()
        index.clear()
        index.index(CORPUS[0])
        assert [hit.document_id for hit in index.search(SearchQuery(q="王小明")).hits] == ["d01"]
        index.ping()


def test_close_twice(empty: SearchIndex) -> None:
    empty.close()
    empty.close()


def test_unreachable_backends_raise_unavailable(tmp_path: Path) -> None:
    directory = tmp_path / "dir"
    (directory / "search.db").mkdir(parents=True)
    with pytest.raises(SearchUnavailableError, match="reindex"):
        SqliteSearchIndex(directory / "search.db")
    with ElasticsearchSearchIndex("http://127.0.0.1:9", "yekuo-nowhere") as down:
        with pytest.raises(SearchUnavailableError, match="cannot reach") as caught:
            down.search(SearchQuery(q="王小明"))
        assert caught.value.__cause__ is not None
        with pytest.raises(SearchUnavailableError):
            down.check()
        with pytest.raises(SearchUnavailableError, match="cannot reach"):
            down.ping()
        with pytest.raises(SearchError):
            down.index(CORPUS[0])


def test_an_elasticsearch_index_deleted_behind_its_back_is_unavailable_naming_reindex(
    es_indices: list[str],
) -> None:
    """A node replaced by an empty one: every call says to rebuild, the search as the ping."""
    name = f"yekuo-test-{uuid.uuid4().hex[:12]}"
    es_indices.append(name)
    with ElasticsearchSearchIndex(_es_url(), name) as index:
        index.index(CORPUS[0])
        index.ping()
        with Elasticsearch(_es_url()) as client:
            client.indices.delete(index=name)
        lost = r"does not exist.*run `yekuo reindex`"
        with pytest.raises(SearchUnavailableError, match=lost):
            index.ping()
        with pytest.raises(SearchUnavailableError, match=lost):
            index.search(SearchQuery(q="王小明"))
        index.clear()
        index.ping()
        assert index.count() == 0
