"""Every error hito shows a user is a catalogue message, said in the reader's language."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from hito import i18n
from hito.errors import HitoError, InputError, Plural, Problem, ScenarioError

SRC = Path(__file__).resolve().parents[1] / "src" / "hito"
BASES = {"HitoError", "ScenarioError", "InputError"}


def _modules() -> list[tuple[Path, ast.Module]]:
    return [(p, ast.parse(p.read_text("utf-8"))) for p in sorted(SRC.rglob("*.py"))]


def _error_classes(modules: list[tuple[Path, ast.Module]]) -> set[str]:
    """HitoError and every class of src/hito that derives from it, by name."""
    names = set(BASES)
    grew = True
    while grew:
        grew = False
        for _, tree in modules:
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {getattr(b, "id", getattr(b, "attr", None)) for b in node.bases}
                    if bases & names:
                        names.add(node.name)
                        grew = True
    return names


def _text(node: ast.AST) -> bool:
    """A text written in place: a literal, an f-string, a concatenation or join of texts."""
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        or isinstance(node, ast.JoinedStr)
    ):
        return True
    if isinstance(node, ast.BinOp):
        return _text(node.left) or _text(node.right)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.attr in ("join", "format") and _text(node.func.value)
    return False


def _uncatalogued(arg: ast.AST) -> list[ast.AST]:
    """The parts of an error's argument that are texts rather than catalogue messages."""
    if isinstance(arg, ast.List | ast.Tuple):
        return [e for e in arg.elts if _text(e)]
    if isinstance(arg, ast.ListComp | ast.GeneratorExp):
        return [arg.elt] if _text(arg.elt) else []
    return [arg] if _text(arg) else []


def _called(node: ast.Call) -> str | None:
    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None


def test_no_error_is_raised_with_a_text_outside_the_catalogues() -> None:
    """Every HitoError (and subclass) gets Problem(...)s, or values built from them, never text.

    Problem's first argument is a literal (scripts/i18n.sh extracts it) or a name for one.
    """
    modules = _modules()
    errors = _error_classes(modules) | {"error"}  # yamldoc's `error` parameter: an error class
    bad = []
    for path, tree in modules:
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name, where = _called(node), f"{path.relative_to(SRC)}:{node.lineno}"
            if name in errors and node.args:
                bad += [f"{where}: {ast.unparse(a)[:70]}" for a in _uncatalogued(node.args[0])]
            if name == "at" and len(node.args) == 2:  # InvalidError.at(loc, message)
                bad += [f"{where}: {ast.unparse(a)[:70]}" for a in _uncatalogued(node.args[1])]
            if name == "Problem" and node.args:
                first = node.args[0]
                literal = isinstance(first, ast.Constant) and isinstance(first.value, str)
                if not literal and not isinstance(first, ast.Name | ast.Subscript):
                    bad.append(f"{where}: Problem({ast.unparse(first)[:60]})")
            if name == "Plural":  # both forms literals (i18n.sh: Plural:1,2), or a template's
                forms = node.args[:2]
                named = all(isinstance(a, ast.Name | ast.Subscript | ast.Attribute) for a in forms)
                if len(forms) < 2 or not (named or all(_literal(a) for a in forms)):
                    bad.append(f"{where}: Plural({ast.unparse(node)[:60]})")
    assert bad == []


def _literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _catalogue(lang: str) -> dict[str, str]:
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "hito.po", "rb") as fh:
        return {m.id: m.string for m in read_po(fh) if isinstance(m.id, str) and m.id}


def _plurals(lang: str) -> dict[tuple[str, str], tuple[str, ...]]:
    """The catalogue's plural entries: (singular, plural) → a text per form of the language."""
    with open(i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "hito.po", "rb") as fh:
        return {tuple(m.id): tuple(m.string) for m in read_po(fh) if isinstance(m.id, tuple)}


def _plural_calls() -> list[tuple[str, str, str]]:
    """Every Plural("singular", "plural", n, ...) of src/hito: (file, singular, plural)."""
    return [
        (str(path.relative_to(SRC)), node.args[0].value, node.args[1].value)
        for path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and _called(node) == "Plural" and len(node.args) >= 3
        if isinstance(node.args[0], ast.Constant) and isinstance(node.args[1], ast.Constant)
    ]


