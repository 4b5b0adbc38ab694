"""`hito --help` and every command's help: Spanish first, English for HITO_LANG=en or an 'en' locale."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import typer
from typer.core import TyperArgument, TyperGroup

from hito import i18n
from hito.cli import helptext
from hito.cli.main import app

LOCALE_VARIABLES = ("HITO_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def help_of(*args: str, **env: str) -> str:
    """The help `hito ARGS --help` prints with these language variables (and no others)."""
    environ = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    environ.update(env, COLUMNS="250", TERMINAL_WIDTH="250")
    done = subprocess.run(
        [sys.executable, "-m", "hito.cli.main", *args, "--help"],
        capture_output=True,
        text=True,
        env=environ,
        timeout=120,
        check=True,
    )
    return done.stdout


SPANISH = (
    "Uso: ",
    "[OPCIONES] COMANDO [ARGUMENTOS]...",
    "hito: pronósticos de personas varadas en fronteras terrestres, planes y coordinación.",
    "─ Opciones ─",
    "─ Comandos ─",
    "Muestra este mensaje y termina.",
    "calibrate  Condiciona un escenario a los conteos de campo; escribe la distribución "
    "posterior y el pronóstico calibrado.",
    "plans      Planes de contingencia conjuntos",
)
ENGLISH = (
    "Usage: ",
    "[OPTIONS] COMMAND [ARGS]...",
    "hito: forecasts of stranded people at land borders, plans and coordination.",
    "─ Options ─",
    "─ Commands ─",
    "Show this message and exit.",
    "calibrate  Condition a scenario on field counts; write the posterior and the calibrated "
    "forecast.",
    "plans      Joint contingency plans",
)


@pytest.mark.parametrize(
    "env",
    [
        {},  # no locale at all
        {"HITO_LANG": "es"},
        {"LANG": "C"},
        {"LANG": "es_CL.UTF-8"},
        {"HITO_LANG": "es", "LANG": "en_US.UTF-8"},  # HITO_LANG wins
        {"LC_ALL": "es_PE.UTF-8", "LANG": "en_US.UTF-8"},  # LC_ALL before LANG
    ],
)
def test_hito_help_is_in_spanish_by_default(env: dict[str, str]) -> None:
    shown = help_of(**env)
    for phrase in SPANISH:
        assert phrase in shown, (env, phrase)
    for phrase in ENGLISH:
        assert phrase not in shown, (env, phrase)


@pytest.mark.parametrize(
    "env", [{"HITO_LANG": "en"}, {"LANG": "en_US.UTF-8"}, {"LC_MESSAGES": "en_GB.UTF-8"}]
)
def test_hito_help_is_in_english_on_request(env: dict[str, str]) -> None:
    shown = help_of(**env)
    for phrase in ENGLISH:
        assert phrase in shown, (env, phrase)
    for phrase in SPANISH:
        assert phrase not in shown, (env, phrase)


def test_a_command_help_in_each_language() -> None:
    es = help_of("calibrate", HITO_LANG="es")
    for phrase in (
        "Uso: python -m hito.cli.main calibrate [OPCIONES] [escenario]",  # optional, as in run
        "─ Argumentos ─",
        "<entero>",
        "número de partículas",
        "[por defecto: 1000]",
        "usar los conteos hasta esta fecha (por defecto: el último conteo)",
        "conteos de campo: un archivo CSV con HXL o la URL de la base de datos del servicio",
        "En OUT quedan posterior.parquet y prior.parquet (los números sorteados)",
    ):
        assert phrase in es, phrase
    en = help_of("calibrate", LANG="en_US.UTF-8")
    for phrase in (
        "Usage: python -m hito.cli.main calibrate [OPTIONS] [scenario]",
        "─ Arguments ─",
        "<int>",
        "number of particles",
        "[default: 1000]",
        "use counts up to this date (default: the latest count)",
    ):
        assert phrase in en, phrase


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_commands_help_fills_each_line_of_an_80_column_terminal(lang: str) -> None:
    """Each paragraph of a command's help wraps at the terminal's width, not where its source
    line ended: English broke "calibration.json (the" / "effective sample size" in two."""
    environ = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    environ.update(HITO_LANG=lang, COLUMNS="80", TERMINAL_WIDTH="80")
    shown = subprocess.run(
        [sys.executable, "-m", "hito.cli.main", "calibrate", "--help"],
        capture_output=True, text=True, env=environ, timeout=120, check=True,
    ).stdout  # fmt: skip
    top = "\n".join(line.rstrip() for line in shown.split("─")[0].splitlines())
    (paragraph,) = [p.splitlines() for p in top.split("\n\n") if "OUT" in p.split()[:3]]
    assert len(paragraph) >= 4
    assert all(len(line) >= 60 for line in paragraph[:-1]), paragraph


def test_a_subcommand_help_in_each_language() -> None:
    es = help_of("plans", "check", HITO_LANG="es")
    for phrase in (
        "Qué disparadores se cumplen en una fecha, desde cuándo y qué acciones corresponden "
        "a quién.",
        "[planes]...",
        "<lista de textos>",
        "<ruta>",
        "[obligatorio]",
        "mostrar JSON en lugar de una tabla",
    ):
        assert phrase in es, phrase
    assert "booleano" not in es  # a flag takes no value: `--json`, never `--json <booleano>`
    en = help_of("plans", "check", HITO_LANG="en")
    for phrase in ("Which triggers are met on a date", "[plans]...", "[required]", "<path>"):
        assert phrase in en, phrase
    assert "<bool>" not in en


def test_the_reader_language_follows_hito_lang_then_the_locale() -> None:
    rl = i18n.reader_language
    assert rl({}) == "es"
    assert rl({"LANG": "C"}) == "es" and rl({"LANG": "POSIX"}) == "es"
    assert rl({"LANG": "es_PE.UTF-8"}) == "es"
    assert rl({"LANG": "en_US.UTF-8"}) == "en" and rl({"LANG": "en"}) == "en"
    assert rl({"LC_ALL": "", "LANG": "en_US.UTF-8"}) == "en"  # an empty variable is not set
    assert rl({"LC_ALL": "es_CL.UTF-8", "LC_MESSAGES": "en_US", "LANG": "en_US"}) == "es"
    assert rl({"LC_MESSAGES": "en_GB.UTF-8", "LANG": "es_CL.UTF-8"}) == "en"
    assert rl({"HITO_LANG": "en", "LC_ALL": "es_CL.UTF-8"}) == "en"
    assert rl({"HITO_LANG": "es", "LANG": "en_US.UTF-8"}) == "es"
    assert rl({"HITO_LANG": "fr", "LANG": "en_US.UTF-8"}) == "en"  # a language hito lacks


# Every command, its options and arguments: translated, or the test names what is not


def commands(cmd: Any, path: str = "hito") -> Iterator[tuple[str, Any]]:
    yield path, cmd
    if isinstance(cmd, TyperGroup):
        for name, sub in cmd.commands.items():
            yield from commands(sub, f"{path} {name}")


def shown(cmd: Any) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Each parameter's help, name and type as the help shows them, by parameter name."""
    ctx = typer.Context(cmd, info_name=cmd.name)
    return {
        p.name: (
            p.help,
            (p.metavar or p.name) if isinstance(p, TyperArgument) else None,
            p.display_type_rich(ctx),
        )
        for p in cmd.get_params(ctx)
    }


