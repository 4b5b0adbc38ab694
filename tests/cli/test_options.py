"""Options shared by the commands: dates, languages, output folders."""

from __future__ import annotations

import datetime as dt

import pytest

from hito.cli.options import date_option
from hito.errors import InputError


def test_a_date_option_of_no_calendar_day_says_so_and_other_forms_say_the_form() -> None:
    assert date_option("2024-02-29", "--as-of") == dt.date(2024, 2, 29)
    with pytest.raises(InputError) as err:
        date_option("2024-02-30", "--as-of")
    assert err.value.in_language("es") == [
        "--as-of: se recibió '2024-02-30'; se esperaba una fecha que exista, con el formato "
        "AAAA-MM-DD"
    ]
    with pytest.raises(InputError) as err:
        date_option("hoy", "--as-of")
    assert err.value.in_language("es") == [
        "--as-of: se recibió 'hoy'; se esperaba una fecha con el formato AAAA-MM-DD"
    ]


def test_a_date_option_as_a_spreadsheet_in_spanish_writes_it_says_it_in_iso() -> None:
    with pytest.raises(InputError) as err:
        date_option("30/01/2024", "--as-of")
    assert err.value.in_language("es") == [
        "--as-of: se recibió '30/01/2024'; se esperaba una fecha con el formato AAAA-MM-DD "
        "(2024-01-30, si es día/mes/año)"
    ]


@pytest.mark.parametrize("text", ["0001-01-01", "1999-12-31", "2100-01-01", "9999-12-31"])
def test_a_date_option_outside_the_days_hito_holds_is_refused(text: str) -> None:
    """`hito report --as-of 0001-01-01` and `hito plans check --as-of 9999-12-31` were an
    OverflowError's traceback."""
    with pytest.raises(InputError) as err:
        date_option(text, "--as-of")
    assert err.value.in_language("en") == [
        f"--as-of: got '{text}', expected a date from 2000-01-01 to 2099-12-31"
    ]
