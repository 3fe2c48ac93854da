"""The HTTP side of yekuo: the JSON API (``routes/``) and the web UI (``web/``) on one app."""

from api._app import create_app

__all__ = ["create_app"]
