"""The errors of `hito` in the reader's language: hito's own, the scenario file's, Typer's."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli_helpers import hito


@pytest.fixture
def bad_scenario(tmp_path: Path) -> Path:
    """The built-in scenario with a word for its days and a route to a place it does not have."""
    import yaml

    from hito.scenario.load import resolve

    data = yaml.safe_load(resolve("tacna-arica-2025")[1])
    data["days"] = "many"
    data["routes"][0]["to"] = "nowhere"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(i + 1 for i, t in enumerate(path.read_text("utf-8").splitlines()) if text in t)


CASES = {
    "no such file": (
        ("run", "nonexist.yaml"),
        "error: nonexist.yaml: no existe ese archivo ni un escenario incluido en hito con ese "
        "nombre; se esperaba la ruta de un archivo o uno de: tacna-arica-2023, tacna-arica-2025",
        "error: nonexist.yaml: no such file and no built-in scenario of that name; expected a "
        "path or one of: tacna-arica-2023, tacna-arica-2025",
    ),
    "a bad option value": (
        ("run", "--runs", "0"),
        "error: --runs: se recibió 0; se esperaba un número entero de al menos 1",
        "error: --runs: got 0, expected a whole number of at least 1",
    ),
    "an event not in its form": (
        ("run", "tacna-arica-2025", "--event", "soon"),
        "error: --event 'soon': se esperaba LUGAR:ESTADO>NÚMERO (en cualquier día) o "
        "LUGAR:ESTADO>NÚMERO@AAAA-MM-DD (ese día); LUGAR es el id de un lugar o 'all' (todos)",
        "error: --event 'soon': expected PLACE:STATE>NUMBER (on any day) or "
        "PLACE:STATE>NUMBER@YYYY-MM-DD (on that day), PLACE a place id or 'all'",
    ),
    "a number of workers below one": (
        ("run", "--workers", "0"),
        "error: --workers: se recibió 0; se esperaba un número entero de al menos 1",
        "error: --workers: got 0, expected a whole number of at least 1",
    ),
    "a scheduler for runs on this machine": (
        ("run", "--scheduler", "tcp://host:8786"),
        "error: --scheduler: solo --executor dask usa la dirección de un planificador",
        "error: --scheduler: only --executor dask uses a scheduler address",
    ),
    "a mistyped option": (
        ("run", "--rnus", "3"),
        "No existe la opción: --rnus (opciones posibles: --runs)",
        "No such option: --rnus (Possible options: --runs)",
    ),
    "a mistyped command, with Typer's guess": (  # its "Did you mean" stayed in English
        ("runn",),
        "No existe el comando 'runn'. ¿Quiso decir 'run'?",
        "No such command 'runn'. Did you mean 'run'?",
    ),
    "a mistyped subcommand, with Typer's guess": (
        ("plans", "comapre"),
        "No existe el comando 'comapre'. ¿Quiso decir 'compare'?",
        "No such command 'comapre'. Did you mean 'compare'?",
    ),
    "a missing argument": (
        ("validate",),
        "Falta el argumento 'archivo'.",
        "Missing argument 'file'.",
    ),
    "a number below an option's least": (  # pydantic's "greater than or equal to", not "than"
        ("flee", "run", "nowhere", "--hasten", "0"),
        "Valor no válido para '--hasten': se esperaba un valor mayor o igual que 1",
        "Invalid value for '--hasten': Input should be greater than or equal to 1",
    ),
    "a word for a number": (
        ("run", "--runs", "x"),
        "Valor no válido para '--runs': se esperaba un número entero (se recibió 'x')",
        "Invalid value for '--runs': Input should be a valid integer, unable to parse string as "
        "an integer (got 'x')",
    ),
    "a word for a number, written with '='": (
        ("flee", "run", "nowhere", "--runs=0.5"),
        "Valor no válido para '--runs': se esperaba un número entero (se recibió '0.5')",
        "Invalid value for '--runs': Input should be a valid integer, unable to parse string as "
        "an integer (got '0.5')",
    ),
}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_error_is_said_in_the_readers_language(case: str, lang: str) -> None:
    args, spanish, english = CASES[case]
    done = hito(*args, HITO_LANG=lang)
    assert done.returncode == 2
    said = " ".join(done.stderr.replace("│", " ").split())  # Typer's panel, unwrapped
    assert (spanish if lang == "es" else english) in said
    assert (english if lang == "es" else spanish) not in said


@pytest.mark.parametrize("lang", ["es", "en"])
def test_a_scenario_files_problems_keep_their_file_line_and_field(
    bad_scenario: Path, lang: str
) -> None:
    done = hito("validate", str(bad_scenario), HITO_LANG=lang)
    assert done.returncode == 2
    days = f"error: {bad_scenario}:{line_of(bad_scenario, 'days: many')}: days: "
    to = f"error: {bad_scenario}:{line_of(bad_scenario, 'to: nowhere')}: routes[0].to: "
    if lang == "es":
        assert days + "se esperaba un número entero (se recibió 'many')" in done.stderr
        assert "(se recibió 'many')" in done.stderr
        assert to + "lugar desconocido 'nowhere'; se esperaba uno de: " in done.stderr
        assert "Input should" not in done.stderr and "unknown place" not in done.stderr
    else:
        assert days + "Input should be a valid integer" in done.stderr
        assert "(got 'many')" in done.stderr
        assert to + "unknown place 'nowhere', expected one of: " in done.stderr


@pytest.mark.parametrize(("reader", "lang"), [("es", "en"), ("en", "es")])
def test_an_error_is_said_in_the_language_lang_chose(
    tmp_path: Path, reader: str, lang: str
) -> None:
    """A command given --lang says its errors in that language, not the reader's (HITO_LANG)."""
    missing = tmp_path / "conteos.csv"
    done = hito(
        "calibrate", "tacna-arica-2025", "--observations", str(missing), "--out",
        str(tmp_path / "out"), "--lang", lang, HITO_LANG=reader,
    )  # fmt: skip
    assert done.returncode == 2
    spanish = f"error: {missing}: no se puede leer el archivo (no existe ese archivo); "
    english = f"error: {missing}: cannot read the file (no such file), expected a CSV file"
    said = " ".join(done.stderr.split())
    assert (english if lang == "en" else spanish) in said
    assert (spanish if lang == "en" else english) not in said


