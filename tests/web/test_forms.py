"""The field report form: each bad field gets its own message; good rows become counts."""

from __future__ import annotations

import datetime as dt

from hito import i18n
from hito.web.forms import UNSPECIFIED, GroupField, check, groups

ROWS = (GroupField("ven", "VEN", False, "Venezuelan"), GroupField("unspecified", "XXX", False, "?"))
NOW = dt.datetime(2025, 12, 3, 15, 0, tzinfo=dt.UTC)


def run(**values: str):  # type: ignore[no-untyped-def]
    data = {"site_id": "strip", "observed_at": "2025-12-03T10:00", "tz_offset": "180", **values}
    return check(data, rows=ROWS, site_ids=["strip"], now=NOW, gettext=lambda m: m)


def test_a_good_form_gives_counts_and_a_utc_time() -> None:
    form = run(**{"people-ven": "12", "stranded-ven": "9", "people-unspecified": "3"})
    assert form.ok
    assert form.observed_at == dt.datetime(2025, 12, 3, 13, 0, tzinfo=dt.UTC)  # 10:00 at UTC-3
    assert [(c.nationality, c.people, c.stranded) for c in form.counts] == [
        ("VEN", 12, 9),
        (UNSPECIFIED, 3, 0),
    ]


def test_each_bad_field_has_its_message_and_the_typed_values_stay() -> None:
    form = run(
        **{
            "site_id": "nowhere",
            "people-ven": "doce",
            "people-unspecified": "2",
            "stranded-unspecified": "5",
        }
    )
    assert form.errors == {
        "site_id": "Choose the site you counted at.",
        "people-ven": "Write a whole number of 0 or more.",
        "stranded-unspecified": "Stranded cannot be more than the people counted.",
    }
    assert form.values["people-ven"] == "doce"


def test_a_group_with_a_bad_number_is_not_also_told_to_count_a_group() -> None:
    """The scenario's group ids have hyphens: the message stays at the field, nothing more."""
    rows = (GroupField("ven-undocumented", "VEN", False, "Venezuelan, undocumented"),)
    data = {
        "site_id": "strip",
        "observed_at": "2025-12-03T10:00",
        "tz_offset": "180",
        "people-ven-undocumented": "120",
        "stranded-ven-undocumented": "150",
    }
    form = check(data, rows=rows, site_ids=["strip"], now=NOW, gettext=lambda m: m)
    assert form.errors == {
        "stranded-ven-undocumented": "Stranded cannot be more than the people counted."
    }
    empty = {k: v for k, v in data.items() if "-ven" not in k}
    assert check(empty, rows=rows, site_ids=["strip"], now=NOW, gettext=lambda m: m).errors == {
        "counts": "Count at least one group."
    }


def test_a_count_is_read_as_a_field_team_writes_it() -> None:
    """1.200 (Chile and Peru), 1,200 and 1 200 are twelve hundred; '²' and 12,5 are refused."""
    for typed in ("1200", "1.200", "1,200", "1 200", " 1200 "):
        form = run(**{"people-ven": typed})
        assert form.ok and [c.people for c in form.counts] == [1200], typed
    for typed in ("²", "12,5", "1.2", "-3", "1e3"):  # '²'.isdigit() is True, int('²') fails
        assert run(**{"people-ven": typed}).errors == {
            "people-ven": "Write a whole number of 0 or more."
        }, typed


def test_future_time_empty_form_and_stranded_without_people() -> None:
    assert run(observed_at="2025-12-03T18:00").errors["observed_at"] == (
        "The time of the count cannot be in the future."
    )
    assert run().errors == {"counts": "Count at least one group."}
    assert run(**{"stranded-ven": "4"}).errors == {
        "people-ven": "Give the people counted for this group too."
    }
    assert run(observed_at="yesterday").errors["observed_at"] == (
        "Give the date and time of the count."
    )


def test_the_form_rows_are_the_scenario_groups_then_unspecified() -> None:
    rows = groups("tacna-arica-2025")
    assert [r.id for r in rows][:2] == ["ven-undocumented", "ven-documented"]
    assert rows[-1].nationality == UNSPECIFIED


