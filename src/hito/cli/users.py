"""`hito users`: create the first admin and other users from the command line."""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from hito.cli.db import SettingsOpt, open_database
from hito.cli.options import ConsoleLangOpt, command_language, language_option
from hito.errors import Problem

app = typer.Typer(no_args_is_help=True, help="Users of the coordination service.")


@app.command("create")
def create(
    username: Annotated[str, typer.Argument(help="the new user's login name")],
    role: Annotated[str, typer.Option(help="admin, editor or viewer")] = "viewer",
    agency: Annotated[
        str | None,
        typer.Option(
            help="agency code (editors need one; an admin of an agency administers its country "
            "only, an admin of none the whole service)"
        ),
    ] = None,
    settings: SettingsOpt = None,
    lang: ConsoleLangOpt = None,
) -> None:
    """Create a user; the password comes from HITO_PASSWORD or a prompt."""
    language_option(lang)
    from sqlalchemy import select

    from hito import i18n, names
    from hito.errors import InputError
    from hito.store import users
    from hito.store.actors import SYSTEM
    from hito.store.errors import InvalidError
    from hito.store.models import Agency

    _ = i18n.translations(command_language()).gettext
    db = open_database(settings)  # a database it cannot reach is said before the password
    password = os.environ.get("HITO_PASSWORD")
    if not password and not sys.stdin.isatty():  # a script: no terminal to ask in
        raise InputError(
            Problem(
                "no password for %(user)s: expected HITO_PASSWORD set, or the command run in a "
                "terminal, which asks for it",
                user=repr(username),
            )
        )
    password = password or typer.prompt(
        _("password for %(user)s") % {"user": username},
        hide_input=True,
        confirmation_prompt=_("Repeat the password"),
    )
    with db.session() as session:
        agency_id = None
        if agency is not None:
            row = session.scalar(select(Agency).where(Agency.code == agency))
            if row is None:
                known = ", ".join(session.scalars(select(Agency.code).order_by(Agency.code)))
                raise InputError(
                    Problem(
                        "--agency: no agency %(agency)s, expected one of: %(known)s",
                        agency=repr(agency),
                        known=known,
                    )
                    if known
                    else Problem(
                        "--agency: no agency %(agency)s: there are none yet; expected an agency "
                        "created first (POST /api/v1/agencies, as an operator)",
                        agency=repr(agency),
                    )
                )
            agency_id = row.id
        try:
            user = users.create_user(
                session,
                actor=SYSTEM,
                username=username,
                password=password,
                role=role,
                agency_id=agency_id,
            )
        except InvalidError as exc:  # named as this command names them, not by the API's path
            labels = {
                "username": _("Username"),
                "password": _("Password"),
                "role": "--role",
                "agency_id": "--agency",
            }
            raise InputError(exc.by_label(labels, command_language())) from None
        typer.echo(
            _("created the user %(user)s, %(role)s (id %(id)s)")
            % {
                "user": repr(user.username),
                "role": names.roles(_).get(user.role, user.role),
                "id": user.id,
            }
        )
