"""The directory people may sign in through: the ``Directory`` protocol and its LDAP adapter.

The adapter is the one module that talks to ``ldap3``: it finds the user's entry (with yekuo's
service bind, or anonymously), binds as that entry with the password typed in, reads the
user's groups and maps them to a role. ldap3's errors become ``DirectoryUnavailableError``
here, at the boundary; a wrong name or password is an answer (``None``), not an error.
"""

from __future__ import annotations

import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from ldap3 import AUTO_BIND_NONE, NONE, SUBTREE, Connection, Server, Tls
from ldap3.core.exceptions import LDAPException
from ldap3.utils.conv import escape_filter_chars

from archive._errors import DirectoryUnavailableError
from archive._vocabulary import Role
from core import Settings

GroupRoles = Sequence[tuple[str, Role]]
"""(group, role) pairs in order of precedence; a group is named by its cn or its DN."""


@dataclass(frozen=True)
class DirectoryAccount:
    """A person the directory vouched for: their entry, name, groups and the role these map to."""

    dn: str
    display_name: str
    groups: tuple[str, ...]
    role: Role | None
    unit: str | None


class Directory(Protocol):
    """A directory of people (LDAP) that checks their passwords.

    ``authenticate`` MUST answer ``None`` for an unknown user, a wrong password, an empty
    password or a name that finds several entries, and the account otherwise (``role`` None
    when no group of theirs is mapped). It MUST raise ``DirectoryUnavailableError`` when the
    directory cannot be reached within its timeout or refuses yekuo's own bind, and MUST NOT
    let any other error of its client escape. It MUST escape the user name in every filter.
    """

    def authenticate(self, *, username: str, password: str) -> DirectoryAccount | None:
        """The account whose name and password these are, or None."""
        ...


def map_role(groups: Sequence[str], group_roles: GroupRoles) -> Role | None:
    """The role of the first pair in ``group_roles`` whose group (cn or DN, in any case) is
    one of ``groups`` (DNs); None when none is."""
    names = {_normal_dn(dn) for dn in groups} | {_first_value(dn) for dn in groups}
    for group, role in group_roles:
        if _normal_dn(group) in names:
            return role
    return None


def user_filter(template: str, *, username: str) -> str:
    """``template`` with ``{username}`` replaced by the escaped user name."""
    return template.format(username=escape_filter_chars(username))


def group_filter(template: str, *, dn: str, username: str) -> str:
    """``template`` with ``{dn}`` and ``{username}`` replaced by their escaped values."""
    return template.format(dn=escape_filter_chars(dn), username=escape_filter_chars(username))


def _normal_dn(dn: str) -> str:
    return ",".join(part.strip() for part in dn.lower().split(","))


def _first_value(dn: str) -> str:
    """The value of a DN's first part: ``cn=yekuo-admins,ou=groups`` → ``yekuo-admins``."""
    return dn.split(",", 1)[0].partition("=")[2].strip().lower()


