"""The one `Settings` of the service (store, API, dashboard): HITO_* variables and a file."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import os
import re
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from pydantic_settings.exceptions import SettingsError

from hito.domain import Language
from hito.errors import InputError, Invalid, Problem
from hito.i18n import DEFAULT_ZONE, ZONES
from hito.needs import Standards
from hito.textfile import read_utf8

APP_NAME = "hito"
# a host name or address as the Host header gives it without its port; `*.` for subdomains
_HOST = re.compile(r"\*|(\*\.)?[A-Za-z0-9]([A-Za-z0-9.\-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\]")


class Settings(BaseSettings):
    """Everything the service reads from its environment; no value is read at import time."""

    model_config = SettingsConfigDict(env_prefix="HITO_", extra="ignore")

    database_url: str = Field(
        default="",
        description="SQLAlchemy URL; empty means one SQLite file in the user's data directory",
    )
    token_ttl_minutes: int = Field(default=12 * 60, gt=0, description="bearer token lifetime")
    max_upload_bytes: int = Field(default=5_000_000, gt=0, description="largest request body")
    login_max_failures: int = Field(
        default=5, gt=0, description="failed sign-ins to one account from one address"
    )
    login_lockout_seconds: int = Field(
        default=300, ge=1, description="the window failed sign-ins are counted in (and a lock)"
    )
    login_max_failures_per_address: int = Field(
        default=30, gt=0, description="failed sign-ins from one address, to any account"
    )
    login_max_failures_per_account: int = Field(
        default=100, gt=0, description="failed sign-ins to one account, from anywhere"
    )
    login_failure_delay: float = Field(
        default=0.5, ge=0, description="seconds a failed login waits before it answers"
    )
    auto_migrate: bool = Field(default=True, description="upgrade the schema on start")
    forecast_max_runs: int = Field(default=200, gt=0, description="largest ensemble per request")
    forecast_scenario: str = Field(
        default="",
        description="built-in scenario of the forecast calibrated on the stored counts and "
        "refreshed after each new report (empty: none)",
    )
    forecast_days: int = Field(default=28, ge=1, le=365, description="days ahead of that forecast")
    forecast_particles: int = Field(
        default=200, ge=10, le=5000, description="particles of that forecast's calibration"
    )
    forecast_max_active: int = Field(
        default=4, gt=0, description="forecasts queued or running at once (then 429)"
    )
    forecast_max_active_per_user: int = Field(
        default=2, gt=0, description="forecasts one user may have queued or running at once"
    )
    public_url: str = Field(
        default="http://127.0.0.1:8000", description="the dashboard's address, for alert links"
    )
    smtp_host: str = Field(default="", description="SMTP server for alert e-mail (empty: none)")
    smtp_port: int = Field(default=25, gt=0, lt=65536)
    smtp_sender: str = Field(default="hito@localhost", description="From: of alert e-mail")
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    delivery_max_attempts: int = Field(default=6, ge=1, le=50, description="then: failed")
    delivery_backoff_seconds: float = Field(
        default=30.0, gt=0, description="wait before the 2nd attempt; doubles each time"
    )
    delivery_lease_seconds: float = Field(
        default=120.0, gt=0, description="a worker killed mid-send: resend after this long"
    )
    webhook_allow_private: bool = Field(
        default=False,
        description="let alert webhooks go to loopback, private and link-local addresses "
        "(receivers on the deployment's own network); otherwise public addresses only",
    )
    sms_token: str = Field(
        default="", description="shared secret of the SMS gateway's webhook (empty: SMS off)"
    )
    needs: Standards = Field(
        default_factory=Standards,
        description="minimum standards of needs (Sphere by default); override each with its "
        'source, e.g. HITO_NEEDS=\'{"water_l_per_person_day": {"value": 20, '
        '"unit": "L/person/day", "source": "cluster agreement, Arica 2025"}}\'',
    )
    # the dashboard's
    language: Language = Field(default="es", description="language of a visitor who picked none")
    comparison: Path | None = Field(
        default=None, description="plan comparison JSON shown on the plans page and in reports"
    )
    cookie_secure: bool = Field(
        default=False,
        description="always send cookies over HTTPS only (behind a TLS proxy); they are "
        "Secure anyway whenever the request came over HTTPS",
    )
    trusted_origins: list[str] = Field(
        default_factory=list,
        description="other origins (scheme://host:port) whose pages may post to the dashboard",
    )
    allowed_hosts: list[str] = Field(
        default_factory=lambda: ["127.0.0.1", "localhost"],
        description="the host names the service answers to (the Host header; `*.example.org` "
        "for its subdomains), besides the host of `public_url`; any other gets 400",
    )
    sitrep_pdf_per_minute: int = Field(
        default=4,
        gt=0,
        description="PDFs of the situation report one user may ask for per window "
        "(`sitrep_pdf_window_seconds`), one at a time; then 429",
    )
    sitrep_pdf_window_seconds: int = Field(
        default=60, ge=1, description="the window those PDFs are counted in"
    )
    refresh_seconds: int = Field(
        default=60, ge=0, description="the overview refreshes its picture this often (0: never)"
    )
    as_of: dt.date | None = Field(
        default=None, description="the date the dashboard shows unless asked (default: today)"
    )
    stale_days: int = Field(
        default=14, ge=1, description="counts older than this are shown apart, not added up"
    )
    zone: str = Field(
        default=DEFAULT_ZONE,
        description="time zone of a visitor without an agency (" + ", ".join(ZONES) + ")",
    )
    db_pool_size: int = Field(
        default=10, ge=1, le=200, description="database connections kept per server process"
    )
    db_max_overflow: int = Field(
        default=5,
        ge=0,
        le=200,
        description="extra connections a busy process may open; then "
        "requests wait for one (PostgreSQL's max_connections is shared by every process)",
    )
    log_key_file: Path | None = Field(
        default=None,
        description="the transparency log's Ed25519 signing key (PEM, PKCS#8); empty means "
        "`log-signing-key.pem` beside the SQLite file, or in the user's data directory",
    )
    log_key_create: bool = Field(
        default=True, description="create the signing key when the file does not exist"
    )
    audit_verify_reuse_seconds: float = Field(
        default=60.0,
        ge=0,
        description="how long GET /audit/verify may give its last check again while nothing "
        "was written to the database (0: check each time; one check at a time per process, "
        "else 429)",
    )
    log_sequence_seconds: float = Field(
        default=0.2,
        gt=0,
        description="how often a server sequences new entries into the log "
        "(GET /log/head sequences what is pending at once)",
    )

    @field_validator("allowed_hosts")
    @classmethod
    def _hosts(cls, v: list[str]) -> list[str]:
        if not all(_HOST.fullmatch(h) for h in v):
            raise Invalid(
                Problem(
                    "expected host names without a scheme or a port, such as hito.example.org, "
                    "127.0.0.1 or *.example.org for its subdomains (* for any host)"
                )
            )
        return v

    @field_validator("zone")
    @classmethod
    def _zone(cls, v: str) -> str:
        if v not in ZONES:
            raise Invalid(Problem("expected one of: %(choices)s", choices=", ".join(ZONES)))
        return v

    def forecast_quota(self) -> tuple[int, int]:
        """Forecasts queued or running at the most (in all, per user): `create_forecast`'s quota."""
        return self.forecast_max_active, self.forecast_max_active_per_user

    def resolved_database_url(self) -> str:
        """The URL in use: the configured one, or the SQLite file in the user's data directory."""
        if self.database_url:
            return normalize_url(self.database_url)
        data = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
        data.mkdir(mode=0o700, parents=True, exist_ok=True)
        return f"sqlite:///{data / 'hito.sqlite3'}"


