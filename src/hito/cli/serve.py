"""`hito serve`: run the coordination service (FastAPI under uvicorn)."""

from __future__ import annotations

from typing import Annotated

import typer

from hito.cli.db import SettingsOpt
from hito.cli.options import free_address


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="port to listen on")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="worker processes")] = 1,
    settings: SettingsOpt = None,
) -> None:
    """Serve the API at http://HOST:PORT/api/v1 (OpenAPI at /docs); migrates the schema first."""
    import uvicorn

    from hito import i18n
    from hito.cli.db import open_database
    from hito.service import create_app, for_server
    from hito.store.settings import load_settings

    conf = load_settings(settings)
    free_address(host, port)
    db = open_database(settings)  # migrate once, before any worker starts
    _ = i18n.translations(i18n.reader_language()).gettext
    typer.echo(
        _("hito service on %(url)s (database %(database)s)")
        % {"url": f"http://{host}:{port}", "database": repr(db.engine.url)},
        err=True,
    )
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