class LdapDirectory:
    """A ``Directory`` on an LDAP server, through ldap3 (one short connection per sign-in)."""

    def __init__(
        self,
        *,
        url: str,
        base_dn: str,
        user_filter: str,
        group_base_dn: str,
        group_filter: str,
        group_roles: GroupRoles,
        bind_dn: str = "",
        bind_password: str = "",
        start_tls: bool = False,
        unit_attribute: str = "",
        timeout: int = 5,
    ) -> None:
        self._url, self._timeout, self._start_tls = url, timeout, start_tls
        self._server = Server(
            url,
            connect_timeout=timeout,
            get_info=NONE,
            tls=Tls(validate=ssl.CERT_REQUIRED),  # a directory must prove who it is
        )
        self._base_dn, self._group_base_dn = base_dn, group_base_dn or base_dn
        self._user_filter, self._group_filter = user_filter, group_filter
        self._group_roles = tuple(group_roles)
        self._bind_dn, self._bind_password = bind_dn, bind_password
        self._unit_attribute = unit_attribute

    def authenticate(self, *, username: str, password: str) -> DirectoryAccount | None:
        """The account whose name and password these are, or None (see ``Directory``)."""
        if not password:
            return None  # LDAP takes an empty password for an anonymous bind, never a sign-in
        try:
            found = self._look_up(username)
            if found is None or not self._password_is_right(found[0], password):
                return None
        except LDAPException as error:
            raise self._unavailable(f"{type(error).__name__}: {error}") from error
        dn, attributes, groups = found
        return DirectoryAccount(
            dn=dn,
            display_name=_value(attributes, "displayName") or _value(attributes, "cn") or username,
            groups=groups,
            role=map_role(groups, self._group_roles),
            unit=_value(attributes, self._unit_attribute) or None,
        )

    def _look_up(self, username: str) -> tuple[str, dict[str, Any], tuple[str, ...]] | None:
        """The user's DN, attributes and groups, found with yekuo's own bind; None if unknown."""
        service = self._open(self._bind_dn, self._bind_password)
        try:
            if not service.bind():
                raise self._unavailable(f"it refused yekuo's bind: {_result(service)}")
            found = self._find_user(service, username)
            if found is None:
                return None
            dn, attributes = found
            return dn, attributes, self._groups(service, dn=dn, username=username)
        finally:
            _close(service)

    def _password_is_right(self, dn: str, password: str) -> bool:
        person = self._open(dn, password)
        try:
            return bool(person.bind())
        finally:
            _close(person)

    def _open(self, user: str, password: str) -> Connection:
        """A connection not yet bound (upgraded by StartTLS first when configured)."""
        connection = Connection(
            self._server,
            user=user or None,
            password=password or None,
            auto_bind=AUTO_BIND_NONE,
            receive_timeout=self._timeout,
            raise_exceptions=False,
        )
        if self._start_tls:
            try:
                connection.open()
                upgraded = connection.start_tls()
            except LDAPException:
                _close(connection)
                raise
            if not upgraded:
                _close(connection)
                raise self._unavailable(f"StartTLS failed: {_result(connection)}")
        return connection

    def _find_user(self, service: Connection, username: str) -> tuple[str, dict[str, Any]] | None:
        attributes = ["displayName", "cn"] + (
            [self._unit_attribute] if self._unit_attribute else []
        )
        search = user_filter(self._user_filter, username=username)
        service.search(self._base_dn, search, SUBTREE, attributes=attributes, size_limit=2)
        entries = _entries(service)
        if len(entries) != 1:  # none, or a name that is not unique: no sign-in
            return None
        return entries[0]["dn"], dict(entries[0]["attributes"])

    def _groups(self, service: Connection, *, dn: str, username: str) -> tuple[str, ...]:
        search = group_filter(self._group_filter, dn=dn, username=username)
        found = service.search(self._group_base_dn, search, SUBTREE, attributes=["cn"])
        if not found and service.result.get("result") not in (0, 32):  # success, noSuchObject
            raise self._unavailable(f"its group search failed: {_result(service)}")
        return tuple(entry["dn"] for entry in _entries(service))

    def _unavailable(self, cause: str) -> DirectoryUnavailableError:
        return DirectoryUnavailableError(
            f"目录服务不可用，请稍后重试或使用本地账号 / the directory {self._url} cannot be used "
            f"for signing in ({cause}); check that it runs and YEKUO_LDAP_URL, "
            "YEKUO_LDAP_BIND_DN and YEKUO_LDAP_BIND_PASSWORD, or sign in with a local account"
        )


def open_directory(settings: Settings) -> Directory | None:
    """The directory the settings name (``YEKUO_LDAP_URL``), or None for local accounts only."""
    if not settings.ldap_url:
        return None
    return LdapDirectory(
        url=settings.ldap_url,
        base_dn=settings.ldap_base_dn,
        user_filter=settings.ldap_user_filter,
        group_base_dn=settings.ldap_group_base_dn,
        group_filter=settings.ldap_group_filter,
        group_roles=[(group, Role(role)) for group, role in settings.ldap_group_role_pairs],
        bind_dn=settings.ldap_bind_dn,
        bind_password=settings.ldap_bind_password.get_secret_value(),
        start_tls=settings.ldap_start_tls,
        unit_attribute=settings.ldap_unit_attribute,
        timeout=settings.ldap_timeout_seconds,
    )


def _close(connection: Connection) -> None:
    """Unbind, and close the socket too: ldap3 leaves it open when connecting failed."""
    connection.unbind()
    if connection.socket is not None:
        connection.socket.close()


def _entries(connection: Connection) -> list[dict[str, Any]]:
    return [item for item in connection.response or [] if item.get("type") == "searchResEntry"]


def _value(attributes: dict[str, Any], name: str) -> str:
    """An attribute's first value as text ('' when absent); without a schema ldap3 may give a
    list or a single value."""
    value = attributes.get(name)
    if isinstance(value, list | tuple):
        value = value[0] if value else ""
    return str(value or "").strip()


def _result(connection: Connection) -> str:
    result = connection.result or {}
    return f"{result.get('description', 'no answer')} {result.get('message', '')}".strip()
