"""Every setting the handbook takes from the environment, declared, typed and checked here.

A wrong value must be refused with the variable's name and the form it expects
(`LOOKERSDK_TIMEOUT: must be a whole number of seconds, 1 or more (got '0')`), not turn up
later as a bare `ValueError` from deep inside looker-sdk or a refresh that "succeeds"
with every table failing. So the rest of the package never reads `os.environ`: it asks
`load_settings()`, which reads the environment (and looker.ini, the file looker-sdk reads)
once per call and raises `SettingsError` listing every wrong value at once.

Looker: the looker-sdk's own variables (`LOOKERSDK_BASE_URL`, `_CLIENT_ID`,
`_CLIENT_SECRET`, `_VERIFY_SSL`, `_TIMEOUT`) override the `[Looker]` section of the ini file
(`HANDBOOK_LOOKER_INI`, default `looker.ini`), as in the SDK. BigQuery: Application Default
Credentials (`GOOGLE_APPLICATION_CREDENTIALS`), `GOOGLE_CLOUD_PROJECT`, and
`HANDBOOK_BIGQUERY_ENDPOINT` / `HANDBOOK_BIGQUERY_TIMEOUT` for emulators. The handbook:
`HANDBOOK_OFFLINE`, `HANDBOOK_ROOT`, the `HANDBOOK_RETRY_*` knobs,
`HANDBOOK_CONTENT_VALIDATION_TIMEOUT` (the one slow Looker request) and `HANDBOOK_PULL_WAIT`
(how long `handbook refresh` waits for another pull of the same source to end).
"""

from __future__ import annotations

import configparser
import json
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from handbook.problems import CatalogError, Problem

_TRUE = ("1", "true", "yes", "y", "t", "on")
_FALSE = ("0", "false", "no", "n", "f", "off")
_PROJECT_ID = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
# Keys of a Google credentials file whose values are secret.
_CREDENTIAL_KEYS = ("private_key", "private_key_id", "client_secret", "refresh_token")


# Variables that switch off the end-of-life banners Material for MkDocs and ProperDocs print
# on every `mkdocs` run (see `adapters.quiet_banners`, which mkdocs.yml imports early).
BANNER_SWITCHES = {"NO_MKDOCS_2_WARNING": "1", "DISABLE_MKDOCS_2_WARNING": "true"}


def silence_banners() -> None:
    """Set the banner switches for this process, leaving any the user set as they are."""
    for name, value in BANNER_SWITCHES.items():
        os.environ.setdefault(name, value)


class SettingsError(CatalogError):
    """One or more settings are wrong; each problem's "file" is the variable's name."""


def _flag(value: Any, expected: str = "true or false (also 1/0, yes/no)") -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise PydanticCustomError("flag", "must be {expected}", {"expected": expected})


def _positive(value: Any, *, whole: bool, allow_zero: bool = False) -> float | int | None:
    if value is None or str(value).strip() == "":
        return None
    kind = "a whole number of seconds" if whole else "a number of seconds"
    least = "0" if allow_zero else ("1" if whole else "more than 0")
    try:
        number: float | int = int(str(value)) if whole else float(str(value))
    except ValueError:
        number = -1
    if number != number or number < 0 or (number == 0 and not allow_zero):  # NaN too
        raise PydanticCustomError(
            "positive", "must be {kind}, {least} or more", {"kind": kind, "least": least}
        )
    return number


