"""``yekuo serve``: the HTTP API and the web UI on the configured backends."""

from __future__ import annotations

import click
import uvicorn

from core import get_settings


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve_command(host: str, port: int) -> None:
    """Serve the HTTP API and web UI on the configured backends."""
    # Imported here so that `yekuo worker` and the other commands never load the HTTP stack.
    from api import create_app

    uvicorn.run(create_app(get_settings()), host=host, port=port)