def log_key_path(settings: Settings) -> Path:
    """Where the log's signing key is: the setting, else beside the SQLite file or in user data."""
    if settings.log_key_file is not None:
        return Path(settings.log_key_file)
    url = settings.resolved_database_url()
    if url.startswith("sqlite:///") and ":memory:" not in url:
        return Path(url[len("sqlite:///") :]).parent / "log-signing-key.pem"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / "log-signing-key.pem"


def normalize_url(url: str) -> str:
    """Use the psycopg 3 driver for plain postgresql:// URLs."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_settings(env_file: str | Path | None = None, **overrides: Any) -> Settings:
    """Build the settings from HITO_* variables, a .env-style file, then overrides.

    The file is `env_file`, else the one HITO_SETTINGS_FILE names, else none.
    """
    if env_file is None:
        env_file = os.environ.get("HITO_SETTINGS_FILE") or None
    if env_file is not None and not Path(env_file).exists():
        raise InputError(Problem("%(env_file)s: no such settings file", env_file=env_file))
    if env_file is not None:
        _check_lines(Path(env_file))
    try:
        return Settings(_env_file=env_file, **overrides)  # type: ignore[call-arg]
    except (
        SettingsError
    ) as exc:  # a JSON value that is not JSON (HITO_NEEDS, HITO_TRUSTED_ORIGINS, …)
        field = str(exc).split('"')[1] if str(exc).count('"') >= 2 else "*"
        raise InputError(
            Problem(
                "%(name)s (%(where)s): expected a JSON value, such as %(example)s",
                name=f"HITO_{field.upper()}",
                where=Problem("%(file)s or the environment", file=str(env_file))
                if env_file
                else Problem("the environment"),
                example=_JSON_EXAMPLES.get(field, "[...] or {...}"),
            )
        ) from None
    except ValidationError as exc:
        from hito.validation import pydantic_problem

        where = Problem("%(file)s or the environment", file=str(env_file)) if env_file else None
        raise InputError(
            [
                Problem(
                    "%(name)s (%(where)s): %(problem)s; got %(value)s",
                    name=_variable(e["loc"]),
                    where=where or Problem("the environment"),
                    value=repr(e.get("input")),
                    problem=pydantic_problem(e),
                )
                for e in exc.errors()
            ]
        ) from None


def worker_config(settings: Settings) -> Any:
    """The delivery worker's configuration from the settings."""
    from hito.notify import Smtp
    from hito.store.deliveries import WorkerConfig

    smtp = None
    if settings.smtp_host:
        smtp = Smtp(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.smtp_sender,
            starttls=settings.smtp_starttls,
            username=settings.smtp_username,
            password=settings.smtp_password,
        )
    return WorkerConfig(
        smtp=smtp,
        public_url=settings.public_url,
        max_attempts=settings.delivery_max_attempts,
        backoff_seconds=settings.delivery_backoff_seconds,
        lease_seconds=settings.delivery_lease_seconds,
        webhook_allow_private=settings.webhook_allow_private,
    )


