"""The relational store: SQLAlchemy models, the database handle and its Alembic migrations."""

from archive.db._database import Database, open_database
from archive.db._models import (
    ApiToken,
    AuditEvent,
    Base,
    Case,
    Customer,
    Document,
    Finding,
    LegalRepresentative,
    Loan,
    StageTransition,
    Unit,
    WebSession,
)

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Base",
    "Case",
    "Customer",
    "Database",
    "Document",
    "Finding",
    "LegalRepresentative",
    "Loan",
    "StageTransition",
    "Unit",
    "WebSession",
    "open_database",
]
