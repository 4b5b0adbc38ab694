"""The tables of `hito plans compare` and `check` on a terminal of 80 columns."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from hito.cli.plan_status import fit, whole


def _table() -> Table:
    table = Table("plan", "Personas-día varadas P50 (P10–P90)", "Máximo de personas varadas P50")
    table.add_row("corridor-100", "8.879 (2.840–18.208)", "210")
    table.add_row("sin plan", "9.164 (2.840–29.382)", "210")
    return whole(table)


def _shown(table: Table, width: int) -> list[str]:
    console = Console(width=width, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(table)
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_a_narrow_terminal_splits_no_number_and_no_plans_name():
    """On 80 columns rich shared the width evenly: "(2.840–29." over "382)", "corridor-1" over
    "00"; each column now gets at least its longest word."""
    assert _shown(fit(_table(), 48), 48) == [
        "┏━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┓",
        "┃              ┃                  ┃ Máximo de  ┃",
        "┃              ┃ Personas-día     ┃ personas   ┃",
        "┃              ┃ varadas P50      ┃ varadas    ┃",
        "┃ plan         ┃ (P10–P90)        ┃ P50        ┃",
        "┡━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━┩",
        "│ corridor-100 │ 8.879            │ 210        │",
        "│              │ (2.840–18.208)   │            │",
        "│ sin plan     │ 9.164            │ 210        │",
        "│              │ (2.840–29.382)   │            │",
        "└──────────────┴──────────────────┴────────────┘",
    ]
    before = _shown(_table(), 48)  # what rich made of it alone
    assert "│              │ (2.840–18.208 │               │" in before  # its ")" below


def test_a_wide_terminal_keeps_rich_widths_and_one_too_narrow_folds():
    wide = _shown(fit(_table(), 120), 120)
    assert (
        wide[3]
        == "│ corridor-100 │ 8.879 (2.840–18.208)               │ 210                            │"
    )
    narrow = _shown(fit(_table(), 30), 30)  # 14 + 14 + 8 + the frame: no room, so fold
    assert all(len(line) <= 30 for line in narrow)
    assert not any("corridor-100" in line for line in narrow)
