"""Scenario schema versions: what version 2 added, and reading a version-1 file as version 2."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from hito.errors import Invalid, Problem

SCHEMA_VERSION = 2

# what marks a raw mapping as schema 2: (the field's name, the list it is in, the test of an item)
_IN_LISTS: tuple[tuple[str, str, Callable[[dict[str, Any]], bool]], ...] = (
    ("places[].aliases", "places", lambda p: "aliases" in p),
    ("places[].back_to", "places", lambda p: "back_to" in p),
    ("policies[].announced", "policies", lambda p: "announced" in p),
    (
        "population[].people: {value, low, high}",
        "population",
        lambda p: isinstance(p.get("people"), dict),
    ),
    ("shocks[].half_life_days", "shocks", lambda sh: "half_life_days" in sh),
    ("shocks[].peak", "shocks", lambda sh: "peak" in sh),
    (
        "policies[].type: readmit, clearances, transfer",
        "policies",
        lambda p: p.get("type") in ("readmit", "clearances", "transfer"),
    ),
    ("policies[].leak_multiplier", "policies", lambda p: "leak_multiplier" in p),
)
_IN_BEHAVIOUR = ("turn_back", "leak", "arrival_cv")
_TOP_LEVEL = ("observation",)
# everything schema_version 2 added, by name
V2_FIELDS: tuple[str, ...] = (
    *(name for name, _, _ in _IN_LISTS),
    *(f"behaviour.{k}" for k in _IN_BEHAVIOUR),
    *_TOP_LEVEL,
)


def v2_fields_used(data: dict[str, Any]) -> list[str]:
    """The schema-2 fields a raw scenario mapping uses (for version-1 files)."""

    def items(key: str) -> list[dict[str, Any]]:
        v = data.get(key)
        return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []

    used = [name for name, key, test in _IN_LISTS if any(test(x) for x in items(key))]
    behaviour = data.get("behaviour")
    if isinstance(behaviour, dict):
        used += [f"behaviour.{k}" for k in _IN_BEHAVIOUR if k in behaviour]
    return used + [k for k in _TOP_LEVEL if k in data]


def as_current(data: Any) -> Any:
    """A raw mapping of schema_version 1 read as 2, or Invalid when it uses what 2 added."""
    if not (isinstance(data, dict) and data.get("schema_version") == 1):
        return data
    used = v2_fields_used(data)
    if used:
        raise Invalid(
            Problem(
                "%(path)s: version 1 does not have %(used)s; expected schema_version: 2 "
                "(`hito migrate FILE` updates a version-1 file)",
                path="schema_version",
                used=", ".join(used),
            )
        )
    return {**data, "schema_version": SCHEMA_VERSION}


# the line that says version 1, with what follows the number (spaces, a comment) kept as written
_VERSION_LINE = re.compile(r"^(schema_version:[ \t]*)1([ \t]*(#.*)?\r?)$", re.M)


def migrated_text(text: str) -> str | None:
    """A version-1 file's text with `schema_version: 2`, all else as written; None if not 1."""
    if not _VERSION_LINE.search(text):
        return None
    return _VERSION_LINE.sub(r"\g<1>2\g<2>", text, count=1)
