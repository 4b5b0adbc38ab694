"""Passwords refused with zxcvbn's reason said in the reader's language, not in its English."""

from __future__ import annotations

import ast
import inspect

import pytest

from hito.store.errors import InvalidError
from hito.store.users import _GUESSABLE, password_problem


def _zxcvbn_warnings() -> set[str]:
    """Every warning zxcvbn's feedback can give: the `_()` texts it puts under 'warning'."""
    from zxcvbn import feedback

    def text(node: ast.AST | None) -> str | None:
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_":
            arg = node.args[0]
            return arg.value if isinstance(arg, ast.Constant) else None
        return None

    found = set()
    for node in ast.walk(ast.parse(inspect.getsource(feedback))):
        if isinstance(node, ast.Assign) and any(
            getattr(t, "id", None) == "warning" for t in node.targets
        ):
            found.add(text(node.value))
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "warning":
                    found.add(text(value))
    return {t for t in found if t}


def test_every_warning_zxcvbn_gives_has_hitos_words() -> None:
    warnings = _zxcvbn_warnings()
    assert len(warnings) >= 14  # the finder found them (zxcvbn 4.x has 14)
    assert warnings == set(_GUESSABLE)


@pytest.mark.parametrize(
    ("password", "spanish", "english"),
    [
        (
            "abcabcabc1",
            "las repeticiones como «abcabcabc» son apenas más difíciles de adivinar que «abc»",
            'repeats like "abcabcabc" are only slightly harder to guess than "abc"',
        ),
        ("password1", "es una contraseña muy común", "it is a very common password"),
        (
            "smithjones",
            "los nombres y apellidos comunes son fáciles de adivinar",
            "common names and surnames are easy to guess",
        ),
    ],
)
def test_a_guessable_password_is_refused_with_its_reason_in_each_language(
    password: str, spanish: str, english: str
) -> None:
    with pytest.raises(InvalidError) as err:
        password_problem(password, username="pdi")
    es, en = err.value.in_language("es")[0], err.value.in_language("en")[0]
    assert es == (
        f"body.password: se rechaza esta contraseña: {spanish}; elija una más larga, p. ej. "
        "varias palabras sin relación entre sí"
    )
    assert en == (
        f"body.password: this password is refused: {english}; choose a longer one, e.g. several "
        "unrelated words"
    )
    assert err.value.errors[0]["msg"].startswith(f"this password is refused: {english}")
