"""Read scenario files (built-in names or paths) and report every problem with its location."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from hito.errors import ScenarioError
from hito.scenario.model import Scenario
from hito.scenario.references import reference_problems

BUILTIN_PACKAGE = "hito.scenario.builtin"
_PATH = re.compile(r"^[a-z_]+(\[\d+\])?(\.[a-z_]+(\[\d+\])?)*: ")


def builtin_names() -> list[str]:
    """Names of the scenarios shipped inside the package."""
    files = resources.files(BUILTIN_PACKAGE).iterdir()
    return sorted(f.name[:-5] for f in files if f.name.endswith(".yaml"))


def builtin_descriptions() -> dict[str, str]:
    """Built-in name -> its one-line description."""
    out = {}
    for name in builtin_names():
        text = resources.files(BUILTIN_PACKAGE).joinpath(f"{name}.yaml").read_text("utf-8")
        data = yaml.safe_load(text)
        out[name] = str(data.get("description", "")).strip().splitlines()[0]
    return out


def resolve(ref: str | Path) -> tuple[str, str]:
    """Return (label, YAML text) for a built-in name or a path."""
    name = str(ref)
    if name in builtin_names():
        text = resources.files(BUILTIN_PACKAGE).joinpath(f"{name}.yaml").read_text("utf-8")
        return name, text
    path = Path(name)
    if not path.exists():
        raise ScenarioError(
            f"{name}: no such file and no built-in scenario of that name; "
            f"expected a path or one of: {', '.join(builtin_names())}"
        )
    try:
        return str(path), path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"{path}: cannot read the file ({exc})") from exc


def load(ref: str | Path) -> Scenario:
    """Load and validate a scenario from a built-in name or a file path."""
    label, text = resolve(ref)
    return parse(text, label)


def parse(text: str, label: str = "<scenario>") -> Scenario:
    """Validate YAML text into a Scenario, or raise ScenarioError with one line per problem."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{label}:{mark.line + 1}" if mark else label
        raise ScenarioError(f"{where}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(data, dict):
        raise ScenarioError(
            f"{label}: expected a mapping of scenario fields, got {type(data).__name__}"
        )
    return validate(data, label, node)


def validate(data: dict[str, Any], label: str = "<scenario>", node: Any = None) -> Scenario:
    """Validate a mapping into a Scenario with errors located in the file."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        lines = format_errors(exc, label, node)
        for problem in reference_problems(data):  # also when fields failed, so all show at once
            path = problem.split(":", 1)[0]
            located = f"{_where(label, node, _parse_path(path))}: {problem}"
            if located not in lines:
                lines.append(located)
        raise ScenarioError(lines) from None


def format_errors(exc: ValidationError, label: str, node: Any = None) -> list[str]:
    """One line per problem: file:line: field.path: what was given, what was expected."""
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        msg = err["msg"].removeprefix("Value error, ")
        if not loc and all(_PATH.match(part) for part in msg.split("\n")):
            for part in msg.split("\n"):  # reference problems, already 'path: message'
                path = part.split(":", 1)[0]
                lines.append(f"{_where(label, node, _parse_path(path))}: {part}")
            continue
        path = _format_path(loc)
        given = err.get("input")
        shown = (
            ""
            if err["type"] == "missing" or isinstance(given, dict | list)
            else f" (got {given!r})"
        )
        lines.append(f"{_where(label, node, loc)}: {path or '(top level)'}: {msg}{shown}")
    return lines


def _format_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"Close", "Reopen", "Militarize", "Corridor", "ReturnFlights"} or str(
            part
        ) in {"close", "reopen", "militarize", "corridor", "return_flights", "shelter_capacity"}:
            continue  # the discriminator tag adds nothing for the reader
        else:
            out += ("." if out else "") + str(part)
    return out


def _parse_path(path: str) -> tuple[Any, ...]:
    out: list[Any] = []
    for piece in path.replace("]", "").split("."):
        head, *idx = piece.split("[")
        if head:
            out.append(head)
        out.extend(int(i) for i in idx if i.isdigit())
    return tuple(out)


def _where(label: str, node: Any, loc: tuple[Any, ...]) -> str:
    """file:line of the deepest YAML node that the path reaches."""
    line = None
    cur = node
    for part in loc:
        if cur is None:
            break
        line = cur.start_mark.line + 1
        if isinstance(cur, yaml.MappingNode):
            nxt = None
            for key, val in cur.value:
                if key.value == str(part) or (part == "from_" and key.value == "from"):
                    nxt = val
                    line = key.start_mark.line + 1
            cur = nxt
        elif isinstance(cur, yaml.SequenceNode) and isinstance(part, int):
            cur = cur.value[part] if part < len(cur.value) else None
        else:
            cur = None
    if cur is not None:
        line = cur.start_mark.line + 1
    return f"{label}:{line}" if line else label


def json_schema() -> str:
    """The JSON Schema of the scenario format, for editors."""
    schema = Scenario.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "hito scenario"
    return json.dumps(schema, indent=2, sort_keys=True)
