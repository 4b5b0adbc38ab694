"""The field page's report as sent by an admin: the agency it is sent for (an admin of a
country: one of its agencies)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from hito import i18n
from hito.store import users
from hito.store.actors import SYSTEM
from hito.store.coltypes import utcnow
from hito.store.models import Agency, User
from hito.web.reporting import overview_after
from web.conftest import PASSWORD

from .test_guard import _page_token, _reports, _signed_in


@pytest.mark.parametrize("agency", ["", "pdi", "-1", "0", "²", "2147483648", "9" * 20])
def test_an_agency_id_the_database_cannot_hold_is_a_form_error(server, agency: str) -> None:  # type: ignore[no-untyped-def]
    """Not a server error: 9 * 20 overflows SQLite's integer, 2**31 PostgreSQL's."""
    with _signed_in(server, "admin") as c:
        before = _reports(server)
        form = {
            "csrf_token": _page_token(c, "/report?site=chacalluta"),
            "site_id": "chacalluta",
            "observed_at": "2025-12-03T10:00",
            "tz_offset": "180",
            "people-unspecified": "12",
            "agency_id": agency,
        }
        r = c.post("/report", data=form, headers={"Origin": server.url})
        assert r.status_code == 422, (r.status_code, r.text[:300])
        assert "Elija el organismo por el que reporta." in r.text
        assert _reports(server) == before


def test_a_saved_report_leads_to_the_overview_of_a_day_that_holds_it() -> None:
    day = dt.date(2026, 1, 4)  # its day at its site (02:00 UTC on the 5th, 23:00 in Arica)
    today = dt.date(2026, 1, 9)  # the visitor's
    # a deployment showing an earlier day (the demo's 2025-12-03): the count's day instead
    assert overview_after(7, day, dt.date(2025, 12, 3), today) == "/?as_of=2026-01-04&reported=7"
    # showing today, or a later day: the overview as it is
    assert overview_after(7, day, None, today) == "/?reported=7"
    assert overview_after(7, day, dt.date(2026, 1, 4), today) == "/?reported=7"
    # a day the visitor's has not reached (stamped minutes ahead of the server's clock, or at
    # a site whose clock is ahead of theirs): never a day to come (a 400 page), their today
    shown = overview_after(8, dt.date(2026, 1, 10), dt.date(2025, 12, 3), today)
    assert shown == "/?as_of=2026-01-09&reported=8"


def test_the_today_link_shows_today_even_where_the_deployment_shows_another_day(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:  # an editor of a Chilean agency: Chile's time
        page = c.get("/?as_of=2025-12-03").text
    today = i18n.local(utcnow(), "America/Santiago").date().isoformat()
    assert f'<a href="/?as_of={today}" class="small" id="today">hoy</a>' in page


def test_the_triggers_table_says_which_counts_a_trigger_adds_up(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        es = c.get("/?as_of=2025-12-03&lang=es").text
        en = c.get("/?as_of=2025-12-03&lang=en").text
    assert (
        '<p class="muted small" id="trigger-values">El valor de un disparador suma los conteos de '
        "sus sitios de los últimos 3 días; un conteo más antiguo no hace que se cumpla.</p>"
    ) in es
    assert "from the last 3 days; an older count does not make it fire.</p>" in en


def test_an_editor_is_offered_the_sites_of_their_country_and_the_strip(server) -> None:  # type: ignore[no-untyped-def]
    """Migraciones (Peru) is not offered Chacalluta, nor a button to report there."""
    import re

    with _signed_in(server, "migraciones") as c:
        form = c.get("/report").text
        offered = set(re.findall(r'<option value="([a-z0-9-]+)"', form))
        chile = c.get("/sites/chacalluta").text
        strip = c.get("/sites/concordia-strip").text
    assert {"santa-rosa", "concordia-strip"} <= offered
    assert not offered & {"chacalluta", "arica-shelters", "pisiga"}
    assert "/report?site=chacalluta" not in chile
    assert "/report?site=concordia-strip" in strip
    with _signed_in(server, "pdi") as c:
        assert "/report?site=chacalluta" in c.get("/sites/chacalluta").text
    with _signed_in(server, "observador") as c:
        assert "/report?site=chacalluta" not in c.get("/sites/chacalluta").text


def test_a_report_sent_anyway_at_the_other_countrys_site_is_refused_at_the_site_field(
    server,
) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server, "migraciones") as c:
        before = _reports(server)
        form = {
            "csrf_token": _page_token(c, "/report"),
            "site_id": "chacalluta",
            "observed_at": "2025-12-03T10:00",
            "tz_offset": "300",
            "people-unspecified": "12",
        }
        r = c.post("/report", data=form, headers={"Origin": server.url})
    assert r.status_code == 422
    said = r.text.split('id="err-site_id">')[1].split("</span>")[0]
    # in words: the site's and the countries' names, not its id and their codes
    assert said == (
        "Complejo fronterizo Chacalluta está en Chile: un editor de un organismo de Perú reporta "
        "en los sitios de Perú y entre los complejos fronterizos."
    ), said
    with _signed_in(server, "migraciones") as c:  # sent from the phone's outbox: the same words
        sent = c.post(
            "/report/send?lang=en",
            data={**form, "csrf_token": _page_token(c, "/report"), "idempotency_key": "abroad-1"},
            headers={"Origin": server.url},
        )
    assert sent.status_code == 422
    assert sent.json()["errors"]["counts"] == (
        "Chacalluta border complex is in Chile: an editor of an agency of Peru reports at the "
        "sites of Peru and between the posts."
    ), sent.json()
    assert _reports(server) == before


def test_a_trigger_past_its_threshold_for_fewer_days_than_it_needs_says_so(server) -> None:  # type: ignore[no-untyped-def]
    """On 21 April 2023 the strip held 300 or more for one day: not '0 to go' but 1 of 2 days."""
    with _signed_in(server) as c:
        es = c.get("/?as_of=2023-04-21&lang=es").text
        en = c.get("/?as_of=2023-04-21&lang=en").text

    def distance(page: str) -> str:
        row = page.split('id="trigger-binational-stranded-200-2d"')[1].split("</tr>")[0]
        return row.split('data-label="')[-1].split('">', 1)[1].split("</td>")[0].strip()

    assert distance(es) == (
        '<span class="reached">umbral alcanzado en 1 de los 2 días seguidos que exige</span>'
    )
    assert distance(en) == (
        '<span class="reached">threshold reached on 1 of the 2 days in a row it needs</span>'
    )


def test_a_link_to_report_at_the_other_countrys_site_says_why_it_is_not_offered(server) -> None:  # type: ignore[no-untyped-def]
    """Migraciones (Peru) opening /report?site=chacalluta (a shared link) is told, not left guessing."""
    with _signed_in(server, "migraciones") as c:
        page = c.get("/report?site=chacalluta").text
        own = c.get("/report?site=santa-rosa").text
    said = page.split('id="err-site_id">')[1].split("</span>")[0]
    assert said == (
        "Complejo fronterizo Chacalluta está en Chile: un editor de un organismo de Perú reporta "
        "en los sitios de Perú y entre los complejos fronterizos."
    )
    assert '<option value="chacalluta"' not in page
    assert 'id="err-site_id"></span>' in own and '<option value="santa-rosa" selected>' in own


def test_every_site_link_of_a_past_overview_keeps_its_date(server) -> None:  # type: ignore[no-untyped-def]
    """The counted, the old and the uncounted sites alike open on the day the reader chose."""
    import re

    with _signed_in(server) as c:
        page = c.get("/?as_of=2023-06-20").text
    links = re.findall(r'<a href="(/sites/[^"]*)"', page)
    assert links and all(x.endswith("?as_of=2023-06-20") for x in links), links
    assert 'id="old-' in page and 'id="uncounted"' in page  # all three kinds are there


def test_the_plans_page_says_a_trigger_the_counts_do_not_measure_is_not_measured(server) -> None:  # type: ignore[no-untyped-def]
    """As the overview does: not 'not met' for people diverting, which no field count measures."""
    with _signed_in(server) as c:
        page = c.get("/plans?as_of=2025-12-03&lang=es").text
    row = page.split("5 o más personas al día desviadas a rutas irregulares")[1].split("</tr>")[0]
    assert '<span class="muted">no se mide con los conteos de campo</span>' in row
    assert "no cumplido" not in row


def test_a_forecast_is_named_by_its_number_in_spanish(server) -> None:  # type: ignore[no-untyped-def]
    """'Pronóstico n.º 5 a partir de…', not 'Pronóstico 5 a partir de…' (five forecasts?)."""
    import re

    with _signed_in(server) as c:
        page = c.get("/sites/concordia-strip?as_of=2025-12-03&lang=es").text
    note = page.split('id="forecast-note">')[1].split("</p>")[0]
    assert re.match(r"Pronóstico n\.º \d+ a partir de los conteos del 3 dic 2025: ", note), note


def test_the_report_form_without_javascript_offers_the_visitors_clock_not_utc(server) -> None:  # type: ignore[no-untyped-def]
    """A phone without JavaScript at 20:00 in Tacna gets 20:00 Peru time, not 01:00 UTC."""
    import re

    with _signed_in(server, "migraciones") as c:  # a Peruvian agency: Peru's clock
        before = i18n.local(utcnow(), "America/Lima").strftime("%Y-%m-%dT%H:%M")
        form = c.get("/report").text
        after = i18n.local(utcnow(), "America/Lima").strftime("%Y-%m-%dT%H:%M")
    at = re.search(r'name="observed_at" id="observed_at" value="([^"]*)"', form)
    assert at is not None and at.group(1) in {before, after}
    assert 'name="tz_offset" id="tz_offset" value="300"' in form
    assert ">(hora del Perú, UTC\u22125)</small>" in form


def country_admin(server, username: str, agency: str) -> None:  # type: ignore[no-untyped-def]
    """An admin of a demo agency (so of its country) in the server's database, once."""
    with server.db.session() as s:
        if s.scalar(select(User.id).where(User.username == username)) is None:
            users.create_user(
                s,
                actor=SYSTEM,
                username=username,
                password="",
                password_hash=users.hash_password(PASSWORD),
                role="admin",
                agency_id=s.scalar(select(Agency.id).where(Agency.code == agency)),
            )


