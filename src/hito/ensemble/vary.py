"""One axis of a policy sweep: `PATH=V1,V2,...` read into a field path and its values."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import yaml

from hito.ensemble.syntax import VARY_FORM
from hito.errors import InputError, Problem


@dataclass(frozen=True)
class Vary:
    """One axis of the grid: a field path and the values it takes."""

    path: str
    values: tuple[Any, ...]

    @property
    def short(self) -> str:
        """The path's last field (column names, option labels)."""
        return self.path.rsplit(".", 1)[-1]


def parse_vary(text: str) -> Vary:
    """Read 'PATH=V1,V2,...' (values as YAML scalars: numbers, dates, words)."""
    path, eq, rest = text.partition("=")
    path = path.strip()
    if not eq or not path or not rest.strip():
        raise InputError(
            Problem(
                "--vary %(text)s: expected %(vary_syntax)s", text=repr(text), vary_syntax=VARY_FORM
            )
        )
    values = []
    for raw in rest.split(","):
        raw = raw.strip()
        if not raw:
            raise InputError(
                Problem(
                    "--vary %(text)s: an empty value; expected %(vary_syntax)s",
                    text=repr(text),
                    vary_syntax=VARY_FORM,
                )
            )
        try:
            values.append(yaml.safe_load(raw))
        except (yaml.YAMLError, RecursionError):  # not YAML (brackets thousands deep): as text
            values.append(raw)
        except ValueError:  # PyYAML's reading of a date of no calendar day (2024-02-30)
            if raw.lstrip("+-").replace("_", "").isdecimal():  # an int beyond Python's digits
                raise InputError(
                    Problem(
                        "--vary %(path)s: got a number of %(digits)d digits, expected a number "
                        "of at most %(most)d digits",
                        path=path,
                        digits=sum(c.isdigit() for c in raw),  # not its sign or underscores
                        most=sys.get_int_max_str_digits(),  # Python's limit
                    )
                ) from None
            raise InputError(
                Problem(
                    "--vary %(text)s: got %(value)s, expected a date as YYYY-MM-DD that exists",
                    text=repr(text),
                    value=repr(raw),
                )
            ) from None
    twice = sorted({str(v) for v in values if values.count(v) > 1})
    if twice:  # the same option twice: two columns of one policy, nothing compared
        raise InputError(
            Problem(
                "--vary %(text)s: %(values)s given twice, expected each value once",
                text=repr(text),
                values=", ".join(twice),
            )
        )
    return Vary(path, tuple(values))
