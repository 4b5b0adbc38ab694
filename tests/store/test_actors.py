"""Who acts where: the operator in every country, an admin or editor of an agency in its own."""

from __future__ import annotations

import pytest

from hito.errors import Problem
from hito.store.actors import SYSTEM, Actor
from hito.store.errors import ForbiddenError, InvalidError

ADMIN_CHL = Actor(user_id=2, username="admin_chl", role="admin", agency_id=1, country_code="CHL")
ED_PER = Actor(user_id=3, username="ed_per", role="editor", agency_id=2, country_code="PER")
OPERATOR = Actor(user_id=1, username="root", role="admin")
COUNTRY = {1: "CHL", 2: "PER"}.get


def test_the_operator_acts_everywhere_and_an_admin_of_an_agency_only_in_its_country() -> None:
    assert (SYSTEM.operator, OPERATOR.operator, ADMIN_CHL.operator, ED_PER.operator) == (
        True,
        True,
        False,
        False,
    )
    assert [OPERATOR.may_act_in(c) for c in ("CHL", "PER", None)] == [True, True, True]
    assert [ADMIN_CHL.may_act_in(c) for c in ("CHL", "PER", None)] == [True, False, False]
    assert [ED_PER.may_act_in(c) for c in ("CHL", "PER", None)] == [False, True, False]


def test_a_chilean_admin_acting_in_peru_is_told_their_country_in_spanish_and_english() -> None:
    ADMIN_CHL.require_country("CHL", Problem("create agencies"))
    with pytest.raises(ForbiddenError) as err:
        ADMIN_CHL.require_country("PER", Problem("create agencies"))
    assert err.value.in_language("es") == [
        "usted es administrador de CHL: no puede crear organismos de PER, solo de CHL"
    ]
    assert err.value.in_language("en") == [
        "you are an admin of CHL: you may not create agencies of PER, only of CHL"
    ]


def test_a_chilean_admin_doing_what_only_the_operator_does_is_refused() -> None:
    OPERATOR.require_operator(Problem("create countries"))
    for what in (ADMIN_CHL.require_operator, lambda p: ADMIN_CHL.require_country(None, p)):
        with pytest.raises(ForbiddenError) as err:
            what(Problem("create countries"))
        assert err.value.in_language("en") == [
            "only the service's operator (an admin of no agency) may create countries; you are "
            "an admin of CHL"
        ]
        assert err.value.in_language("es") == [
            "solo el operador del servicio (un administrador sin organismo) puede crear países; "
            "usted es administrador de CHL"
        ]


def test_chilean_admin_naming_a_peruvian_agency_for_a_write_is_refused() -> None:
    what = Problem("post field reports")
    assert ADMIN_CHL.agency_for_write(1, what, country_of=COUNTRY) == 1
    assert OPERATOR.agency_for_write(2, what, country_of=COUNTRY) == 2
    # an agency that does not exist: the caller's field problem says so, not a refusal
    assert ADMIN_CHL.agency_for_write(9, what, country_of=COUNTRY) == 9
    with pytest.raises(ForbiddenError) as err:
        ADMIN_CHL.agency_for_write(2, what, country_of=COUNTRY)
    assert err.value.in_language("en") == [
        "agency 2 is of PER; you are an admin of CHL and may post field reports only for the "
        "agencies of CHL"
    ]
    # naming none, an admin of a country writes for their own agency; the operator must name one
    assert ADMIN_CHL.agency_for_write(None, what, country_of=COUNTRY) == ADMIN_CHL.agency_id
    with pytest.raises(InvalidError):
        OPERATOR.agency_for_write(None, what, country_of=COUNTRY)


def test_the_operator_is_not_asked_for_agencies_countries() -> None:
    def unread(agency_id: int) -> str | None:
        raise AssertionError(f"read the country of agency {agency_id}")

    assert OPERATOR.agency_for_write(2, Problem("post field reports"), country_of=unread) == 2
    assert ED_PER.agency_for_write(None, Problem("post field reports"), country_of=unread) == 2
