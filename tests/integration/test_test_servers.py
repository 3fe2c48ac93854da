"""The test servers of scripts/services.sh behave like the production ones where yekuo relies on it.

The Elasticsearch node is the integ-test-zip from Maven Central with a plugin that restores
what the official image has and yekuo uses; these tests check that the restoration holds, so a
contract suite that passes here means something for production.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from importlib.metadata import version

import pytest
from elasticsearch import Elasticsearch
from sqlalchemy import create_engine, text

from tests.databases import missing_server, postgres_server_url


@pytest.fixture
def elasticsearch() -> Iterator[Elasticsearch]:
    """A client of the test node."""
    url = os.environ.get("YEKUO_TEST_ELASTICSEARCH_URL")
    if not url:
        missing_server("Elasticsearch", "YEKUO_TEST_ELASTICSEARCH_URL")
    client = Elasticsearch(url, request_timeout=30)
    try:
        yield client
    finally:
        client.close()


def test_elasticsearch_answers_info_in_the_clients_major_version(
    elasticsearch: Elasticsearch,
) -> None:
    assert elasticsearch.ping()
    server = elasticsearch.info()["version"]["number"]
    assert server.split(".")[0] == version("elasticsearch").split(".")[0]


def _tokens(
    elasticsearch: Elasticsearch, text: str, filters: list[str | dict[str, object]]
) -> list[str]:
    response = elasticsearch.indices.analyze(tokenizer="standard", filter=filters, text=text)
    return [token["token"] for token in response["tokens"]]


def test_the_cjk_filters_of_the_search_mapping_exist(elasticsearch: Elasticsearch) -> None:
    tokens = _tokens(
        elasticsearch, "国家电网 ＡＢＣ１２３ 表", ["cjk_width", "lowercase", "cjk_bigram"]
    )
    assert tokens == ["国家", "家电", "电网", "abc123", "表"]


def test_cjk_bigram_takes_its_parameters(elasticsearch: Elasticsearch) -> None:
    unigrams: dict[str, object] = {"type": "cjk_bigram", "output_unigrams": True}
    assert _tokens(elasticsearch, "供电局", [unigrams]) == ["供", "供电", "电", "电局", "局"]
    ignored: dict[str, object] = {"type": "cjk_bigram", "ignored_scripts": ["han"]}
    assert _tokens(elasticsearch, "供电局", [ignored]) == ["供", "电", "局"]


def test_postgresql_stores_text_as_utf8() -> None:
    url = postgres_server_url()
    if url is None:
        missing_server("PostgreSQL", "YEKUO_TEST_DATABASE_URL")
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SHOW server_encoding")).scalar_one() == "UTF8"
            echoed = connection.execute(text("SELECT CAST(:v AS text)"), {"v": "业扩报装"})
            assert echoed.scalar_one() == "业扩报装"
    finally:
        engine.dispose()
