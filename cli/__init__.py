"""The ``yekuo`` command line: one module per command group, one error handler for them all."""

from cli._main import main

__all__ = ["main"]
