"""The help of the `hito` command in the reader's language: hito's texts and Typer's own words."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

import typer
from typer import rich_utils
from typer.core import TyperArgument, TyperGroup

from hito import i18n
from hito.cli import usage

# Typer's own words in the help and its error panel (typer.rich_utils), in English; the catalogues
# hold them in each language (English: the same words)
TYPER_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "DEFAULT_STRING": "[default: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}
USAGE = "Usage:"  # click's prefix of the usage line

Place = tuple[str, Callable[[str], None]]  # an English text and how to put its translation back


def localize(command: Any, lang: str) -> Any:
    """Put the help of a click command tree (typer.main.get_command) in a language; return it.

    Every text the help shows is looked up in the language's catalogue: the commands' help (their
    docstrings), the options' help, the arguments' names, the types' names, click's and Typer's
    words. Typer's words are module settings, so the last language given is the one shown.
    """
    gettext = i18n.translations(lang).gettext
    for name, english in TYPER_WORDS.items():
        setattr(rich_utils, name, gettext(english))
    context = _context_class(gettext(USAGE))
    for cmd in _commands(command):
        cmd.context_class = context
    for cmd in _commands(command):
        _no_type_on_flags(cmd)
    for english, put in _places(command):
        if (translated := gettext(english)) != english:  # English: the tree as Typer made it
            put(translated)
    for cmd in _commands(command):
        if cmd.help:
            cmd.help = _paragraphs(cmd.help)
    usage.localize(command, lang)
    return command


def _paragraphs(text: str) -> str:
    """A command's help with each paragraph on one line, for the terminal to wrap.

    Typer keeps a docstring's line breaks: an English help, wrapped at 95 columns in the source,
    broke each line in two on a terminal of 80.
    """
    return "\n\n".join(" ".join(p.split()) for p in inspect.cleandoc(text).split("\n\n"))


def messages(command: Any) -> set[str]:
    """Every English text the help and the usage errors of a click command tree show."""
    texts = {USAGE, *TYPER_WORDS.values(), *usage.SENTENCES}
    return texts | {english for english, _ in _places(command)}


def _commands(command: Any) -> Iterator[Any]:
    """A command and, for a group, every command under it."""
    yield command
    if isinstance(command, TyperGroup):
        for sub in command.commands.values():
            yield from _commands(sub)


def _places(command: Any) -> Iterator[Place]:
    """Each text of the help of a command tree, with where it goes."""
    for cmd in _commands(command):
        ctx = typer.Context(cmd, info_name=cmd.name)
        if cmd.help:
            yield inspect.cleandoc(cmd.help), _put(cmd, "help")
        if cmd.options_metavar:
            yield cmd.options_metavar, _put(cmd, "options_metavar")
        if isinstance(cmd, TyperGroup) and cmd.subcommand_metavar:
            yield cmd.subcommand_metavar, _put(cmd, "subcommand_metavar")
        for param in cmd.get_params(ctx):  # with the help option click adds
            yield from _param_places(param, ctx)


def _param_places(param: Any, ctx: Any) -> Iterator[Place]:
    """The help of an option or argument, an argument's name, and the name of its type."""
    if param.help:
        yield param.help, _put(param, "help")
    shown = param.display_type_rich(ctx)  # '<int>', '<path>', '<list[str]>', ...
    if isinstance(param, TyperArgument):
        # an argument's metavar replaces its name; its type is shown by display_type_rich
        yield param.metavar or param.name, _put(param, "metavar")
        if shown:
            yield shown, _put_type(param)
    elif shown and not getattr(param, "is_flag", False):  # a flag shows none (_no_type_on_flags)
        # an option's metavar replaces the name of its type
        yield shown, _put(param, "metavar")


def _no_type_on_flags(cmd: Any) -> None:
    """A flag's help shows no type: Typer writes `--strict <bool>`, as if it took a value.

    `--strict` alone turns it on; `<booleano>` after it reads as "give true or false".
    """
    ctx = typer.Context(cmd, info_name=cmd.name)
    for param in cmd.get_params(ctx):  # with the help option click adds
        if getattr(param, "is_flag", False):
            param.metavar = ""


def _put(obj: Any, attribute: str) -> Callable[[str], None]:
    """Where a translation goes: an attribute of a command or a parameter."""

    def put(text: str) -> None:
        setattr(obj, attribute, text)

    return put


def _put_type(argument: Any) -> Callable[[str], None]:
    """Where the name of an argument's type goes: Typer has no setting, so its display method."""

    def put(text: str) -> None:
        argument.display_type_rich = lambda ctx: text

    return put


@lru_cache(maxsize=4)
def _context_class(usage: str) -> type[typer.Context]:
    """A click context whose help formatter starts the usage line with `usage`."""
    base: Any = typer.Context.formatter_class

    class Formatter(base):
        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, f"{usage} " if prefix is None else prefix)

    return type("Context", (typer.Context,), {"formatter_class": Formatter})


def add_to_template(pot: Path) -> None:
    """Add the help's texts to the catalogue template that `pybabel extract` wrote."""
    from babel.messages.pofile import read_po, write_po

    from hito.cli.main import app

    with pot.open("rb") as fh:
        catalog = read_po(fh)
    for text in sorted(messages(typer.main.get_command(app))):
        if text not in catalog:
            catalog.add(text)
    with pot.open("wb") as fh:
        write_po(fh, catalog, omit_header=True, sort_output=True)


if __name__ == "__main__":  # scripts/i18n.sh: python -m hito.cli.helptext src/hito/locale/hito.pot
    add_to_template(Path(sys.argv[1]))
