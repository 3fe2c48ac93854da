"""The directory adapter's own logic: groups to a role, escaped filters, an unreachable server.

Signing in against a real directory is tested in tests/integration/test_ldap.py (slapd).
"""

from __future__ import annotations

import socket
import time

import pytest

from archive import DirectoryUnavailableError, LdapDirectory, Role, open_directory
from archive._directory import group_filter, map_role, user_filter
from core import Settings

ADMINS = "cn=yekuo-admins,ou=groups,dc=yekuo,dc=test"
REVIEWERS = "cn=yekuo-reviewers,ou=groups,dc=yekuo,dc=test"
CANTEEN = "cn=canteen,ou=groups,dc=yekuo,dc=test"
MAPPING = [("yekuo-admins", Role.admin), (REVIEWERS, Role.reviewer), ("Canteen", Role.auditor)]


def test_a_group_is_matched_by_its_cn_or_its_dn_in_any_case() -> None:
    assert map_role([ADMINS], MAPPING) is Role.admin
    assert map_role(["CN=yekuo-reviewers, OU=groups, DC=yekuo, DC=test"], MAPPING) is Role.reviewer
    assert map_role([CANTEEN], MAPPING) is Role.auditor


def test_the_first_pair_that_matches_gives_the_role() -> None:
    assert map_role([CANTEEN, REVIEWERS, ADMINS], MAPPING) is Role.admin
    assert map_role([CANTEEN, REVIEWERS], MAPPING) is Role.reviewer


def test_no_mapped_group_gives_no_role() -> None:
    assert map_role(["cn=drivers,ou=groups,dc=yekuo,dc=test"], MAPPING) is None
    assert map_role([], MAPPING) is None


def test_a_group_named_like_a_dn_part_is_not_matched_by_cn() -> None:
    # "ou=groups" is the parent of every group: only a group's own first part is its name.
    assert map_role([ADMINS], [("groups", Role.admin)]) is None


def test_the_user_name_is_escaped_in_the_user_filter() -> None:
    assert user_filter("(uid={username})", username="li.na") == "(uid=li.na)"
    assert user_filter("(uid={username})", username="*)(uid=*") == r"(uid=\2a\29\28uid=\2a)"
    assert user_filter("(cn={username})", username="a\\b") == r"(cn=a\5cb)"


def test_the_dn_and_name_are_escaped_in_the_group_filter() -> None:
    made = group_filter(
        "(|(member={dn})(memberUid={username}))", dn="uid=x*,dc=test", username="x*"
    )
    assert made == r"(|(member=uid=x\2a,dc=test)(memberUid=x\2a))"


def test_no_directory_without_a_url(settings: Settings) -> None:
    assert open_directory(settings) is None


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _directory(url: str) -> LdapDirectory:
    return LdapDirectory(
        url=url,
        base_dn="dc=yekuo,dc=test",
        user_filter="(uid={username})",
        group_base_dn="",
        group_filter="(member={dn})",
        group_roles=MAPPING,
        timeout=2,
    )


@pytest.mark.timeout(30)
def test_a_directory_that_does_not_answer_is_unavailable_naming_it() -> None:
    url = f"ldap://127.0.0.1:{_closed_port()}"
    started = time.monotonic()
    with pytest.raises(DirectoryUnavailableError) as raised:
        _directory(url).authenticate(username="li.na", password="Directory-pass-2026")
    assert url in raised.value.message
    assert "YEKUO_LDAP_URL" in raised.value.message
    assert raised.value.__cause__ is not None
    assert time.monotonic() - started < 10


def test_an_empty_password_is_never_sent() -> None:
    # An empty password would be an anonymous bind that the server accepts: it is refused here,
    # before any connection (the port is closed, so a connection would raise).
    assert (
        _directory(f"ldap://127.0.0.1:{_closed_port()}").authenticate(username="li.na", password="")
        is None
    )
