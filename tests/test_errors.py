"""Problems kept in a database column and said again later, in any language."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hito.errors import Plural, Problem, keep, kept, said_in

ATTEMPTS = ("after %(attempts)s attempt: %(error)s", "after %(attempts)s attempts: %(error)s")
NESTED = Plural(
    *ATTEMPTS,
    3,
    attempts=3,
    error=Problem(
        "%(url)s answered %(status)s: %(text)s", url="https://x.org/h", status=500, text="oops"
    ),
)


def test_a_kept_problem_comes_back_equal_with_its_nested_problem() -> None:
    assert kept(keep(NESTED)) == [NESTED]


def test_a_kept_plural_problem_comes_back_with_its_forms_and_count() -> None:
    once = Plural(*ATTEMPTS, 1, attempts=1, error=Problem("no such file"))
    (back,) = kept(keep(once)) or []
    assert isinstance(back, Plural) and back == once
    assert (back.message, back.plural, back.n) == (*ATTEMPTS, 1)
    assert back != Plural(*ATTEMPTS, 2, attempts=1, error=Problem("no such file"))
    assert back != Problem(ATTEMPTS[0], attempts=1, error=Problem("no such file"))


def test_a_kept_plural_problem_is_said_in_the_form_of_its_count() -> None:
    for n, es, en in (
        (1, "tras 1 intento", "after 1 attempt"),
        (6, "tras 6 intentos", "after 6 attempts"),
    ):
        stored = keep(Plural(*ATTEMPTS, n, attempts=n, error=Problem("no such file")))
        assert said_in(stored, "es") == f"{es}: no existe ese archivo"
        assert said_in(stored, "en") == f"{en}: no such file"


def test_a_plural_problem_survives_pickling() -> None:
    import pickle

    assert pickle.loads(pickle.dumps(NESTED)) == NESTED
    assert pickle.loads(pickle.dumps(NESTED)).say("en").startswith("after 3 attempts: https://")


def test_several_problems_and_plain_words_come_back_in_order() -> None:
    items = [Problem("no such file"), "a file's own words", NESTED]
    assert kept(keep(items)) == items


def test_values_that_are_not_json_are_kept_as_their_text() -> None:
    p = Problem("%(path)s: no such file %(day)s", path=Path("/tmp/x.csv"), day=dt.date(2025, 12, 2))
    (back,) = kept(keep(p)) or []
    assert back == Problem("%(path)s: no such file %(day)s", path="/tmp/x.csv", day="2025-12-02")


def test_said_in_each_language_from_the_same_stored_text() -> None:
    stored = keep(Problem("the subscription was stopped before this was sent"))
    assert said_in(stored, "en") == "the subscription was stopped before this was sent"
    assert said_in(stored, "es") == Problem(
        "the subscription was stopped before this was sent"
    ).say("es")
    assert said_in(stored, "es") != said_in(stored, "en")


def test_older_plain_text_is_not_taken_for_kept_problems() -> None:
    for text in ("", "after 3 attempts: https://x.org answered 500", '{"said": broken', "{}"):
        assert kept(text) is None
        assert said_in(text, "es") == text


def test_a_forged_row_that_looks_kept_but_is_malformed_is_said_as_it_is() -> None:
    """Any text in the column (an old row, a hand edit) is shown, never a 500."""
    for text in (
        '{"said": [{"message": 1}]}',
        '{"said": 3}',
        '{"said": [{"values": {}}]}',
        '{"said": [{"message": 1, "values": {}}]}',
        '{"said": [{"message": "x %(a)s", "values": []}]}',
        '{"said": [{"message": "x", "values": {}, "plural": "xs"}]}',
        '{"said": [{"message": "x", "values": {}, "plural": "xs", "n": "2"}]}',
        '{"said": [{"message": "x", "values": {}, "plural": "xs", "n": true}]}',
        '{"said": [{"message": "x", "values": {}, "plural": 2, "n": 2}]}',
    ):
        assert kept(text) is None
        assert said_in(text, "en") == text