def test_a_range_a_breakdown_and_needs_become_one_count() -> None:
    form = run(
        **{
            "people_low-ven": "150",
            "people_high-ven": "200",
            "stranded-ven": "150",
            "f_children-ven": "40",
            "f_adults-ven": "50",
            "f_older-ven": "5",
            "m_children-ven": "40",
            "m_adults-ven": "40",
            "m_older-ven": "5",
            "pregnant_lactating-ven": "6",
            "unaccompanied_separated-ven": "3",
        }
    )
    assert form.ok, form.errors
    (c,) = form.counts
    assert (c.people, c.people_low, c.people_high, c.f_adults, c.unaccompanied_separated) == (
        175,
        150,
        200,
        50,
        3,
    )


def test_the_form_and_the_api_share_one_limit_and_the_counts_rules() -> None:
    from hito.counts import MAX_PEOPLE

    over = run(**{"people-ven": str(MAX_PEOPLE + 1)})
    assert over.errors == {"people-ven": "That is more than 1,000,000 people: check the number."}
    assert run(**{"people-ven": str(MAX_PEOPLE)}).ok  # the old form refused more than 100,000
    form = run(**{"people-ven": "10", "f_children-ven": "10"})
    assert form.errors == {"f_children-ven": "By sex and age: fill all six boxes (0 where nobody)."}
    sums = run(
        **{
            "people-ven": "10",
            **{
                f"{k}-ven": "1"
                for k in ("f_children", "f_adults", "f_older", "m_children", "m_adults", "m_older")
            },
        }
    )
    assert sums.errors == {"f_children-ven": "By sex and age adds up to 6, not the 10 counted."}
    spanish = i18n.translations("es").gettext
    es = {"site_id": "strip", "observed_at": "2025-12-03T10:00", "tz_offset": "180"}
    big = check(
        {**es, "people-ven": str(MAX_PEOPLE + 1)},
        rows=ROWS,
        site_ids=["strip"],
        now=NOW,
        gettext=spanish,
        lang="es",
    )
    assert big.errors == {"people-ven": "Son más de 1.000.000 personas: revise la cifra."}
    six = {
        f"{k}-ven": "1"
        for k in ("f_children", "f_adults", "f_older", "m_children", "m_adults", "m_older")
    }
    sums = check(
        {**es, "people-ven": "1200", **six},
        rows=ROWS,
        site_ids=["strip"],
        now=NOW,
        gettext=spanish,
        lang="es",
    )
    assert sums.errors == {
        "f_children-ven": "El desglose por sexo y edad suma 6, no las 1.200 personas contadas."
    }
    assert run(**{"people_high-ven": "10"}).errors == {
        "people_low-ven": 'Give the low end too (at least); leave at most empty for "more than" '
        "a number."
    }


def test_a_count_before_2000_is_refused_saying_from_when_counts_are_taken() -> None:
    assert run(observed_at="1901-01-01T10:00").errors["observed_at"] == (
        "The time of the count is too far in the past: counts from 2000 on are taken."
    )
    assert "observed_at" not in run(observed_at="2000-01-01T10:00").errors


def test_an_estimate_whose_ends_are_swapped_is_said_at_its_low_end() -> None:
    form = run(**{"people_low-ven": "200", "people_high-ven": "150"})
    assert form.errors == {"people_low-ven": "The low end of the estimate is above the high end."}


def test_more_than_100_is_at_least_100_with_at_most_left_empty() -> None:
    form = run(**{"people_low-ven": "100", "stranded-ven": "100"})
    assert form.ok
    [c] = form.counts
    assert (c.people, c.people_low, c.people_high, c.stranded, c.open_ended) == (
        100,
        100,
        None,
        100,
        True,
    )


def test_people_below_the_at_least_of_an_open_estimate_is_said_at_people() -> None:
    form = run(**{"people_low-ven": "100", "people-ven": "90"})
    assert form.errors == {"people-ven": "People cannot be fewer than the 100 at least."}


def test_an_idempotency_key_with_a_trailing_newline_is_refused() -> None:
    """`re.match` with '$' took 'k1\\n' as a key: stored, it never matched the phone's retry."""
    form = run(**{"people-ven": "12", "idempotency_key": "k1\n"})
    assert not form.ok
    assert form.errors["idempotency_key"] == "This form is out of date: reload the page."
