"""The HTTP side of yekuo: the JSON API (``routes/``) and the web UI (``web/``) on one app."""

from api._app import create_app
from api.routes import API_PREFIX

__all__ = ["API_PREFIX", "create_app"]