def http_url(value: Any, *, what: str) -> str | None:
    """An http(s) URL with a host, trailing slashes removed (`https://x/looker/` works)."""
    if value is None or str(value).strip() == "":
        return None
    text = str(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PydanticCustomError(
            "url", "must be an http(s) URL such as {example}", {"example": what}
        )
    if parts.query or parts.fragment:
        raise PydanticCustomError(
            "url",
            "must be a plain URL with no '?query' or '#fragment', such as {example}",
            {"example": what},
        )
    return text.rstrip("/")


class Settings(BaseModel):
    """The checked settings; secrets are `SecretStr`, so a repr or a log never shows them."""

    model_config = ConfigDict(frozen=True)

    looker_base_url: str | None = None
    looker_client_id: SecretStr | None = None
    looker_client_secret: SecretStr | None = None
    looker_verify_ssl: bool | None = None
    looker_timeout: int | None = None
    looker_ini: Path = Path("looker.ini")
    google_credentials: Path | None = None
    google_project: str | None = None
    bigquery_endpoint: str | None = None
    bigquery_timeout: float = 30.0
    offline: bool = False
    root: Path | None = None
    retry_attempts: int = 5
    retry_base_seconds: float = 1.0
    retry_budget_seconds: float = 300.0
    # Seconds for Looker's content validator to answer (minutes on a big instance).
    content_validation_timeout: int = 900
    # Seconds `handbook refresh` waits for another pull of the same source before refusing.
    pull_wait: float = 1800.0

    @field_validator("looker_base_url", mode="before")
    @classmethod
    def _looker_url(cls, value: Any) -> str | None:
        url = http_url(value, what="https://yourcompany.cloud.looker.com")
        if url and re.search(r"/api(/[0-9.]+)?$", url):
            raise PydanticCustomError(
                "url",
                "must be the Looker host without /api/…: looker-sdk adds /api/4.0 itself "
                "(e.g. https://yourcompany.cloud.looker.com)",
            )
        return url

    @field_validator("bigquery_endpoint", mode="before")
    @classmethod
    def _bq_url(cls, value: Any) -> str | None:
        return http_url(value, what="http://127.0.0.1:9050")

    @field_validator("looker_verify_ssl", "offline", mode="before")
    @classmethod
    def _flags(cls, value: Any) -> bool | None:
        return _flag(value)

    @field_validator(
        "looker_timeout", "retry_attempts", "content_validation_timeout", mode="before"
    )
    @classmethod
    def _whole(cls, value: Any) -> Any:
        return _positive(value, whole=True)

    @field_validator("bigquery_timeout", "retry_budget_seconds", mode="before")
    @classmethod
    def _seconds(cls, value: Any) -> Any:
        return _positive(value, whole=False)

    @field_validator("retry_base_seconds", "pull_wait", mode="before")
    @classmethod
    def _delay(cls, value: Any) -> Any:
        return _positive(value, whole=False, allow_zero=True)

    @field_validator("google_project", mode="before")
    @classmethod
    def _project(cls, value: Any) -> str | None:
        if value is None or str(value).strip() == "":
            return None
        if not _PROJECT_ID.match(str(value).strip()):
            raise PydanticCustomError(
                "project",
                "must be a Google Cloud project id: 6-30 lowercase letters, digits and "
                "hyphens, starting with a letter (e.g. sourcegraph-dw)",
            )
        return str(value).strip()

    @field_validator("google_credentials", "root", mode="before")
    @classmethod
    def _existing(cls, value: Any) -> Any:
        if value is None or str(value).strip() == "":
            return None
        return Path(str(value))

    @property
    def looker_configured(self) -> bool:
        """looker-sdk would find credentials: all three settings, from env or looker.ini."""
        return bool(self.looker_base_url and self.looker_client_id and self.looker_client_secret)

    @property
    def bigquery_configured(self) -> bool:
        return bool(self.bigquery_endpoint or self.google_credentials or self.google_project)

    def missing(self, source: str) -> list[str]:
        """The variables to set before `source` ("looker" or "bigquery") can be pulled.

        Looker needs all three of its settings (from the environment or looker.ini), so the
        ones not found are named; BigQuery needs any one of its three, so all are named.
        """
        if source == "looker":
            return [ENV[f] for f in _LOOKER_NEEDS if not getattr(self, f)]
        return [] if self.bigquery_configured else [ENV[f] for f in _BIGQUERY_ANY]

    def secrets(self) -> list[str]:
        """Every configured secret value, for `scrub` to remove from any message."""
        found = [
            s.get_secret_value()
            for s in (self.looker_client_id, self.looker_client_secret)
            if s is not None
        ]
        return [*found, *credential_file_secrets(self.google_credentials)]


# Variable name for each field, and the field read from looker.ini under the same key.
ENV = {
    "looker_base_url": "LOOKERSDK_BASE_URL",
    "looker_client_id": "LOOKERSDK_CLIENT_ID",
    "looker_client_secret": "LOOKERSDK_CLIENT_SECRET",
    "looker_verify_ssl": "LOOKERSDK_VERIFY_SSL",
    "looker_timeout": "LOOKERSDK_TIMEOUT",
    "looker_ini": "HANDBOOK_LOOKER_INI",
    "google_credentials": "GOOGLE_APPLICATION_CREDENTIALS",
    "google_project": "GOOGLE_CLOUD_PROJECT",
    "bigquery_endpoint": "HANDBOOK_BIGQUERY_ENDPOINT",
    "bigquery_timeout": "HANDBOOK_BIGQUERY_TIMEOUT",
    "offline": "HANDBOOK_OFFLINE",
    "root": "HANDBOOK_ROOT",
    "retry_attempts": "HANDBOOK_RETRY_ATTEMPTS",
    "retry_base_seconds": "HANDBOOK_RETRY_BASE_SECONDS",
    "retry_budget_seconds": "HANDBOOK_RETRY_BUDGET_SECONDS",
    "content_validation_timeout": "HANDBOOK_CONTENT_VALIDATION_TIMEOUT",
    "pull_wait": "HANDBOOK_PULL_WAIT",
}
_INI_KEYS = ("base_url", "client_id", "client_secret", "verify_ssl", "timeout")
_LOOKER_NEEDS = ("looker_base_url", "looker_client_id", "looker_client_secret")
_BIGQUERY_ANY = ("google_project", "google_credentials", "bigquery_endpoint")


def not_configured(source: str, missing: list[str], ini: Path) -> str:
    """Why `source` cannot be pulled and what to set, for `handbook refresh` (one sentence)."""
    if source == "looker":
        return (
            f"Looker is not configured: {_listed(missing)} {'is' if len(missing) == 1 else 'are'} "
            "not set. Set LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET, "
            f"or write base_url, client_id and client_secret under [Looker] in {ini}"
        )
    return (
        f"BigQuery is not configured: none of {', '.join(missing)} is set. Set "
        "GOOGLE_CLOUD_PROJECT (with Application Default Credentials: "
        "GOOGLE_APPLICATION_CREDENTIALS or gcloud auth application-default login), or "
        "HANDBOOK_BIGQUERY_ENDPOINT for an emulator"
    )


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def credential_file_secrets(path: Path | None) -> list[str]:
    """The secret values in a Google credentials file (service account or user ADC)."""
    if path is None:
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    return [str(data[k]) for k in _CREDENTIAL_KEYS if isinstance(data.get(k), str) and data[k]]


def _read_ini(path: Path) -> tuple[dict[str, str], list[Problem]]:
    """The first section of looker.ini, as looker-sdk reads it (missing file: nothing)."""
    if not path.is_file():
        return {}, []
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return {}, [Problem(str(path), None, f"cannot read looker.ini: {message}")]
    if not parser.sections():
        return {}, [Problem(str(path), None, "looker.ini has no section", "start it with [Looker]")]
    section = parser[parser.sections()[0]]
    return {f"looker_{k}": section[k] for k in _INI_KEYS if section.get(k)}, []


def _problems(exc: ValidationError, origin: dict[str, str]) -> list[Problem]:
    problems = []
    for error in exc.errors():
        name = str(error["loc"][0]) if error["loc"] else "?"
        given = error.get("input")
        secret = "secret" in name or "client_id" in name
        shown = "" if secret or given is None else f" (got {str(given)!r})"
        problems.append(
            Problem(origin.get(name, ENV.get(name, name)), None, f"{error['msg']}{shown}")
        )
    return problems


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """Settings from `environ` (default: the process environment) and looker.ini."""
    env = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    origin: dict[str, str] = {}
    ini_path = Path(env.get("HANDBOOK_LOOKER_INI") or "looker.ini")
    from_ini, problems = _read_ini(ini_path)
    for name, value in from_ini.items():
        raw[name] = value
        origin[name] = f"{ini_path} ({name.removeprefix('looker_')})"
    for name, variable in ENV.items():
        value = env.get(variable)
        if value is not None and value.strip() != "":
            raw[name] = value
            origin[name] = variable
    root = raw.get("root")
    if root and not Path(root).is_dir():
        problems.append(
            Problem(
                "HANDBOOK_ROOT",
                None,
                f"no such folder: {root}",
                "point it at the folder holding mkdocs.yml, or unset it",
            )
        )
        raw.pop("root")
    credentials = raw.get("google_credentials")
    if credentials and not Path(credentials).is_file():
        problems.append(
            Problem(
                "GOOGLE_APPLICATION_CREDENTIALS",
                None,
                f"no such file: {credentials}",
                "point it at a service-account or ADC JSON key file, or unset it",
            )
        )
        raw.pop("google_credentials")
    try:
        settings = Settings.model_validate(raw)
    except ValidationError as exc:
        raise SettingsError([*problems, *_problems(exc, origin)]) from None
    if problems:
        raise SettingsError(problems)
    return settings
