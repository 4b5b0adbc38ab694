"""The `hito` command: forecasts, scenarios and the tools around them."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from hito import i18n
from hito.cli import alerts as alerts_cmd
from hito.cli import audit as audit_cmd
from hito.cli import backtest as backtest_cmd
from hito.cli import db as db_cmd
from hito.cli import demo as demo_cmd
from hito.cli import forecast as forecast_cmd
from hito.cli import helptext
from hito.cli import log as log_cmd
from hito.cli import plans as plans_cmd
from hito.cli import report as report_cmd
from hito.cli import run as run_cmd
from hito.cli import serve as serve_cmd
from hito.cli import sites as sites_cmd
from hito.cli import sweep as sweep_cmd
from hito.cli import users as users_cmd
from hito.cli.flee import app as flee_app
from hito.cli.options import command_language, forget_language
from hito.cli.terminal import plain_console
from hito.errors import HitoError, Problem, os_reason
from hito.i18n import reader_language

app = typer.Typer(
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    help="hito: forecasts of stranded people at land borders, plans and coordination.",
)


def _version(shown: bool) -> None:
    if shown:
        from importlib.metadata import version

        typer.echo(f"hito {version('hito')}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="show hito's version and exit"
        ),
    ] = False,
) -> None:
    """hito: forecasts of stranded people at land borders, plans and coordination."""


app.command("run")(run_cmd.run)
app.command("calibrate")(forecast_cmd.calibrate)
app.command("backtest")(backtest_cmd.backtest)
app.command("migrate")(forecast_cmd.migrate)
app.command("sweep")(sweep_cmd.sweep)
app.command("scenarios")(run_cmd.scenarios)
app.command("validate")(run_cmd.validate)
app.command("schema")(run_cmd.schema)
app.add_typer(plans_cmd.app, name="plans")
app.command("serve")(serve_cmd.serve)
app.add_typer(db_cmd.app, name="db")
app.add_typer(users_cmd.app, name="users")
app.add_typer(sites_cmd.app, name="sites")
app.add_typer(audit_cmd.app, name="audit")
app.add_typer(alerts_cmd.app, name="alerts")
app.add_typer(log_cmd.app, name="log")
app.add_typer(flee_app, name="flee")
app.command("demo")(demo_cmd.demo)
app.command("report")(report_cmd.report)


def command() -> Any:
    """The `hito` click command, its help and usage errors in the command's language.

    That is the language of its --lang when it gives one, else the reader's (reader_language).
    """
    return helptext.localize(typer.main.get_command(app), asked_language(sys.argv[1:]))


def asked_language(args: list[str]) -> str:
    """The language a command line asks for with --lang (its first supported), else the reader's.

    `hito run --lang en --rnus 3` said Typer's "No such option" in Spanish.
    """
    for i, arg in enumerate(args):
        if arg == "--":
            break
        value = args[i + 1] if arg == "--lang" and i + 1 < len(args) else arg[7:]
        if (arg == "--lang" or arg.startswith("--lang=")) and value in i18n.LANGUAGES:
            return value
    return reader_language()


def main() -> None:
    """Entry point: domain errors become one line per problem and exit code 2, no traceback.

    Running out of memory, or a file that cannot be written midway (a full disk), is one line
    too, with exit code 1.
    """
    forget_language()
    try:
        command()()
    except HitoError as exc:
        _exit(exc, exc.exit_code)
    except MemoryError:  # more runs, particles or days than this machine holds
        problem = Problem(
            "not enough memory on this machine for this command; expected fewer runs, particles "
            "or days (or a Dask cluster: --executor dask --scheduler ...)"
        )
        _exit(HitoError(problem), 1)
    except OSError as exc:
        if exc.filename is None:  # not about a file: a bug to see whole
            raise
        problem = Problem("%(file)s: %(reason)s", file=exc.filename, reason=os_reason(exc))
        _exit(HitoError(problem), 1)


def _exit(exc: HitoError, code: int) -> None:
    """Print each problem as 'error: ...' in the command's language, then exit with code.

    The command's language is its --lang when given, else the reader's (HITO_LANG, the locale).
    """
    lang = command_language()
    said = i18n.translations(lang).gettext("error: %(problem)s")
    err = plain_console(stderr=True, soft_wrap=True)
    for line in exc.in_language(lang):
        err.print(said % {"problem": line}, markup=False)
    sys.exit(code)


if __name__ == "__main__":
    main()
