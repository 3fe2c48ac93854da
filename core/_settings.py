"""yekuo's settings: the one place that reads the environment (prefix ``YEKUO_``)."""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import pydantic
from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from core._errors import SettingsError

MiB = 1024 * 1024
ROLE_NAMES = frozenset({"archivist", "reviewer", "auditor", "keeper", "admin"})
MAX_LOAN_DAYS = 90
"""The longest loan of an archived case, asked for, given by a keeper or by default."""
"""The roles a setting may name (``archive.Role``'s values; a test keeps the two equal)."""


class Settings(BaseSettings):
    """Every setting of yekuo, each read from ``YEKUO_<NAME>`` (or a ``.env`` file)."""

    model_config = SettingsConfigDict(env_prefix="YEKUO_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("yekuo-data"), description="Where the embedded backends keep their files."
    )
    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means a SQLite file yekuo.db under data_dir.",
    )

    object_store: Literal["local", "s3"] = "local"
    object_store_dir: Path | None = Field(
        default=None, description="Directory of the local object store; default data_dir/objects."
    )
    s3_endpoint: str = Field(default="", description="host:port of the S3 API, e.g. minio:9000.")
    s3_bucket: str = "yekuo"
    s3_access_key: str = ""
    s3_secret_key: SecretStr = SecretStr("")
    s3_secure: bool = Field(default=True, description="Use HTTPS to reach the S3 endpoint.")
    s3_region: str = ""

    search_backend: Literal["embedded", "elasticsearch"] = "embedded"
    elasticsearch_url: str = "http://127.0.0.1:9200"
    elasticsearch_index: str = "yekuo-documents"
    search_count_cap: int = Field(
        default=10_000,
        ge=1,
        le=1_000_000,
        description="Matches of a search are counted exactly up to this many (then '10,000+').",
    )

    ocr_engine: Literal["rapidocr", "tesseract"] = "rapidocr"
    ocr_threads: int = Field(
        default=0,
        ge=0,
        le=64,
        description="ONNX Runtime threads per page reader; 0 shares the cores out.",
    )
    intake_workers: int = Field(
        default=2, ge=0, le=64, description="Intake threads per process (pages OCR'd in parallel)."
    )
    intake_in_process: bool = Field(
        default=True,
        description="Run intake workers inside `yekuo serve`; false when `yekuo worker` runs them.",
    )
    intake_max_attempts: int = Field(
        default=3, ge=1, le=20, description="Tries before a document is marked failed."
    )
    intake_lease_seconds: int = Field(
        default=900, ge=30, description="After this, a job whose worker died is taken over."
    )
    intake_poll_seconds: float = Field(
        default=1.0, gt=0, le=60, description="How often an idle worker looks for new jobs."
    )
    queue_url: str = Field(
        default="",
        description="Where the intake queue (huey) keeps its messages: sqlite:///FILE or a "
        "postgresql URL; empty means the database's PostgreSQL server, or data_dir/queue.db.",
    )

    max_upload_bytes: int = Field(default=100 * MiB, gt=0)
    intake_max_pages: int = Field(
        default=300, ge=1, description="Documents with more pages are refused before reading."
    )
    intake_max_page_pixels: int = Field(
        default=80_000_000, ge=1_000_000, description="Larger images are refused before decoding."
    )
    intake_max_pdf_image_pixels: int = Field(
        default=200_000_000,
        ge=1_000_000,
        description="A PDF page whose embedded images hold more pixels is refused.",
    )
    intake_pdf_dpi: int = Field(
        default=200, ge=72, le=600, description="Resolution scanned PDF pages are rendered at."
    )
    tmp_dir: Path | None = Field(
        default=None, description="Where uploads are spooled; default data_dir/tmp."
    )
    rules_file: Path | None = Field(
        default=None,
        description="A utility's own rule file (YAML); default the rules shipped in archive/rules.",
    )
    session_hours: int = Field(
        default=12, ge=1, le=168, description="A web sign-in ends this many hours after it began."
    )
    session_idle_minutes: int = Field(
        default=30, ge=5, le=1440, description="A web sign-in ends after this long without use."
    )
    trash_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="A document removed to the trash can be restored this many days; only "
        "then may `yekuo trash purge` destroy its original.",
    )
    pii_roles: str = Field(
        default="reviewer,admin",
        description="Roles that see citizen ID numbers in full (view_pii), comma-separated; "
        "the others see them masked (410105********6366).",
    )
    top_unit: str = Field(
        default="TOP",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$",
        description="The code of the top unit of the organisation tree, created with the "
        "database; every case without another unit belongs to it.",
    )
    top_unit_name: str = Field(
        default="市公司",
        min_length=1,
        max_length=200,
        description="The name of the top unit, as pages show it.",
    )
    audit_key_file: Path | None = Field(
        default=None,
        description="The secret key that signs the audit checkpoints; default data_dir/audit.key "
        "(created on first use). Every process of one installation must read the same file.",
    )

    watch_dir: Path | None = Field(
        default=None,
        description="A folder network scanners write to, filed by `yekuo serve` as `yekuo watch` "
        "does; none by default.",
    )
    watch_settle_seconds: float = Field(
        default=5.0,
        gt=0,
        le=3600,
        description="A watched file is taken once its size and time stayed unchanged this long.",
    )
    watch_poll_seconds: float = Field(
        default=2.0, gt=0, le=600, description="How often the watched folder is looked at."
    )

    ldap_url: str = Field(
        default="",
        description="The directory (LDAP) people may also sign in through, ldap://HOST:PORT or "
        "ldaps://HOST:PORT; empty means local accounts only.",
    )
    ldap_start_tls: bool = Field(
        default=False, description="Upgrade an ldap:// connection with StartTLS before binding."
    )
    ldap_bind_dn: str = Field(
        default="",
        description="The DN yekuo binds as to search for users; empty means an anonymous search.",
    )
    ldap_bind_password: SecretStr = SecretStr("")
    ldap_base_dn: str = Field(default="", description="Where users are searched, e.g. dc=example.")
    ldap_user_filter: str = Field(
        default="(uid={username})",
        description="The filter that finds a user by the name typed in ({username}, escaped).",
    )
    ldap_group_base_dn: str = Field(
        default="", description="Where groups are searched; empty means ldap_base_dn."
    )
    ldap_group_filter: str = Field(
        default="(|(member={dn})(uniqueMember={dn})(memberUid={username}))",
        description="The filter that finds a user's groups ({dn} and {username}, escaped).",
    )
    ldap_group_roles: str = Field(
        default="",
        description="GROUP:ROLE pairs separated by ';' (a group's cn or DN); the first pair "
        "whose group the user is in gives the role.",
    )
    ldap_unit_attribute: str = Field(
        default="", description="A user attribute holding their unit code; empty means none."
    )
    ldap_timeout_seconds: int = Field(
        default=5, ge=1, le=60, description="How long to wait for the directory to answer."
    )
    archive_fonds: str = Field(
        default="0412",
        pattern=r"^[0-9A-Za-z]{1,16}$",
        description="全宗号: the fonds code archive numbers (档号) begin with.",
    )
    archive_no_pattern: str = Field(
        default="{fonds}-YK-{year}-{retention}-{number:04d}",
        description="How an archive number (档号) is written: {fonds} 全宗号, {year} 年度, "
        "{retention} 保管期限代码 (Y, D30, D10) and {number} 件号, counted per year.",
    )

    loan_days: int = Field(
        default=7,
        description="借阅: how many days an approved loan of an archived case lasts unless the "
        "keeper gives another period.",
    )
    reminder_days: int = Field(
        default=2,
        ge=0,
        le=30,
        description="A stage due within this many working days is shown to whoever answers "
        "for it on the start page.",
    )
    webhook_url: str = Field(
        default="",
        description="Where overdue stages and new error findings are POSTed as JSON; empty: none.",
    )
    webhook_secret: SecretStr = SecretStr("")

    @field_validator("watch_dir", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        # An empty YEKUO_WATCH_DIR (compose's default) means no watched folder, not the cwd.
        return None if value == "" else value

    @model_validator(mode="after")
    def _check_s3(self) -> Settings:
        if self.object_store == "s3":
            missing = [
                f"YEKUO_{name.upper()}"
                for name in ("s3_endpoint", "s3_bucket", "s3_access_key")
                if not getattr(self, name)
            ]
            if not self.s3_secret_key.get_secret_value():
                missing.append("YEKUO_S3_SECRET_KEY")
            if missing:
                raise ValueError(
                    "YEKUO_OBJECT_STORE=s3 needs " + ", ".join(missing) + "; set them or use local"
                )
        if not self.resolved_queue_url.startswith(("sqlite:///", "postgresql")):
            raise ValueError(
                f"YEKUO_QUEUE_URL={self.queue_url!r} is not a queue yekuo can use: "
                "give sqlite:///PATH or a postgresql:// URL, or leave it empty"
            )
        unknown = self.pii_role_set - ROLE_NAMES
        if unknown:
            raise ValueError(
                f"YEKUO_PII_ROLES names {', '.join(sorted(unknown))}, which are not roles; "
                f"use some of {', '.join(sorted(ROLE_NAMES))} separated by commas"
            )
        if self.max_upload_bytes > 4096 * MiB:
            raise ValueError("YEKUO_MAX_UPLOAD_BYTES above 4 GiB is refused: scans are smaller")
        if not 1 <= self.loan_days <= MAX_LOAN_DAYS:
            raise ValueError(
                f"YEKUO_LOAN_DAYS={self.loan_days} is refused: a loan lasts 1 to {MAX_LOAN_DAYS} "
                "days, the longest a borrower may ask for or a keeper give"
            )
        return self

    @model_validator(mode="after")
    def _check_webhook(self) -> Settings:
        if not self.webhook_url:
            return self
        parts = urlsplit(self.webhook_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(
                f"YEKUO_WEBHOOK_URL={self.webhook_url!r} is not an http(s) URL; give one such "
                "as https://hooks.example.cn/yekuo, or leave it empty for no webhook"
            )
        if len(self.webhook_secret.get_secret_value()) < 16:
            raise ValueError(
                "YEKUO_WEBHOOK_URL is set but YEKUO_WEBHOOK_SECRET is empty or shorter than 16 "
                "characters: set a long random secret, the receiver checks the signature with it"
            )
        return self

    @model_validator(mode="after")
    def _check_ldap(self) -> Settings:
        if not self.ldap_url:
            return self
        _check_ldap_url(self.ldap_url, start_tls=self.ldap_start_tls)
        if not self.ldap_base_dn.strip():
            raise ValueError("YEKUO_LDAP_URL is set but YEKUO_LDAP_BASE_DN is empty: set it")
        if bool(self.ldap_bind_dn) != bool(self.ldap_bind_password.get_secret_value()):
            raise ValueError(
                "YEKUO_LDAP_BIND_DN and YEKUO_LDAP_BIND_PASSWORD go together: set both for a "
                "service bind, or neither for an anonymous search"
            )
        _check_ldap_filter("YEKUO_LDAP_USER_FILTER", self.ldap_user_filter, needs="{username}")
        _check_ldap_filter("YEKUO_LDAP_GROUP_FILTER", self.ldap_group_filter, needs="{")
        if not self.ldap_group_role_pairs:
            raise ValueError(
                "YEKUO_LDAP_URL is set but YEKUO_LDAP_GROUP_ROLES maps no group: give "
                "GROUP:ROLE pairs separated by ';', e.g. "
                "yekuo-admins:admin;yekuo-reviewers:reviewer"
            )
        return self

    @property
    def ldap_group_role_pairs(self) -> tuple[tuple[str, str], ...]:
        """``ldap_group_roles`` as (group, role) pairs in their order; ValueError names a bad
        pair."""
        pairs = []
        for item in self.ldap_group_roles.split(";"):
            if not item.strip():
                continue
            group, _, role = item.rpartition(":")
            if not group.strip() or role.strip() not in ROLE_NAMES:
                raise ValueError(
                    f"YEKUO_LDAP_GROUP_ROLES holds {item.strip()!r}, which is not GROUP:ROLE with "
                    f"a role among {', '.join(sorted(ROLE_NAMES))}"
                )
            pairs.append((group.strip(), role.strip()))
        return tuple(pairs)

    @property
    def pii_role_set(self) -> frozenset[str]:
        """The role names of ``pii_roles``."""
        return frozenset(name.strip() for name in self.pii_roles.split(",") if name.strip())

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'yekuo.db').resolve()}"

    @property
    def resolved_queue_url(self) -> str:
        """The intake queue's URL: the database when it is PostgreSQL, else data_dir/queue.db."""
        if self.queue_url:
            return self.queue_url
        if self.resolved_database_url.startswith("postgresql"):
            return self.resolved_database_url
        return f"sqlite:///{(self.data_dir / 'queue.db').resolve()}"

    @property
    def resolved_object_store_dir(self) -> Path:
        """Directory of the local object store."""
        return self.object_store_dir or self.data_dir / "objects"

    @property
    def resolved_audit_key_file(self) -> Path:
        """The file holding the key that signs the audit checkpoints."""
        return self.audit_key_file or self.data_dir / "audit.key"

    @property
    def resolved_tmp_dir(self) -> Path:
        """Directory where uploads are spooled before they are stored."""
        return self.tmp_dir or self.data_dir / "tmp"


