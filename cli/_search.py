"""``yekuo search`` and ``yekuo reindex``: the search index from the command line."""

from __future__ import annotations

import datetime as dt
import html
import re

import click
import pydantic

from archive import open_database
from core import get_settings
from search import (
    MAX_LIMIT,
    SearchQuery,
    SearchResult,
    index_pending,
    open_search_index,
    reindex,
)

_MARK = re.compile(r"<mark>(.*?)</mark>")


def _plain(passage: str) -> str:
    """A highlight passage for a terminal: marks as [brackets], entities unescaped."""
    return html.unescape(_MARK.sub(r"[\1]", passage))


def _print_result(result: SearchResult) -> None:
    for hit in result.hits:
        click.echo(f"{hit.score:9.2f}  {hit.case_no}  {hit.doc_type}  {hit.document_id}")
        for passage in hit.highlights:
            click.echo(f"           {_plain(passage)}")
    by_type = ", ".join(f"{name} {n}" for name, n in sorted(result.facets.doc_type.items()))
    click.echo(f"{result.total} documents match" + (f" ({by_type})" if by_type else ""))


@click.command("search")
@click.argument("q", default="")
@click.option("--case-no", help="only this case (compared as an identifier)")
@click.option("--doc-type", help="only this document type, e.g. id_card")
@click.option("--stage", help="only documents of this stage, e.g. application")
@click.option("--category", help="only cases of this category, e.g. residential")
@click.option("--date-from", type=click.DateTime(["%Y-%m-%d"]), help="document date on or after")
@click.option("--date-to", type=click.DateTime(["%Y-%m-%d"]), help="document date on or before")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(0, MAX_LIMIT))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0))
@click.option("--json", "as_json", is_flag=True, help="print the result as one JSON object")
def search_command(
    q: str,
    case_no: str | None,
    doc_type: str | None,
    stage: str | None,
    category: str | None,
    date_from: dt.datetime | None,
    date_to: dt.datetime | None,
    limit: int,
    offset: int,
    as_json: bool,
) -> None:
    """Search the documents for Q: words, a name or an identifier (empty: browse)."""
    try:
        query = SearchQuery(
            q=q,
            case_no=case_no,
            doc_type=doc_type,
            stage=stage,
            category=category,
            date_from=date_from.date() if date_from else None,
            date_to=date_to.date() if date_to else None,
            limit=limit,
            offset=offset,
        )
    except pydantic.ValidationError as error:
        problems = "; ".join(item["msg"] for item in error.errors())
        raise click.UsageError(problems) from error
    with open_search_index(get_settings()) as index:
        result = index.search(query)
    if as_json:
        click.echo(result.model_dump_json())
    else:
        _print_result(result)


@click.command("reindex")
@click.option(
    "--pending", is_flag=True, help="only index documents not yet indexed or whose indexing failed"
)
def reindex_command(pending: bool) -> None:
    """Rebuild the search index from the database (the index is derived, never the truth)."""
    settings = get_settings()
    with open_database(settings) as database, open_search_index(settings) as index:
        database.upgrade()
        with database.session() as session:
            count = index_pending(session, index) if pending else reindex(session, index)
        location = index.check().location
    click.echo(f"indexed {count} documents into {location}")
