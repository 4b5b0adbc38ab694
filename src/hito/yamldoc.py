"""YAML documents checked by pydantic models: named by built-in or path, errors located by line."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Collection
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from hito.errors import N_, HitoError, Problem, Said
from hito.textfile import read_utf8
from hito.validation import about, invalid_problems, pydantic_problem
from hito.yamlwords import value_kind, yaml_reason

# A model validator's message that is already 'field.path: message' (one per line).
_PATH = re.compile(r"^[a-z_0-9]+(\[\d+\])?(\.[a-z_0-9]+(\[\d+\])?)*: ")

NO_SUCH = {
    "scenario": N_(
        "%(name)s: no such file and no built-in scenario of that name; "
        "expected a path or one of: %(names)s"
    ),
    "plan": N_(
        "%(name)s: no such file and no built-in plan of that name; "
        "expected a path or one of: %(names)s"
    ),
}
# the fields that mark a file as a scenario or a plan, and what is said when the other is given
_KIND_KEYS = {"scenario": {"places", "groups"}, "plan": {"triggers", "actions"}}
WRONG_KIND = {
    "scenario": N_("%(label)s: a scenario file, not a plan (`hito validate FILE` checks it)"),
    "plan": N_("%(label)s: a plan file, not a scenario (`hito plans validate FILE` checks it)"),
}
NOT_A_MAPPING = {
    "scenario": N_("%(label)s: expected a mapping of scenario fields, got %(got)s"),
    "plan": N_("%(label)s: expected a mapping of plan fields, got %(got)s"),
}


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
    if not path.exists():  # a folder is read, and said to be one
        raise error(Problem(NO_SUCH[what], name=name, names=", ".join(names)))
    return str(path), read_utf8(path, error)


class NodeError(Exception):
    """A YAML value that hito's loader refuses, with its node (for its line and field)."""

    def __init__(self, node: Any) -> None:
        super().__init__(node.value)
        self.node = node

    def said(self, text: str) -> Problem:
        """'field.path: what was given, what was expected' for the YAML `text` it was read from."""
        field = field_path(yaml.compose(text), self.node)
        return Problem("%(field)s: %(problem)s", field=field, problem=self.reason())

    def reason(self) -> Problem:
        """What was given and what was expected, without where."""
        return Problem(
            "got %(text)s, expected a date as YYYY-MM-DD that exists", text=repr(self.node.value)
        )


class _TooManyDigits(NodeError):
    """A YAML integer longer than Python reads (thousands of digits)."""

    def reason(self) -> Problem:
        return Problem(
            "got a number of %(digits)d digits, expected a number of at most %(most)d digits",
            digits=sum(c.isdigit() for c in self.node.value),  # not its sign or underscores
            most=sys.get_int_max_str_digits(),
        )


class _KeyTwice(NodeError):
    """A key given twice in one mapping (the second would silently win)."""

    def reason(self) -> Problem:
        return Problem(
            "given twice in one mapping; expected each key once (the second would silently "
            "replace the first)"
        )


class Loader(yaml.SafeLoader):
    """PyYAML's safe loader; a date of no day, thousands of digits, a key twice: NodeError."""

    def construct_yaml_timestamp(self, node: Any) -> Any:
        """A date, or NodeError for one of no calendar day (2025-02-30)."""
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as exc:  # PyYAML's own: 'day is out of range for month'
            raise NodeError(node) from exc

    def construct_yaml_int(self, node: Any) -> Any:
        """An integer, or NodeError for one longer than Python reads."""
        try:
            return super().construct_yaml_int(node)
        except ValueError as exc:  # Python's limit on the digits int() reads
            raise _TooManyDigits(node) from exc

    def compose_mapping_node(self, anchor: Any) -> Any:
        """A mapping's node, or NodeError at a key given twice (merge keys '<<' may be overridden).

        Checked as written, before construction: merging copies the merged pairs into the node.
        """
        node = super().compose_mapping_node(anchor)
        seen: set[tuple[str, str]] = set()
        for key, _ in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag != "tag:yaml.org,2002:merge":
                if (key.tag, key.value) in seen:
                    self.key_twice(key)
                seen.add((key.tag, key.value))
        return node

    def key_twice(self, key: Any) -> None:
        """A key given again in its mapping: refused."""
        raise _KeyTwice(key)


