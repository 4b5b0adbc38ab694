"""`hito report`: its options' errors said as every other command says them."""

from __future__ import annotations

from cli_helpers import hito


def test_an_unknown_language_is_quoted_as_every_command_quotes_a_value(tmp_path):
    """`hito report --lang fr` said "se recibió fr" where `hito run --lang fr` says 'fr'."""
    done = hito("report", "--lang", "fr", "--lang", "es", "--out", str(tmp_path / "o"))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "error: --lang: se recibió 'fr'; se esperaba uno de: es, en\n"
    assert not (tmp_path / "o").exists()


def test_one_language_asked_is_the_language_of_the_errors_too(tmp_path):
    """`hito report --lang en` wrote an English report but said its errors in Spanish."""
    done = hito("report", "--lang", "en", "--as-of", "x", "--out", str(tmp_path / "o"))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "error: --as-of: got 'x', expected a date as YYYY-MM-DD\n"
    both = hito("report", "--lang", "en", "--lang", "es", "--as-of", "x", "--out", str(tmp_path))
    assert (
        both.stderr
        == "error: --as-of: se recibió 'x'; se esperaba una fecha con el formato AAAA-MM-DD\n"
    )
