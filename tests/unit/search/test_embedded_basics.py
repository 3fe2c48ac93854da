"""The embedded index finds a Chinese name and an identifier however it is typed."""

from pathlib import Path

from search import IndexedDocument, SearchQuery, SqliteSearchIndex


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