def _check_ldap_url(url: str, *, start_tls: bool) -> None:
    """ValueError unless ``url`` is ldaps://, or ldap:// to this machine or with StartTLS."""
    parts = urlsplit(url)
    if parts.scheme not in ("ldap", "ldaps") or not parts.hostname or parts.path not in ("", "/"):
        raise ValueError(
            f"YEKUO_LDAP_URL={url!r} is not an LDAP server address: give ldap://HOST:PORT or "
            "ldaps://HOST:PORT"
        )
    if parts.scheme == "ldap" and not start_tls and not _is_loopback(parts.hostname):
        raise ValueError(
            f"YEKUO_LDAP_URL={url!r} would send passwords in clear text to another machine: "
            "use ldaps://, or set YEKUO_LDAP_START_TLS=true"
        )


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _check_ldap_filter(variable: str, template: str, *, needs: str) -> None:
    """ValueError unless ``template`` is one parenthesised filter naming only known fields."""
    try:
        template.format(username="u", dn="d")
    except (KeyError, IndexError, ValueError):
        raise ValueError(
            f"{variable}={template!r} may name only {{username}} and {{dn}}; write other "
            "braces as {{ and }}"
        ) from None
    if not (template.startswith("(") and template.endswith(")")) or needs not in template:
        raise ValueError(
            f"{variable}={template!r} is refused: it must be one filter in parentheses that "
            f"uses {needs if needs != '{' else '{username} or {dn}'}"
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from the environment.

    SettingsError names each variable that is wrong, the value given and what is allowed.
    """
    try:
        return Settings()
    except pydantic.ValidationError as error:
        raise SettingsError(_settings_problems(error)) from None


def _settings_problems(error: pydantic.ValidationError) -> str:
    problems = []
    for item in error.errors():
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["loc"]:
            variable = "YEKUO_" + "_".join(str(part) for part in item["loc"]).upper()
            problems.append(f"{variable}={item.get('input')!r} is refused: {message}")
        else:
            problems.append(message)
    return "; ".join(problems) + " (see the configuration table in README.md)"
