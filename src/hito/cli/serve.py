"""`hito serve`: run the coordination service (FastAPI under uvicorn)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hito.cli.db import SettingsOpt
from hito.cli.options import ConsoleLangOpt, command_language, free_address, language_option

if TYPE_CHECKING:
    from hito.store.settings import Settings

_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
_ANY = {"0.0.0.0", "::", ""}


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
    settings: SettingsOpt = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Serve the API at http://HOST:PORT/api/v1 (OpenAPI at /docs); migrates the schema first."""
    language_option(lang)
    import uvicorn

    from hito import i18n
    from hito.api.hosts import allowed_hosts
    from hito.cli.db import open_database
    from hito.service import create_app, for_server
    from hito.store.settings import load_settings

    conf = load_settings(settings)
    free_address(host, port)
    db = open_database(settings)  # migrate once, before any worker starts
    _ = i18n.translations(command_language()).gettext
    typer.echo(
        _("hito service on %(url)s (database %(database)s)")
        % {"url": f"http://{host}:{port}", "database": repr(db.engine.url)},
        err=True,
    )
    warning = host_warning(host, conf)
    if warning is not None:
        typer.echo(_(warning) % {"host": host, "hosts": ", ".join(allowed_hosts(conf))}, err=True)
    db.dispose()
    if workers > 1:
        import os

        if settings is not None:
            os.environ["HITO_SETTINGS_FILE"] = str(settings)
        uvicorn.run(
            "hito.service:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="warning",
        )
    else:
        uvicorn.run(for_server(create_app(conf)), host=host, port=port, log_level="warning")


def _(message: str) -> str:
    """Mark a message for the catalogues (translated where it is said)."""
    return message


_LAN_NEEDS_HOSTS = _(
    "warning: listening on %(host)s, but the service answers only to %(hosts)s "
    "(HITO_ALLOWED_HOSTS): a phone or a computer that types this machine's name or address "
    "gets a 400 until that name or address is added"
)


def host_warning(host: str, conf: Settings) -> str | None:
    """The warning for a server others will reach by an address it refuses; None if none.

    Listening on every interface (0.0.0.0) while answering only to loopback names, or on an
    address that is not among the allowed hosts, a field team's phone on the network would
    get the 400 of `hito.api.hosts` for every page.
    """
    from hito.api.hosts import allowed_hosts

    hosts = allowed_hosts(conf)
    if "*" in hosts or host.lower() in _LOOPBACK:
        return None
    if host in _ANY:
        return _LAN_NEEDS_HOSTS if set(hosts) <= _LOOPBACK else None
    listed = host.lower() in hosts or f"[{host.lower()}]" in hosts
    return None if listed else _LAN_NEEDS_HOSTS