def _check_lines(path: Path) -> None:
    """Every line of a settings file: NAME=VALUE, a comment or blank; else InputError naming it."""
    from dotenv.parser import parse_stream

    text = read_utf8(path)
    bad = []
    first: dict[str, int] = {}  # each name's line: given again, dotenv keeps the last silently
    for b in parse_stream(io.StringIO(text)):
        line = b.original.line + _blank_lines(b.original.string)
        if b.error:
            bad.append(
                Problem(
                    "%(file)s:%(line)s: got %(text)s, expected NAME=VALUE, a # comment or an "
                    "empty line",
                    file=str(path),
                    line=line,
                    text=repr(b.original.string.strip()),
                )
            )
        elif b.key is None or not b.key.upper().startswith("HITO_"):
            continue  # a comment, or another program's setting in a shared file: not hito's
        elif (unknown := _unknown_name(b.key)) is not None:
            bad.append(
                Problem(
                    "%(file)s:%(line)s: %(problem)s", file=str(path), line=line, problem=unknown
                )
            )
        elif b.key.upper() in first:  # names are read in any case
            bad.append(
                Problem(
                    "%(file)s:%(line)s: %(name)s: given again (first at line %(first)s); expected "
                    "each setting once (the second would silently replace the first)",
                    file=str(path),
                    line=line,
                    name=b.key,
                    first=first[b.key.upper()],
                )
            )
        else:
            first[b.key.upper()] = line
    if bad:
        raise InputError(bad)


# read from the environment only: in a settings file they would do nothing
ENVIRONMENT_ONLY = ("HITO_LANG", "HITO_PASSWORD", "HITO_SETTINGS_FILE")


def _unknown_name(name: str) -> Problem | None:
    """Why a HITO_ name in a settings file is none of hito's settings (a typo), or None."""
    known = ["HITO_" + field.upper() for field in Settings.model_fields]
    given = name.upper()
    if given in known:
        return None
    if given in ENVIRONMENT_ONLY:
        return Problem(
            "%(name)s: read from the environment only; in a settings file it does nothing",
            name=name,
        )
    close = difflib.get_close_matches(given, known, n=1)
    if close:
        return Problem(
            "%(name)s: no such setting (did you mean %(close)s?); a misspelt setting would be "
            "ignored, its default used",
            name=name,
            close=close[0],
        )
    return Problem(
        "%(name)s: no such setting; expected one of hito's (docs/service.md), a misspelt "
        "setting would be ignored, its default used",
        name=name,
    )


def _blank_lines(text: str) -> int:
    """The empty lines dotenv's parser puts before a statement it could not read."""
    return len(text) - len(text.lstrip("\n"))


# what a setting given as JSON looks like, for the message when it is not JSON
_JSON_EXAMPLES = {
    "needs": '{"water_l_per_person_day": {"value": 20, "unit": "L/person/day", "source": "..."}}',
    "trusted_origins": '["https://hito.example.org"]',
    "allowed_hosts": '["hito.example.org", "127.0.0.1"]',
}


def _variable(loc: tuple[Any, ...]) -> str:
    """The HITO_* variable of a setting's error, and the path inside a JSON value (NEEDS.x.y)."""
    if not loc:
        return "HITO_*"
    inside = ".".join(str(p) for p in loc[1:])
    return f"HITO_{str(loc[0]).upper()}" + (f".{inside}" if inside else "")
