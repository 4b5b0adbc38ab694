"""Read plan files (built-in names or paths) and report every problem with file, line and field."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hito.errors import HitoError
from hito.plans.model import ACTION_TYPES, Plan
from hito.plans.validate import internal_problems, scenario_problems
from hito.scenario.load import _parse_path, _where
from hito.scenario.model import Scenario

BUILTIN_PACKAGE = "hito.plans.builtin"


class PlanError(HitoError):
    """A plan file that cannot be read, does not validate or does not fit its scenario."""


def builtin_names() -> list[str]:
    """Names of the plans shipped inside the package."""
    files = resources.files(BUILTIN_PACKAGE).iterdir()
    return sorted(f.name[:-5] for f in files if f.name.endswith(".yaml"))


def resolve(ref: str | Path) -> tuple[str, str]:
    """Return (label, YAML text) for a built-in name or a path."""
    name = str(ref)
    if name in builtin_names():
        return name, resources.files(BUILTIN_PACKAGE).joinpath(f"{name}.yaml").read_text("utf-8")
    path = Path(name)
    if not path.is_file():
        raise PlanError(
            f"{name}: no such file and no built-in plan of that name; "
            f"expected a path or one of: {', '.join(builtin_names())}"
        )
    try:
        return str(path), path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PlanError(f"{path}: cannot read the file ({exc})") from exc


def load(ref: str | Path, scenario: Scenario | None = None) -> Plan:
    """Load and validate a plan; with a scenario, also check its places and routes exist there."""
    label, text = resolve(ref)
    return parse(text, label, scenario)


def parse(text: str, label: str = "<plan>", scenario: Scenario | None = None) -> Plan:
    """Validate YAML text into a Plan, or raise PlanError with one line per problem."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{label}:{mark.line + 1}" if mark else label
        raise PlanError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(data, dict):
        raise PlanError(f"{label}: expected a mapping of plan fields, got {type(data).__name__}")
    return validate(data, label, node, scenario)


def validate(
    data: dict[str, Any], label: str = "<plan>", node: Any = None, scenario: Scenario | None = None
) -> Plan:
    """Validate a mapping into a Plan with errors located in the file."""
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        lines = format_errors(exc, label, node)
        more = [p for p in _located(internal_problems(data), label, node) if p not in lines]
        raise PlanError(lines + more) from None
    if scenario is not None:
        problems = scenario_problems(plan, scenario)
        if problems:
            raise PlanError(_located(problems, label, node))
    return plan


def _located(problems: list[str], label: str, node: Any) -> list[str]:
    """Prefix 'path: message' strings with file:line."""
    return [f"{_where(label, node, _parse_path(p.split(':', 1)[0]))}: {p}" for p in problems]


def format_errors(exc: ValidationError, label: str, node: Any = None) -> list[str]:
    """One line per problem: file:line: field.path: what was given, what was expected."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p not in ACTION_TYPES)  # drop discriminator tags
        msg = err["msg"].removeprefix("Value error, ")
        if not loc and ":" in msg and ("\n" in msg or msg.split(":", 1)[0].count(" ") == 0):
            lines.extend(_located(msg.split("\n"), label, node))
            continue
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else ("." if path else "") + str(part)
        given = err.get("input")
        shown = (
            ""
            if err["type"] == "missing" or isinstance(given, dict | list)
            else f" (got {given!r})"
        )
        lines.append(f"{_where(label, node, loc)}: {path or '(top level)'}: {msg}{shown}")
    return lines


def json_schema() -> str:
    """The JSON Schema of the plan format, for editors."""
    schema = Plan.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "hito contingency plan"
    return json.dumps(schema, indent=2, sort_keys=True)