def test_a_chilean_admin_is_offered_chiles_agencies_and_sites_only(server) -> None:  # type: ignore[no-untyped-def]
    import re

    country_admin(server, "admin_chile", "pdi")
    with _signed_in(server, "admin_chile") as c:
        form = c.get("/report").text
        peru = c.get("/report?site=santa-rosa&lang=en").text
    agencies = re.findall(r'<option value="(\d+)" lang="es"', form)
    with server.db.session(readonly=True) as s:
        chile = s.scalars(select(Agency.id).where(Agency.country_code == "CHL").order_by(Agency.id))
        assert agencies == [str(i) for i in chile]
    offered = set(re.findall(r'<option value="([a-z0-9-]+)"', form))
    assert {"chacalluta", "concordia-strip", "arica-shelters"} <= offered
    assert not offered & {"santa-rosa", "railway-crossing", "pisiga"}
    said = peru.split('id="err-site_id">')[1].split("</span>")[0]
    assert said == (
        "Santa Rosa border complex is in Peru: an administrator of Chile reports at the sites of "
        "Chile and between the posts."
    ), said


def test_chilean_admin_writing_a_report_for_a_peruvian_agency_from_the_form_is_refused(
    server,
) -> None:  # type: ignore[no-untyped-def]
    """Posted by hand (the form does not offer it): refused at the agency's field, not stored."""
    country_admin(server, "admin_chile", "pdi")
    with server.db.session(readonly=True) as s:
        peru = s.scalar(select(Agency.id).where(Agency.code == "migraciones"))
    with _signed_in(server, "admin_chile") as c:
        before = _reports(server)
        form = {
            "csrf_token": _page_token(c, "/report"),
            "site_id": "concordia-strip",
            "observed_at": "2025-12-03T10:00",
            "tz_offset": "180",
            "people-unspecified": "12",
            "agency_id": str(peru),
        }
        r = c.post("/report", data=form, headers={"Origin": server.url})
        assert r.status_code == 422
        said = r.text.split('id="err-agency_id">')[1].split("</span>")[0]
        assert said == (
            "Un administrador de Chile reporta por los organismos de Chile: elija uno de ellos."
        )
        sent = c.post(  # from the phone's outbox: the service's refusal
            "/report/send?lang=en",
            data={**form, "csrf_token": _page_token(c, "/report"), "idempotency_key": "pe-1"},
            headers={"Origin": server.url},
        )
        assert sent.status_code == 422
        assert sent.json()["errors"]["counts"] == (
            f"agency {peru} is of PER; you are an admin of CHL and may post field reports only "
            "for the agencies of CHL"
        )
    assert _reports(server) == before
