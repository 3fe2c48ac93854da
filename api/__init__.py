"""The HTTP API, the command line and the web UI of yekuo."""

from api._app import API_PREFIX, create_app
from api._cli import main

__all__ = ["API_PREFIX", "create_app", "main"]
