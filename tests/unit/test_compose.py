"""docker-compose.yml stays true to the code: its settings exist and hold valid values.

The compose file is only run on a Docker host; these checks read it, so a renamed setting or
a version bump on one side only fails here first.
"""

from __future__ import annotations

import re
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml

from core import Settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
YEKUO_SERVICES = ("api", "worker")

# ${NAME}, ${NAME:-default} or ${NAME:?message}, innermost first (defaults may nest one).
_INTERPOLATION = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:-|:\?)([^${}]*))?\}")
# What an operator must provide (the compose file refuses to start without them).
_OPERATOR_ENV = {
    "POSTGRES_PASSWORD": "synthetic-password",
    "YEKUO_S3_ACCESS_KEY": "synthetic-access",
    "YEKUO_S3_SECRET_KEY": "synthetic-secret",
}


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Resolve compose's ${...} the way `docker compose` does for the forms used here."""

    def replace(match: re.Match[str]) -> str:
        name, operator, default = match.groups()
        if env.get(name):
            return env[name]
        if operator == ":?":
            raise ValueError(f"{name} must be set: {default}")
        return default or ""

    previous = None
    while previous != value:
        previous, value = value, _INTERPOLATION.sub(replace, value)
    return value


def _environment(service: str) -> dict[str, str]:
    return {name: str(value) for name, value in SERVICES[service]["environment"].items()}


def _setting_names() -> set[str]:
    return {f"YEKUO_{name.upper()}" for name in Settings.model_fields}


@pytest.mark.parametrize("service", YEKUO_SERVICES)
def test_every_yekuo_variable_set_is_a_setting(service: str) -> None:
    variables = {name for name in _environment(service) if name.startswith("YEKUO_")}
    assert variables, f"{service} sets no YEKUO_* variable"
    assert variables - _setting_names() == set(), "core/_settings.py reads no such setting"


def test_every_yekuo_variable_interpolated_is_a_setting() -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    interpolated = {
        name for name in re.findall(r"\$\{([A-Z0-9_]+)", text) if name.startswith("YEKUO_")
    }
    assert interpolated - _setting_names() == set(), "core/_settings.py reads no such setting"


def test_api_and_workers_use_the_same_backends() -> None:
    assert _environment("api") == _environment("worker")


def test_the_settings_with_their_defaults_are_valid_production_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in _environment("api").items():
        monkeypatch.setenv(name, _interpolate(value, _OPERATOR_ENV))
    settings = Settings(_env_file=None)
    assert settings.database_url.startswith("postgresql+psycopg://yekuo:synthetic-password@")
    assert settings.object_store == "s3"
    assert settings.s3_endpoint == "minio:9000"
    assert settings.s3_secret_key.get_secret_value() == "synthetic-secret"
    assert settings.search_backend == "elasticsearch"
    assert settings.elasticsearch_url == "http://elasticsearch:9200"
    assert settings.intake_in_process is False
    assert settings.watch_dir is None  # off unless the operator sets YEKUO_WATCH_DIR


@pytest.mark.parametrize("missing", sorted(_OPERATOR_ENV))
def test_the_secrets_are_required_not_defaulted(missing: str) -> None:
    others = {name: value for name, value in _OPERATOR_ENV.items() if name != missing}
    with pytest.raises(ValueError, match=missing):
        _interpolate(" ".join(_environment("api").values()), others)


def test_the_bundled_minio_uses_the_credentials_yekuo_is_given() -> None:
    minio = {name: str(value) for name, value in SERVICES["minio"]["environment"].items()}
    assert _interpolate(minio["MINIO_ROOT_USER"], _OPERATOR_ENV) == "synthetic-access"
    assert _interpolate(minio["MINIO_ROOT_PASSWORD"], _OPERATOR_ENV) == "synthetic-secret"


def test_elasticsearch_is_the_version_the_tests_run_and_the_client_speaks() -> None:
    image_version = SERVICES["elasticsearch"]["image"].rsplit(":", 1)[1]
    services_script = (ROOT / "scripts" / "services.sh").read_text(encoding="utf-8")
    tested = re.search(r"^ES_VERSION=\$\{YEKUO_ES_VERSION:-([0-9.]+)\}", services_script, re.M)
    assert tested is not None, "scripts/services.sh pins no Elasticsearch version"
    assert image_version == tested.group(1)
    assert version("elasticsearch").split(".")[0] == image_version.split(".")[0]


def test_every_server_has_a_health_check_and_a_volume() -> None:
    for name in ("api", "postgres", "minio", "elasticsearch"):
        assert "healthcheck" in SERVICES[name], f"{name} has no health check"
        assert SERVICES[name].get("volumes"), f"{name} keeps its data in no volume"
    assert "ports" not in SERVICES["worker"], "workers must scale: they publish no port"
