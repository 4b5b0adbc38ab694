"""`hito report`: its options' errors said as every other command says them."""

from __future__ import annotations

from cli_helpers import hito


def test_an_unknown_language_is_quoted_as_every_command_quotes_a_value(tmp_path):
    """`hito report --lang fr` said "se recibió fr" where `hito run --lang fr` says 'fr'."""
    done = hito("report", "--lang", "fr", "--lang", "es", "--out", str(tmp_path / "o"))
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "error: --lang: se recibió 'fr'; se esperaba uno de: es, en\n"
    assert not (tmp_path / "o").exists()
