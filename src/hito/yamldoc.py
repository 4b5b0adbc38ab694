"""YAML documents checked by pydantic models: named by built-in or path, errors located by line."""

from __future__ import annotations

import json
import re
from collections.abc import Collection
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from hito.errors import HitoError

# A model validator's message that is already 'field.path: message' (one per line).
_PATH = re.compile(r"^[a-z_0-9]+(\[\d+\])?(\.[a-z_0-9]+(\[\d+\])?)*: ")


def builtin_names(package: str) -> list[str]:
    """Names of the YAML documents shipped inside a package."""
    files = resources.files(package).iterdir()
    return sorted(f.name[:-5] for f in files if f.name.endswith(".yaml"))


def builtin_text(package: str, name: str) -> str:
    """The text of a built-in document."""
    return resources.files(package).joinpath(f"{name}.yaml").read_text("utf-8")


def resolve(ref: str | Path, *, package: str, what: str, error: type[HitoError]) -> tuple[str, str]:
    """Return (label, YAML text) for a built-in name or a path; `what` names the kind."""
    name = str(ref)
    names = builtin_names(package)
    if name in names:
        return name, builtin_text(package, name)
    path = Path(name)
    if not path.is_file():
        raise error(
            f"{name}: no such file and no built-in {what} of that name; "
            f"expected a path or one of: {', '.join(names)}"
        )
    try:
        return str(path), path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{path}: cannot read the file ({exc})") from exc


def compose(
    text: str, label: str, *, what: str, error: type[HitoError]
) -> tuple[dict[str, Any], Any]:
    """The mapping of a YAML text and its node tree (for line numbers), or a located error."""
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where_ = f"{label}:{mark.line + 1}" if mark else label
        raise error(f"{where_}: not valid YAML ({getattr(exc, 'problem', exc)})") from exc
    if not isinstance(data, dict):
        raise error(f"{label}: expected a mapping of {what} fields, got {type(data).__name__}")
    return data, node


def located(problems: list[str], label: str, node: Any) -> list[str]:
    """Prefix 'field.path: message' lines with file:line."""
    return [f"{where(label, node, parse_path(p.split(':', 1)[0]))}: {p}" for p in problems]


def format_errors(
    exc: ValidationError, label: str, node: Any = None, tags: Collection[str] = ()
) -> list[str]:
    """One line per problem: file:line: field.path: what was given, what was expected.

    `tags` are discriminator values pydantic puts in error locations; they are left out.
    """
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p not in tags)
        msg = err["msg"].removeprefix("Value error, ")
        if not loc and all(_PATH.match(part) for part in msg.split("\n")):
            lines.extend(located(msg.split("\n"), label, node))
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
        lines.append(f"{where(label, node, loc)}: {path or '(top level)'}: {msg}{shown}")
    return lines


def parse_path(path: str) -> tuple[Any, ...]:
    """`routes[3].to` -> ('routes', 3, 'to')."""
    out: list[Any] = []
    for piece in path.replace("]", "").split("."):
        head, *idx = piece.split("[")
        if head:
            out.append(head)
        out.extend(int(i) for i in idx if i.isdigit())
    return tuple(out)


def where(label: str, node: Any, loc: tuple[Any, ...]) -> str:
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


def json_schema(model: type[BaseModel], title: str) -> str:
    """The JSON Schema of a document format, for editors."""
    schema = model.model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = title
    return json.dumps(schema, indent=2, sort_keys=True)