class LastKeyWins(Loader):
    """Loader, except that a key given twice is kept in `twice` and its last value used."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        self.twice: list[Any] = []

    def key_twice(self, key: Any) -> None:
        """A key given again: noted, not refused."""
        self.twice.append(key)


Loader.add_constructor("tag:yaml.org,2002:timestamp", Loader.construct_yaml_timestamp)
Loader.add_constructor("tag:yaml.org,2002:int", Loader.construct_yaml_int)
TOO_DEEP = N_("lists or mappings nested thousands of levels deep")


def reader_reason(exc: yaml.reader.ReaderError) -> Problem:
    """PyYAML's refusal of a character (NUL, other controls), in the catalogues' words."""
    code = exc.character if isinstance(exc.character, int) else ord(exc.character)
    if code in (0xFFFE, 0xFFFF):  # no control: Unicode's non-characters, refused by YAML too
        return Problem("the non-character U+%(code)04X is not allowed in YAML text", code=code)
    return Problem("the control character U+%(code)04X is not allowed in YAML text", code=code)


def compose(
    text: str, label: str, *, what: str, error: type[HitoError]
) -> tuple[dict[str, Any], Any]:
    """The mapping of a YAML text and its node tree (for line numbers), or a located error."""
    try:
        node = yaml.compose(text)
        data = yaml.load(text, Loader=Loader)  # noqa: S506 (a SafeLoader)
    except NodeError as exc:
        raise error(
            at(
                f"{label}:{exc.node.start_mark.line + 1}",
                exc.said(text),
            )
        ) from exc
    except RecursionError as exc:  # brackets nested thousands deep: PyYAML recurses per level
        raise error(
            Problem("%(where)s: not valid YAML (%(reason)s)", where=label, reason=Problem(TOO_DEEP))
        ) from exc
    except yaml.reader.ReaderError as exc:  # a character YAML forbids (NUL, other controls)
        raise error(
            Problem(
                "%(where)s: not valid YAML (%(reason)s)",
                where=f"{label}:{text.count(chr(10), 0, exc.position) + 1}",
                reason=reader_reason(exc),
            )
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where_ = f"{label}:{mark.line + 1}" if mark else label
        problem = getattr(exc, "problem", None)
        reason = yaml_reason(problem) if isinstance(problem, str) else str(exc)
        raise error(
            Problem("%(where)s: not valid YAML (%(reason)s)", where=where_, reason=reason)
        ) from exc
    if not isinstance(data, dict):
        raise error(Problem(NOT_A_MAPPING[what], label=label, got=value_kind(data)))
    other = next((k for k, keys in _KIND_KEYS.items() if k != what and keys <= data.keys()), None)
    if other is not None:  # one line, not a problem for each of the other kind's fields
        raise error(Problem(WRONG_KIND[other], label=label))
    return data, node


def field_path(root: Any, node: Any) -> Said:
    """The field path ('log_levels.agent') of a node (value or key) in the tree `root`."""
    return _path_to(root, node) or Problem("(top level)")


def _path_to(root: Any, target: Any, path: str = "") -> str | None:
    """The field path ('policies[2].start') of the YAML value or key that starts at `target`."""
    if root is None:
        return None
    if root.start_mark.index == target.start_mark.index and isinstance(root, yaml.ScalarNode):
        return path
    if isinstance(root, yaml.MappingNode):
        pairs = [(f"{path}.{k.value}" if path else str(k.value), v) for k, v in root.value]
        for (sub, _), (key, _) in zip(pairs, root.value, strict=True):
            if key.start_mark.index == target.start_mark.index:  # a key itself (given twice)
                return sub
    elif isinstance(root, yaml.SequenceNode):
        pairs = [(f"{path}[{i}]", v) for i, v in enumerate(root.value)]
    else:
        return None
    for sub, value in pairs:
        found = _path_to(value, target, sub)
        if found is not None:
            return found
    return None


def located(problems: list[Problem], label: str, node: Any) -> list[Problem]:
    """Prefix problems about a field ('field.path: message') with file:line."""
    return [at(where(label, node, parse_path(about(p))), p) for p in problems]


def at(place: str, problem: Said) -> Problem:
    """A problem with where it is: 'file:line: problem'."""
    return Problem("%(where)s: %(problem)s", where=place, problem=problem)


def format_errors(
    exc: ValidationError, label: str, node: Any = None, tags: Collection[str] = ()
) -> list[Problem]:
    """One line per problem: file:line: field.path: what was given, what was expected.

    `tags` are discriminator values pydantic puts in error locations; they are left out.
    """
    lines: list[Problem] = []
    for err in exc.errors(include_url=False):
        loc = tuple(p for p in err["loc"] if p not in tags)
        own = invalid_problems(err)  # a validator's own problems, about fields of their own
        if not loc and own and all(_PATH.match(str(about(p)) + ": ") for p in own):
            lines.extend(located(own, label, node))
            continue
        path = ""
        for part in loc:
            path += f"[{part}]" if isinstance(part, int) else ("." if path else "") + str(part)
        lines.append(at(where(label, node, loc), field_problem(path, err)))
    return lines


def field_problem(path: str, err: Any) -> Problem:
    """'field.path: message (got value)' for one pydantic error."""
    given = err.get("input")
    problem = pydantic_problem(err)
    field = path or Problem("(top level)")
    # hito's own validators say what they got (Prob: 'got 1.5'): not twice
    if err["type"] == "missing" or isinstance(given, dict | list) or invalid_problems(err):
        return Problem("%(field)s: %(problem)s", field=field, problem=problem)
    shown = given.isoformat() if isinstance(given, dt.date) else repr(given)
    return Problem(
        "%(field)s: %(problem)s (got %(given)s)", field=field, problem=problem, given=shown
    )


def parse_path(path: str) -> tuple[Any, ...]:
    """`routes[3].to` -> ('routes', 3, 'to')."""
    out: list[Any] = []
    for piece in path.replace("]", "").split("."):
        head, *idx = piece.split("[")
        if head:
            out.append(head)
        out.extend(int(i) for i in idx if i.isdecimal())  # not ²: int() fails
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
