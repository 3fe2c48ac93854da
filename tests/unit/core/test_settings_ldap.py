"""Directory settings: a directory is off by default, and unsafe or broken values are refused
naming the variable."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from core import Settings

GOOD: dict[str, Any] = {
    "ldap_url": "ldaps://ldap.example.internal:636",
    "ldap_base_dn": "ou=people,dc=example,dc=cn",
    "ldap_bind_dn": "cn=yekuo-reader,dc=example,dc=cn",
    "ldap_bind_password": "reader-secret",
    "ldap_group_roles": "yekuo-admins:admin; cn=yekuo-reviewers,ou=groups,dc=cn:reviewer",
}


def ldap_settings(**changes: Any) -> Settings:
    return Settings(**{**GOOD, **changes}, _env_file=None)


def test_no_directory_by_default() -> None:
    settings = Settings(_env_file=None)
    assert settings.ldap_url == ""
    assert settings.ldap_user_filter == "(uid={username})"


def test_group_roles_are_pairs_in_their_order() -> None:
    assert ldap_settings().ldap_group_role_pairs == (
        ("yekuo-admins", "admin"),
        ("cn=yekuo-reviewers,ou=groups,dc=cn", "reviewer"),
    )


@pytest.mark.parametrize(
    "url",
    [
        "ldaps://ldap.example.internal",
        "ldap://127.0.0.1:55389",
        "ldap://localhost/",
        "ldap://[::1]",
    ],
)
def test_safe_addresses_are_accepted(url: str) -> None:
    assert ldap_settings(ldap_url=url).ldap_url == url


def test_clear_text_to_another_machine_is_refused_unless_start_tls() -> None:
    with pytest.raises(ValidationError, match=r"YEKUO_LDAP_URL=.*clear text.*YEKUO_LDAP_START_TLS"):
        ldap_settings(ldap_url="ldap://ldap.example.internal:389")
    assert ldap_settings(
        ldap_url="ldap://ldap.example.internal", ldap_start_tls=True
    ).ldap_start_tls


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"ldap_url": "http://ldap.example.internal"}, "YEKUO_LDAP_URL"),
        ({"ldap_url": "ldaps://ldap.example.internal/dc=x"}, "YEKUO_LDAP_URL"),
        ({"ldap_base_dn": ""}, "YEKUO_LDAP_BASE_DN"),
        ({"ldap_bind_password": ""}, "YEKUO_LDAP_BIND_PASSWORD"),
        ({"ldap_user_filter": "uid={username}"}, "YEKUO_LDAP_USER_FILTER"),
        ({"ldap_user_filter": "(uid=admin)"}, "YEKUO_LDAP_USER_FILTER"),
        ({"ldap_user_filter": "(uid={user})"}, "YEKUO_LDAP_USER_FILTER"),
        ({"ldap_group_filter": "(objectClass=groupOfNames)"}, "YEKUO_LDAP_GROUP_FILTER"),
        ({"ldap_group_roles": ""}, "YEKUO_LDAP_GROUP_ROLES"),
        ({"ldap_group_roles": "yekuo-admins:root"}, "YEKUO_LDAP_GROUP_ROLES"),
        ({"ldap_group_roles": "admin"}, "YEKUO_LDAP_GROUP_ROLES"),
    ],
)
def test_broken_values_are_refused_naming_the_variable(changes: dict[str, Any], named: str) -> None:
    with pytest.raises(ValidationError, match=named):
        ldap_settings(**changes)


def test_an_anonymous_search_needs_neither_bind_setting() -> None:
    settings = ldap_settings(ldap_bind_dn="", ldap_bind_password="")
    assert settings.ldap_bind_dn == ""