def untranslated(typer_app: typer.Typer) -> list[str]:
    """What the Spanish help of an app shows as in English, or shows nothing for."""
    es = dict(commands(helptext.localize(typer.main.get_command(typer_app), "es")))
    en = dict(commands(helptext.localize(typer.main.get_command(typer_app), "en")))
    assert es.keys() == en.keys()
    wrong = []
    for path, cmd in en.items():
        if not cmd.help or es[path].help == cmd.help:
            wrong.append(f"{path}: {cmd.help!r}")
        es_params, en_params = shown(es[path]), shown(cmd)
        assert es_params.keys() == en_params.keys()
        for name, english in en_params.items():
            for what, a, b in zip(("help", "name", "type"), es_params[name], english, strict=True):
                if (what == "help" and not b) or (b and a == b):
                    wrong.append(f"{path} {name} {what}: {b!r}")
    return wrong


def test_every_command_option_and_argument_of_hito_has_its_help_in_spanish() -> None:
    try:
        assert untranslated(app) == []
    finally:
        helptext.localize(typer.main.get_command(app), "en")  # Typer's words back in English


def test_the_check_names_an_option_whose_help_is_only_in_english() -> None:
    extra = typer.Typer(add_completion=False)

    @extra.command()
    def one(
        out: str = typer.Option("x", help="output folder"),
        new: int = typer.Option(1, help="a help text no catalogue holds yet"),
        bare: int = typer.Option(1),
    ) -> None:
        """List the built-in scenarios."""

    try:
        assert untranslated(extra) == [
            "hito new help: 'a help text no catalogue holds yet'",
            "hito bare help: None",
        ]
    finally:
        helptext.localize(typer.main.get_command(app), "en")


def test_english_help_is_the_source_text() -> None:
    en = dict(commands(helptext.localize(typer.main.get_command(app), "en")))
    source = dict(commands(typer.main.get_command(app)))
    # the same words and paragraphs; each paragraph on one line, for the terminal to wrap
    assert {p: (c.help or "").split() for p, c in en.items()} == {
        p: (c.help or "").split() for p, c in source.items()
    }
    assert {p: (c.help or "").count("\n\n") for p, c in en.items()} == {
        p: inspect.cleandoc(c.help or "").count("\n\n") for p, c in source.items()
    }
    assert not [p for p, c in en.items() if "\n" in (c.help or "").replace("\n\n", "")]
    # the same, but that a flag shows no type: Typer writes '<bool>' after it
    untyped = {
        path: {name: (h, n, "" if t == "<bool>" else t) for name, (h, n, t) in shown(c).items()}
        for path, c in source.items()
    }
    assert {p: shown(c) for p, c in en.items()} == untyped
    assert "<bool>" in str({p: shown(c) for p, c in source.items()})  # what it took away


def test_hito_version_prints_the_installed_version(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    from importlib.metadata import version

    from cli_helpers import hito_here

    code, out, err = hito_here(monkeypatch, capsys, "--version")
    assert (code, out, err) == (0, f"hito {version('hito')}\n", "")


def test_every_command_takes_lang() -> None:
    """`hito validate --lang en` said "No such option" where `hito run --lang en` was English."""
    leaves = [
        (path, cmd)
        for path, cmd in commands(typer.main.get_command(app))
        if not isinstance(cmd, TyperGroup)
    ]
    without = [path for path, cmd in leaves if not any("--lang" in p.opts for p in cmd.params)]
    assert len(leaves) > 25 and without == []