def test_a_bad_lang_is_said_in_the_readers_language(tmp_path: Path) -> None:
    done = hito("calibrate", "tacna-arica-2025", "--lang", "fr", HITO_LANG="en")
    assert done.returncode == 2
    assert "error: --lang: got 'fr', expected one of: es, en" in done.stderr


@pytest.mark.parametrize(
    ("args", "reader", "said"),
    [
        (
            ("run", "--lang", "en", "--rnus", "3"),
            "es",
            "No such option: --rnus (Possible options: --runs)",
        ),
        (
            ("run", "--lang=en", "--runs", "x"),
            "es",
            "Invalid value for '--runs': Input should be a valid integer",
        ),
        (
            ("run", "--lang", "es", "--rnus", "3"),
            "en",
            "No existe la opción: --rnus (opciones posibles: --runs)",
        ),
        (
            ("run", "--lang", "fr", "--rnus", "3"),
            "es",
            "No existe la opción: --rnus (opciones posibles: --runs)",
        ),
    ],
)
def test_typers_errors_follow_the_commands_lang(
    args: tuple[str, ...], reader: str, said: str
) -> None:
    """`hito run --lang en --rnus 3` said Typer's error in the reader's Spanish, while hito's own
    errors follow --lang (README: the errors follow the choice of --lang)."""
    done = hito(*args, HITO_LANG=reader)
    assert done.returncode == 2
    assert said in " ".join(done.stderr.replace("│", " ").split())


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "{empty}"),
        ("migrate", "{empty}"),
        ("plans", "validate", "{dir}/nope.yaml"),
        ("flee", "check", "{dir}"),
        ("flee", "run", "{dir}", "--out", "{dir}/o"),
        ("flee", "import", "{dir}", "--out", "{dir}/case.yaml"),
    ],
)
@pytest.mark.parametrize(("reader", "lang"), [("es", "en"), ("en", "es")])
def test_commands_on_files_take_lang_too(
    tmp_path: Path, args: tuple[str, ...], reader: str, lang: str
) -> None:
    """`hito validate --lang en` was refused ("No such option: --lang") where `hito run` took it."""
    empty = tmp_path / "empty.yaml"
    empty.write_text("", "utf-8")
    line = [a.format(empty=empty, dir=tmp_path) for a in args]
    done = hito(*line, "--lang", lang, HITO_LANG=reader)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.startswith("error: ")
    said = ("expected" in done.stderr, "se esperaba" in done.stderr)
    assert said == ((True, False) if lang == "en" else (False, True)), done.stderr
