"""PyYAML's reasons for refusing a file, in the reader's language."""

from __future__ import annotations

import pytest

from hito.errors import ScenarioError
from hito.yamldoc import compose

CASES = [
    (
        "days: [45\nname: x\n",
        "s.yaml:2: no es YAML válido (se esperaba ',' o ']' para seguir o cerrar los corchetes; "
        "se encontró ':')",
        "s.yaml:2: not valid YAML (expected ',' or ']' to go on or close the brackets, found ':')",
    ),
    (
        "a:\n\tb: 1\n",
        "s.yaml:2: no es YAML válido (un tabulador: YAML sangra con espacios)",
        "s.yaml:2: not valid YAML (a tab: YAML indents with spaces)",
    ),
    (
        "a:\n  - 1\n  b: 2\n",
        "s.yaml:3: no es YAML válido (la sangría no cuadra con las líneas de arriba (se encontró "
        "una clave nueva))",
        "s.yaml:3: not valid YAML (the indentation does not match the lines above (found a new "
        "key))",
    ),
    (
        'a: "x\\q"\n',
        "s.yaml:1: no es YAML válido (secuencia de escape \\q desconocida entre comillas dobles "
        "(use comillas simples))",
        "s.yaml:1: not valid YAML (unknown escape \\q inside double quotes (use single quotes))",
    ),
    (
        "a: 1\nb\nc: 2\n",
        "s.yaml:3: no es YAML válido (una clave sin su ':')",
        "s.yaml:3: not valid YAML (a key without its ':')",
    ),
]


@pytest.mark.parametrize(("text", "es", "en"), CASES)
def test_a_yaml_mistake_is_said_in_both_languages_at_its_line(text: str, es: str, en: str) -> None:
    with pytest.raises(ScenarioError) as e:
        compose(text, "s.yaml", what="scenario", error=ScenarioError)
    assert e.value.in_language("es") == [es]
    assert e.value.in_language("en") == [en]


def test_a_reason_without_words_of_its_own_is_kept_as_pyyaml_says_it() -> None:
    with pytest.raises(ScenarioError) as e:
        compose("a: |0\n  x\n", "s.yaml", what="scenario", error=ScenarioError)
    assert e.value.in_language("es") == [
        "s.yaml:1: no es YAML válido (expected indentation indicator in the range 1-9, but found 0)"
    ]


@pytest.mark.parametrize(
    ("text", "es", "en"),
    [
        ("", "nada (vacío, o null)", "nothing (empty, or null)"),
        ("# only a comment\n", "nada (vacío, o null)", "nothing (empty, or null)"),
        ("- a\n- b\n", "una lista", "a list"),
        ("just words\n", "un texto", "a text"),
        ("42\n", "un número", "a number"),
        ("true\n", "verdadero o falso", "true or false"),
        ("2025-11-28\n", "una fecha", "a date"),
    ],
)
def test_a_file_that_is_not_a_mapping_says_what_it_is_in_words_not_pythons(
    text: str, es: str, en: str
) -> None:
    """Not 'got NoneType' for an empty file, nor 'list' or 'str'."""
    with pytest.raises(ScenarioError) as e:
        compose(text, "s.yaml", what="scenario", error=ScenarioError)
    assert e.value.in_language("es") == [
        f"s.yaml: se esperaban los campos del escenario como pares clave: valor; se recibió {es}"
    ]
    assert e.value.in_language("en") == [f"s.yaml: expected a mapping of scenario fields, got {en}"]
