"""The embedded index finds a Chinese name and an identifier however it is typed."""

import sqlite3
import threading
from pathlib import Path

import pytest

from search import IndexedDocument, SearchQuery, SearchUnavailableError, SqliteSearchIndex


def _index(tmp_path: Path) -> SqliteSearchIndex:
    index = SqliteSearchIndex(tmp_path / "search.db")
    index.index_many(
        [
            IndexedDocument(
                document_id="1",
                case_no="YK-2026-0001",
                doc_type="id_card",
                customer_name="王小明",
                text="姓名 王小明 公民身份号码 110101199003074514",
                fields={"id_number": "110101199003074514"},
            ),
            IndexedDocument(
                document_id="2",
                case_no="YK-2026-0002",
                doc_type="id_card",
                customer_name="李小明",
                text="姓名 李小明",
            ),
        ]
    )
    return index


def test_a_three_character_name_finds_only_its_owner(tmp_path: Path) -> None:
    with _index(tmp_path) as index:
        result = index.search(SearchQuery(q="王小明"))
    assert [hit.document_id for hit in result.hits] == ["1"]
    assert "<mark>王小明</mark>" in result.hits[0].highlights[0]


def test_an_identifier_typed_with_spaces_and_full_width_digits_matches(tmp_path: Path) -> None:
    with _index(tmp_path) as index:
        spaced = index.search(SearchQuery(q="1101 0119 9003 0745 14"))
        wide = index.search(SearchQuery(q="１１０１０１１９９００３０７４５１４"))
    assert [hit.document_id for hit in spaced.hits] == ["1"]
    assert [hit.document_id for hit in wide.hits] == ["1"]


def test_two_characters_shared_by_both_names_find_both(tmp_path: Path) -> None:
    with _index(tmp_path) as index:
        result = index.search(SearchQuery(q="小明"))
    assert {hit.document_id for hit in result.hits} == {"1", "2"}
    assert result.facets.doc_type == {"id_card": 2}


def test_a_database_that_is_not_a_search_index_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "search.db"
    with sqlite3.connect(path) as other:
        other.execute("CREATE TABLE invoices (number TEXT)")
    with pytest.raises(SearchUnavailableError, match="not a yekuo search index"):
        SqliteSearchIndex(path)
    with sqlite3.connect(path) as other:
        tables = other.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [("invoices",)]


def test_searches_run_while_another_thread_indexes(tmp_path: Path) -> None:
    with _index(tmp_path) as index:

        def write() -> None:
            for number in range(200):
                index.index(
                    IndexedDocument(
                        document_id=f"w{number}", case_no="YK-W", doc_type="other", text="王小明"
                    )
                )

        writer = threading.Thread(target=write)
        writer.start()
        totals = []
        while writer.is_alive():
            totals.append(index.search(SearchQuery(q="王小明")).total)
        writer.join()
        assert totals == sorted(totals)  # each search sees a committed state, never less
        assert index.search(SearchQuery(q="王小明")).total == 201
