"""Settings of the dashboard (HITO_*): default language, the stored plan comparison, cookies."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class WebSettings(BaseSettings):
    """What the dashboard reads from its environment; built in a factory, never at import."""

    model_config = SettingsConfigDict(env_prefix="HITO_", extra="ignore")

    language: str = Field(default="es", description="language of a visitor who picked none")
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
    refresh_seconds: int = Field(
        default=60, ge=0, description="the overview refreshes its picture this often (0: never)"
    )
