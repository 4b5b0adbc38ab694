"""The command line's rich consoles: text printed as given, with no emoji codes or highlighting."""

from __future__ import annotations

from typing import Any

from rich.console import Console


def plain_console(*, stderr: bool = False, **options: Any) -> Console:
    """A console that prints text as given: rich would turn `file.yaml:100:` into 'file.yaml💯'.

    Emoji codes (`:100:`, `:1234:`) are what every located message holds (file:line:), and
    highlighting would colour numbers and paths at random; markup is each caller's choice.
    """
    return Console(stderr=stderr, emoji=False, highlight=False, **options)
