"""The test directory of scripts/services.sh (slapd, seeded with services/ldap/seed.ldif).

``scripts/services.sh env`` exports its address and yekuo's service account as
``YEKUO_TEST_LDAP_*``; without them the tests that sign in through it skip (fail under CI).
"""

from __future__ import annotations

import os
from typing import Any

from archive import SYSTEM, create_unit, open_database
from archive.db import Unit
from core import Settings
from tests.databases import missing_server

DIRECTORY_UNITS = {"GDS02": "城南供电所"}
"""The units seed.ldif puts people in (departmentNumber): yekuo must have them."""

DIRECTORY_PASSWORD = "Directory-pass-2026"
"""Every person's password in seed.ldif."""

GROUP_ROLES = (
    "yekuo-admins:admin;cn=yekuo-reviewers,ou=groups,dc=yekuo,dc=test:reviewer;"
    "yekuo-archivists:archivist;yekuo-auditors:auditor"
)


def changed(settings: Settings, **changes: Any) -> Settings:
    """``settings`` with ``changes``, validated as the environment's would be."""
    return Settings(**{**settings.model_dump(), **changes}, _env_file=None)


def with_test_directory(settings: Settings) -> Settings:
    """``settings`` signing people in through the test directory (skip or fail without it)."""
    names = ("URL", "BASE_DN", "BIND_DN", "BIND_PASSWORD")
    env = {name: os.environ.get(f"YEKUO_TEST_LDAP_{name}", "") for name in names}
    if not all(env.values()):
        missing_server(
            "OpenLDAP", "YEKUO_TEST_LDAP_URL (and its _BASE_DN, _BIND_DN, _BIND_PASSWORD)"
        )
    chosen = changed(
        settings,
        ldap_url=env["URL"],
        ldap_base_dn=env["BASE_DN"],
        ldap_bind_dn=env["BIND_DN"],
        ldap_bind_password=env["BIND_PASSWORD"],
        ldap_group_roles=GROUP_ROLES,
        ldap_unit_attribute="departmentNumber",
        ldap_timeout_seconds=5,
    )
    with open_database(chosen) as database:
        database.upgrade()
        with database.transaction() as session:
            for code, name in DIRECTORY_UNITS.items():
                if session.get(Unit, code) is None:
                    create_unit(session, code=code, name=name, actor=SYSTEM)
    return chosen