def test_every_problem_message_is_extracted_and_translated() -> None:
    """The files that write Problem(...)/N_(...) are in scripts/babel.cfg; Spanish has them all."""
    cfg = (SRC.parents[1] / "scripts" / "babel.cfg").read_text("utf-8")
    listed = {line[len("[python: ") : -1] for line in cfg.splitlines() if line[:9] == "[python: "}
    es = _catalogue("es")
    messages: list[tuple[str, str]] = []
    for path, tree in _modules():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _called(node) in ("Problem", "N_") and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    messages.append((str(path.relative_to(SRC)), first.value))
    assert len(messages) > 300
    files = {f for f, _ in messages}
    assert sorted(f for f in files if f not in listed and not f.startswith("web/")) == []
    assert sorted(m for _, m in messages if not es.get(m)) == []


def test_every_plural_problem_is_extracted_with_every_form_translated() -> None:
    """Plural(...)s are plural entries of both catalogues, a text for each form of the language."""
    cfg = (SRC.parents[1] / "scripts" / "babel.cfg").read_text("utf-8")
    listed = {line[len("[python: ") : -1] for line in cfg.splitlines() if line[:9] == "[python: "}
    calls = _plural_calls()
    assert len(calls) >= 9
    assert sorted(f for f, _, _ in calls if f not in listed and not f.startswith("web/")) == []
    for lang, forms in (("es", 3), ("en", 2)):
        entries = _plurals(lang)
        missing = [(s, p) for _, s, p in calls if (s, p) not in entries]
        assert missing == []
        untranslated = [
            (s, p) for _, s, p in calls if len([t for t in entries[s, p] if t]) != forms
        ]
        assert untranslated == []


def test_a_problem_is_said_in_the_readers_language(monkeypatch: pytest.MonkeyPatch) -> None:
    err = InputError(Problem("--runs: got %(runs)s, expected a whole number of at least 1", runs=0))
    assert err.problems == ["--runs: se recibió 0; se esperaba un número entero de al menos 1"]
    assert err.in_language("en") == ["--runs: got 0, expected a whole number of at least 1"]
    monkeypatch.setenv("HITO_LANG", "en")
    assert str(err) == "--runs: got 0, expected a whole number of at least 1"


ATTEMPTS = ("after %(attempts)s attempt: %(error)s", "after %(attempts)s attempts: %(error)s")


def test_a_plural_problem_is_said_in_the_form_of_its_count_in_each_language() -> None:
    said = {
        n: Plural(*ATTEMPTS, n, attempts=n, error=Problem("no such file")) for n in (0, 1, 2, 6)
    }
    assert [said[n].say("es") for n in (0, 1, 2, 6)] == [
        "tras 0 intentos: no existe ese archivo",
        "tras 1 intento: no existe ese archivo",
        "tras 2 intentos: no existe ese archivo",
        "tras 6 intentos: no existe ese archivo",
    ]
    assert [said[n].say("en") for n in (0, 1, 2, 6)] == [
        "after 0 attempts: no such file",
        "after 1 attempt: no such file",
        "after 2 attempts: no such file",
        "after 6 attempts: no such file",
    ]
    assert InputError(said[1]).in_language("en") == ["after 1 attempt: no such file"]


def test_a_plural_problem_the_catalogues_lack_is_an_error_in_the_tests() -> None:
    """STRICT (set by the tests) checks the plural entry, as it checks a Problem's message."""
    with pytest.raises(AssertionError, match="not in the es catalogue"):
        Plural("%(n)s widget", "%(n)s widgets", 2, n=2).say("es")
    with pytest.raises(AssertionError, match="not in the en catalogue"):  # a plain message
        Plural("no such file", "no such files", 2).say("en")
    with pytest.raises(AssertionError, match="not in the en catalogue"):  # a plural entry
        Problem(ATTEMPTS[1], attempts=2, error="x").say("en")


def test_a_problem_inside_a_problem_is_said_in_the_same_language() -> None:
    inner = Problem("%(path)s: only shelters serve places, got %(kind)s", path="x", kind="'city'")
    outer = Problem("%(where)s: %(problem)s", where="f.yaml:3", problem=inner)
    assert outer.say("en") == "f.yaml:3: x: only shelters serve places, got 'city'"
    assert outer.say("es").startswith("f.yaml:3: x: solo ")


def test_errors_survive_pickling_with_their_problems() -> None:
    """Errors raised in worker processes come back whole (and still say themselves in any language)."""
    import pickle

    err = ScenarioError(
        [Problem("%(where)s: not valid YAML (%(reason)s)", where="a:1", reason="x")]
    )
    back = pickle.loads(pickle.dumps(err))
    assert isinstance(back, HitoError) and back.said == err.said
    assert back.in_language("en") == ["a:1: not valid YAML (x)"]
