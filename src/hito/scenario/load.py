"""Read scenario files (built-in names or paths) and report every problem with its location."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hito import yamldoc
from hito.errors import Problem, ScenarioError
from hito.scenario.model import Scenario
from hito.scenario.policies import POLICY_TYPES
from hito.scenario.references import reference_problems
from hito.scenario.text import TEXT_TAGS

BUILTIN_PACKAGE = "hito.scenario.builtin"


def builtin_names() -> list[str]:
    """Names of the scenarios shipped inside the package."""
    return yamldoc.builtin_names(BUILTIN_PACKAGE)


def builtin_descriptions(lang: str = "en") -> dict[str, str]:
    """Built-in name -> the first line of its description (in `lang` where it has two)."""
    out = {}
    for name in builtin_names():
        data = yaml.safe_load(yamldoc.builtin_text(BUILTIN_PACKAGE, name))
        text = data.get("description", "")
        if isinstance(text, dict):
            text = text.get(lang) or text.get("en", "")
        out[name] = str(text).strip().splitlines()[0]
    return out


def resolve(ref: str | Path) -> tuple[str, str]:
    """Return (label, YAML text) for a built-in name or a path."""
    return yamldoc.resolve(ref, package=BUILTIN_PACKAGE, what="scenario", error=ScenarioError)


def load(ref: str | Path) -> Scenario:
    """Load and validate a scenario from a built-in name or a file path."""
    label, text = resolve(ref)
    return parse(text, label)


@lru_cache(maxsize=8)
def shared(ref: str) -> Scenario:
    """A scenario by built-in name or path, loaded once per process: read it, never change it.

    For the service's pages and scores, which read the same scenario after every report
    (parsing it takes about 0.2 s); what changes a scenario loads its own copy (`load`).
    """
    return load(ref)


def parse(text: str, label: str = "<scenario>") -> Scenario:
    """Validate YAML text into a Scenario, or raise ScenarioError with one line per problem."""
    data, node = yamldoc.compose(text, label, what="scenario", error=ScenarioError)
    if isinstance(data.get("flee"), dict):  # one line, not 'flee: not allowed here'
        raise ScenarioError(
            Problem(
                "%(label)s: a Flee case written by `hito flee import`, not a scenario of the "
                "border ruleset (`hito flee check FILE` checks it, `hito flee run FILE` runs it)",
                label=label,
            )
        )
    return validate(data, label, node)


def validate(data: dict[str, Any], label: str = "<scenario>", node: Any = None) -> Scenario:
    """Validate a mapping into a Scenario with errors located in the file."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        lines = format_errors(exc, label, node)
        # cross-references too, when fields failed, so that every problem shows at once
        more = yamldoc.located(reference_problems(data), label, node)
        raise ScenarioError(lines + [p for p in more if p not in lines]) from None


def format_errors(exc: ValidationError, label: str, node: Any = None) -> list[Problem]:
    """One line per problem: file:line: field.path: what was given, what was expected."""
    return yamldoc.format_errors(exc, label, node, tags=(*POLICY_TYPES, *TEXT_TAGS))


def json_schema() -> str:
    """The JSON Schema of the scenario format, for editors."""
    return yamldoc.json_schema(Scenario, "hito scenario")
