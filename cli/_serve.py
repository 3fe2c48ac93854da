"""``yekuo serve``: the HTTP API and the web UI on the configured backends."""

from __future__ import annotations

import click
import uvicorn

from archive import load_rule_book, open_database, open_object_store
from core import Settings, get_settings
from worker import watch_dir


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    """Serve the HTTP API and web UI on the configured backends."""
    settings = get_settings()
    _check_backends(settings)
    # Imported here so that `yekuo worker` and the other commands never load the HTTP stack.
    from api import create_app

    uvicorn.run(create_app(settings), host=host, port=port)


def _check_backends(settings: Settings) -> None:
    """Fail here, with a line and an exit status, on what would stop the app starting.

    The rule file, the watched folder, the database (migrated now) and the object store; the
    app does the same again when it starts, but a failure inside uvicorn would only show as its
    traceback.
    """
    load_rule_book(settings.rules_file)
    watch_dir(settings)
    with open_database(settings) as database:
        database.upgrade()
    store = open_object_store(settings)
    try:
        store.check()
    finally:
        store.close()
