"""The field pieces on the dashboard: needs and shelter panels, an alert's deliveries, the ack link."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
from sqlalchemy import select

from hito.store import logread
from hito.store.deliveries import ack_token
from hito.store.models import Alert, Delivery, Subscription
from hito.store.subscriptions import stop_token
from web.conftest import PASSWORD, choose_language

from .test_guard import _signed_in
from .test_reporting import country_admin

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_overview_and_site_pages_show_needs_and_the_shelter(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        choose_language(c, "en")
        page = c.get("/").text
        assert (
            'id="needs-headline"' in page
            and "shelters hold 150" in page
            and "Minimum standards used" in page
        )
        assert "Sphere Handbook 2018, Water supply standard 2.1 (quantity)" in page
        site = c.get("/sites/arica-shelters").text
        assert re.search(
            r'id="shelter-occupancy"><strong>Occupancy [\d,—]+ of 150 places</strong>', site
        ), site
        strip = c.get("/sites/concordia-strip").text
        assert 'id="site-needs"' in strip and "L/day" in strip
        es = c.get("/?lang=es").text
        assert "los albergues acogen a 150" in es and "brecha de" in es


def test_an_alert_page_lists_each_delivery_and_the_ack_link_marks_it_seen(server) -> None:  # type: ignore[no-untyped-def]
    with server.db.session(readonly=True) as s:
        d = s.scalars(select(Delivery).order_by(Delivery.id)).first()
        alert_id, token = d.alert_id, ack_token(s, d.subscription, d.message_id)
        n = len(list(s.scalars(select(Delivery).where(Delivery.alert_id == alert_id))))
        assert s.get(Alert, alert_id) is not None
    with _signed_in(server) as c:
        page = c.get(f"/alerts/{alert_id}?lang=en").text
        assert page.count('class="delivery ') == n and "waiting to be sent" in page
        # an agency's subscription reads by the agency's name, not its code
        assert "Policía de Investigaciones de Chile (PDI) — guardia PDI Chacalluta" in page
    with httpx.Client(
        base_url=server.url, timeout=60
    ) as anyone:  # the link works without signing in
        choose_language(anyone, "en", "/login")
        ask = anyone.get(f"/ack/{token}")
        assert ask.status_code == 200 and 'id="ack-button"' in ask.text
        csrf = TOKEN.search(ask.text).group(1)
        done = anyone.post(
            f"/ack/{token}", data={"csrf_token": csrf}, headers={"Origin": server.url}
        )
        assert done.status_code == 200 and 'id="ack-done"' in done.text
        assert "All times: Chile time (UTC" in done.text  # the moment says whose clock
        assert anyone.get("/ack/not-a-real-token").status_code == 404
    with _signed_in(server) as c:
        page = c.get(f"/alerts/{alert_id}?lang=en").text
        assert 'class="delivery acknowledged"' in page
        assert "When (Chile time)" in page


def test_the_stop_link_of_an_alert_email_stops_it_without_signing_in(server) -> None:  # type: ignore[no-untyped-def]
    with server.db.session(readonly=True) as s:
        sub = s.scalars(
            select(Subscription).where(Subscription.channel == "email").order_by(Subscription.id)
        ).first()
        sub_id, token, target = sub.id, stop_token(s, sub), sub.target
    try:
        with httpx.Client(base_url=server.url, timeout=60) as anyone:
            ask = anyone.get(f"/stop/{token}?lang=es")
            assert ask.status_code == 200 and 'id="stop-button"' in ask.text
            assert f'<dd class="user-text">{target}</dd>' in ask.text
            assert "Esta dirección recibe las alertas de hito" in ask.text
            assert "Darme de baja" in ask.text
            csrf = TOKEN.search(ask.text).group(1)
            forged = anyone.post(
                f"/stop/{sub_id}-{token[-20:]}",
                data={"csrf_token": csrf},
                headers={"Origin": server.url},
            )
            assert forged.status_code == 404 and "no se reconoce" in forged.text
            no_csrf = anyone.post(f"/stop/{token}", headers={"Origin": server.url})
            assert no_csrf.status_code == 403
            with server.db.session(readonly=True) as s:
                assert s.get(Subscription, sub_id).active is True  # neither stopped it
            done = anyone.post(
                f"/stop/{token}", data={"csrf_token": csrf}, headers={"Origin": server.url}
            )
            assert done.status_code == 200 and 'id="stop-done"' in done.text
            assert "no recibirá más alertas de esta suscripción" in done.text
            again = anyone.get(f"/stop/{token}?lang=en")
            assert 'id="stop-done"' in again.text and "will receive no more alerts" in again.text
        with server.db.session(readonly=True) as s:
            assert s.get(Subscription, sub_id).active is False
    finally:
        with server.db.session() as s:
            s.get(Subscription, sub_id).active = True


def test_a_signed_in_user_marks_an_alert_seen_for_their_agency_not_for_others(server) -> None:  # type: ignore[no-untyped-def]
    with server.db.session() as s:
        d = s.scalars(
            select(Delivery)
            .join(Subscription, Delivery.subscription_id == Subscription.id)
            .where(Subscription.label == "guardia PDI Chacalluta")
            .order_by(Delivery.id.desc())
        ).first()
        alert_id, pdi_id = d.alert_id, d.id
        same = list(s.scalars(select(Delivery).where(Delivery.alert_id == alert_id)))
        kept = {x.id: (x.status, x.acknowledged_at) for x in same}
        d.status, d.acknowledged_at = "sent", None
    try:
        with _signed_in(server, "migraciones") as other:  # Peru's editor: their own agency's only
            page = other.get(f"/alerts/{alert_id}?lang=es").text
            csrf = TOKEN.search(page).group(1)
            r = other.post(
                f"/alerts/{alert_id}/seen",
                data={"csrf_token": csrf},
                headers={"Origin": server.url},
            )
            assert r.status_code == 303
        with server.db.session(readonly=True) as s:
            assert s.get(Delivery, pdi_id).acknowledged_at is None  # PDI's message: not theirs
        with _signed_in(server, "pdi") as c:
            page = c.get(f"/alerts/{alert_id}?lang=es").text
            assert 'id="seen-button"' in page and "He visto esta alerta" in page
            assert "1 mensaje de esta alerta para usted o su organismo no se ha marcado" in page
            csrf = TOKEN.search(page).group(1)
            no_csrf = c.post(f"/alerts/{alert_id}/seen", headers={"Origin": server.url})
            assert no_csrf.status_code == 403
            r = c.post(
                f"/alerts/{alert_id}/seen",
                data={"csrf_token": csrf},
                headers={"Origin": server.url},
            )
            assert r.status_code == 303 and r.headers["location"] == f"/alerts/{alert_id}"
            after = c.get(f"/alerts/{alert_id}?lang=es").text
            assert 'id="seen-button"' not in after
        with server.db.session(readonly=True, snapshot=True) as s:
            seen = s.get(Delivery, pdi_id)
            assert seen.status == "acknowledged" and seen.acknowledged_at is not None
            rows, _n = logread.entries(s, resource=f"alert:{alert_id}")
            assert any(e.action == "alert.acknowledge" and e.actor == "pdi" for e in rows)
    finally:
        with server.db.session() as s:
            for did, (status, at) in kept.items():
                row = s.get(Delivery, did)
                row.status, row.acknowledged_at = status, at


@contextmanager
def _newest_delivery_as(server, **values: object) -> Iterator[tuple[int, int]]:  # type: ignore[no-untyped-def]
    """The newest delivery with some of its columns changed; (its id, its alert's id).

    The server is shared by the module's tests: the columns are put back afterwards.
    """
    from sqlalchemy import update

    with server.db.session() as s:
        d = s.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
        kept = {k: getattr(d, k) for k in values}
        ids = (d.id, d.alert_id)
        s.execute(update(Delivery).where(Delivery.id == d.id).values(**values))
    try:
        yield ids
    finally:
        with server.db.session() as s:
            s.execute(update(Delivery).where(Delivery.id == ids[0]).values(**kept))


def test_a_delivery_to_a_stopped_subscription_reads_as_stopped_in_the_readers_language(
    server,
) -> None:  # type: ignore[no-untyped-def]
    from hito.errors import keep
    from hito.store.deliveries import STOPPED_REASON

    stopped = {"status": "stopped", "last_error": keep(STOPPED_REASON), "attempts": 1}
    with _newest_delivery_as(server, **stopped) as (_id, alert_id), _signed_in(server) as c:
        row = re.search(
            r'<tr class="delivery stopped">(?:(?!</tr>).)*</tr>',
            c.get(f"/alerts/{alert_id}?lang=es").text,
            re.S,
        )
        assert row and "no enviada: la suscripción se dio de baja" in row[0], row
        assert STOPPED_REASON.say("es") not in row[0] and "fallida" not in row[0]
        english = c.get(f"/alerts/{alert_id}?lang=en").text
        assert "not sent: the subscription was stopped" in english


def test_a_user_subscribes_from_the_dashboard_and_sees_the_webhook_secret_once(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        choose_language(c, "en")
        page = c.get("/subscriptions")
        assert page.status_code == 200 and 'id="sub-form"' in page.text
        csrf = TOKEN.search(page.text).group(1)
        form = {
            "csrf_token": csrf,
            "label": "guardia nocturna",
            "channel": "webhook",
            "target": "https://ops.pdi.example/hito",
            "severities": ["critical"],
            "language": "es",
            "for_agency": "1",
        }
        made = c.post("/subscriptions", data=form, headers={"Origin": server.url})
        assert made.status_code == 200, made.text
        secret = re.search(r'<code id="secret">(whsec_[^<]+)</code>', made.text).group(1)
        assert "guardia nocturna" in made.text and "my agency" in made.text
        again = c.get("/subscriptions?lang=en").text
        assert secret not in again and "guardia nocturna" in again  # the secret is shown once
        bad = c.post(
            "/subscriptions", data={**form, "target": "nowhere"}, headers={"Origin": server.url}
        )
        assert (
            bad.status_code == 422
            and "expected an http(s) URL" in bad.text
            and 'value="nowhere"' in bad.text
            and "E-mail address or webhook URL: expected an http(s) URL" in bad.text
        )
        sub_id = re.search(r'action="/subscriptions/(\d+)/stop"', again).group(1)
        stop = c.post(
            f"/subscriptions/{sub_id}/stop",
            data={"csrf_token": csrf},
            headers={"Origin": server.url},
        )
        assert stop.status_code == 303
        assert f'action="/subscriptions/{sub_id}/stop"' not in c.get("/subscriptions").text
        choose_language(c, "es", "/subscriptions")
        es = c.get("/subscriptions").text  # the agency's subscription, stopped, in Spanish
        assert '">mi organismo</td>' in es and "<td>dada de baja</td>" in es
        assert "agencia" not in es
        bad = c.post(  # the page is in Spanish now (chosen): so are the form's problems
            "/subscriptions",
            data={**form, "target": "nowhere", "label": "x" * 201},
            headers={"Origin": server.url},
        )
        assert bad.status_code == 422
        assert (
            "se esperaba una URL http(s) como https://ejemplo.org/hooks/hito; "
            "se recibió &#39;nowhere&#39;" in bad.text
        )
        assert "se esperaban como máximo 200 caracteres; se recibieron 201" in bad.text
        assert "expected" not in bad.text
        # each problem after the form's own label, not the API's path (body.target)
        assert "Correo o URL del webhook: se esperaba una URL" in bad.text
        assert "body." not in bad.text
    with _signed_in(server, "admin") as c:  # an admin sees every agency's: by its name
        row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*guardia nocturna(?:(?!</tr>).)*</tr>",
                        c.get("/subscriptions?lang=en").text, re.S)  # fmt: skip
        assert row and "my agency" not in row[0], row
        assert ">Policía de Investigaciones de Chile (PDI)<" in row[0], row[0]


def test_an_editor_of_the_shelters_country_updates_its_registry_from_its_page(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        choose_language(c, "en")
        page = c.get("/sites/arica-shelters").text
        assert 'id="shelter-registry"' in page
        csrf = TOKEN.search(page).group(1)
        form = {
            "csrf_token": csrf,
            "capacity_people": "180",
            "area_m2": "630",
            "water_points": "2",
            "toilets": "9",
            "status": "open",
        }
        saved = c.post("/sites/arica-shelters/shelter", data=form, headers={"Origin": server.url})
        assert saved.status_code == 303
        assert "of 180 places" in c.get("/sites/arica-shelters?lang=en").text
        bad = c.post(
            "/sites/arica-shelters/shelter",
            data={**form, "toilets": "-2"},
            headers={"Origin": server.url},
        )
        assert (
            bad.status_code == 422
            and "Toilets: Write a whole number of 0 or more. (-2)" in bad.text
        )
        # the site's page again, its form holding what was typed, the problem beside it
        assert "<h1" in bad.text and 'id="shelter-registry"' in bad.text
        assert 'name="toilets" inputmode="numeric" pattern="[0-9]*" value="-2"' in bad.text
        assert 'name="area_m2" inputmode="decimal" required value="630"' in bad.text
        for field, typed, words in (  # each was a server error or stored as it came
            ("capacity_people", "9" * 20, "Places (people): 99999999999999999999 is more than"),
            ("capacity_people", "²", "Places (people): Write a whole number of 0 or more. (²)"),
            ("area_m2", "nan", "Covered area (m²): Write a number of 0 or more. (nan)"),
            ("area_m2", "inf", "Covered area (m²): Write a number of 0 or more. (inf)"),
            ("toilets", "100001", "Toilets: 100001 is more than 100,000: check the number."),
        ):
            bad = c.post(
                "/sites/arica-shelters/shelter?lang=en",
                data={**form, field: typed},
                headers={"Origin": server.url},
            )
            assert bad.status_code == 422 and words in bad.text, (field, typed, bad.text)
        tampered = c.post(  # a status the form does not offer: said in Spanish, by its label
            "/sites/arica-shelters/shelter?lang=es",
            data={**form, "status": "abierto"},
            headers={"Origin": server.url},
        )
        assert tampered.status_code == 422
        assert (
            "Estado: se recibió &#39;abierto&#39;; se esperaba uno de: open, full, closed"
            in tampered.text
        ), tampered.text
        assert "body." not in tampered.text
        assert "of 180 places" in c.get("/sites/arica-shelters?lang=en").text  # none was saved
        decimal = c.post(  # an area with a decimal keeps it when the page shows it again
            "/sites/arica-shelters/shelter",
            data={**form, "area_m2": "630,5"},
            headers={"Origin": server.url},
        )
        assert decimal.status_code == 303
        assert (
            'name="area_m2" inputmode="decimal" required value="630,5"'
            in c.get("/sites/arica-shelters?lang=es").text
        )
        assert (
            'name="area_m2" inputmode="decimal" required value="630.5"'
            in c.get("/sites/arica-shelters?lang=en").text
        )
        assert 'id="shelter-registry"' not in c.get("/sites/concordia-strip").text  # not a shelter
        c.post(
            "/sites/arica-shelters/shelter",
            data={
                **form,
                "capacity_people": "150",
                "area_m2": "420",
                "water_points": "1",
                "toilets": "6",
            },
            headers={"Origin": server.url},
        )
    with httpx.Client(
        base_url=server.url, timeout=60
    ) as c:  # an editor of Peru sees no form for Chile's shelter
        token = TOKEN.search(c.get("/login").text).group(1)
        c.post(
            "/login",
            data={
                "username": "migraciones",
                "password": PASSWORD,
                "next": "/",
                "csrf_token": token,
            },
            headers={"Origin": server.url},
        )
        page = c.get("/sites/arica-shelters").text
        assert 'id="shelter-registry"' not in page
        csrf = TOKEN.search(page).group(1)
        r = c.post(
            "/sites/arica-shelters/shelter",
            data={"csrf_token": csrf, "capacity_people": "1", "area_m2": "1"},
            headers={"Origin": server.url},
        )
        assert r.status_code == 422, r.text
        problem = re.search(r'id="shelter-problem">([^<]*)<', r.text)
        assert problem, r.text  # in words: the site's and countries' names, not ids and codes
        assert problem[1] == (
            "Este albergue (Albergues municipales y de iglesias, Arica) está en Chile: solo un "
            "organismo o un administrador de Chile (o el operador del servicio) puede "
            "registrarlo, y el suyo es de Perú."
        ), problem[1]
        english = c.post(
            "/sites/arica-shelters/shelter?lang=en",
            data={"csrf_token": csrf, "capacity_people": "1", "area_m2": "1"},
            headers={"Origin": server.url},
        ).text
        assert (
            "This shelter (Municipal and church shelters, Arica) is in Chile: only an agency or "
            "an administrator of Chile (or the service&#39;s operator) may register it, and "
            "yours is of Peru."
        ) in english, english
        for words in ("arica-shelters&#39;", "CHL", "PER"):
            assert words not in problem[1] and words not in english.split('id="shelter-problem"')[1]


def test_a_blank_shelter_form_is_refused_beside_its_fields_not_saved_as_zeros(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server) as c:
        choose_language(c, "en")
        page = c.get("/sites/arica-shelters").text
        csrf = TOKEN.search(page).group(1)
        blank = {"csrf_token": csrf, "capacity_people": "", "area_m2": " ", "status": "open"}
        bad = c.post("/sites/arica-shelters/shelter", data=blank, headers={"Origin": server.url})
        assert bad.status_code == 422
        for name, words in (
            ("capacity_people", "Places (people): Write the number; it is needed."),
            ("area_m2", "Covered area (m²): Write the number; it is needed."),
        ):
            assert f'id="shelter-{name}-problem">{words}</p>' in bad.text, (name, bad.text)
            assert f'aria-describedby="shelter-{name}-problem"' in bad.text
        assert 'name="capacity_people" inputmode="numeric" pattern="[0-9]*" required value=""' in (
            bad.text
        )
        assert "of 150 places" in c.get("/sites/arica-shelters?lang=en").text  # nothing saved
        kept = c.post(  # one blank required field: what was typed stays, the blank is refused
            "/sites/arica-shelters/shelter?lang=es",
            data={**blank, "capacity_people": "170", "toilets": "7"},
            headers={"Origin": server.url},
        )
        assert kept.status_code == 422
        assert (
            'name="capacity_people" inputmode="numeric" pattern="[0-9]*" required value="170"'
            in (kept.text)
        )
        assert 'name="toilets" inputmode="numeric" pattern="[0-9]*" value="7"' in kept.text
        assert 'id="shelter-capacity_people-problem"' not in kept.text
        assert 'id="shelter-area_m2-problem">Superficie cubierta (m²): ' in kept.text, kept.text
        unknown = c.post(  # water points and toilets left blank: not known, the stored ones stay
            "/sites/arica-shelters/shelter",
            data={**blank, "capacity_people": "160", "area_m2": "420"},
            headers={"Origin": server.url},
        )
        assert unknown.status_code == 303, unknown.text
        page = c.get("/sites/arica-shelters?lang=en").text
        assert "of 160 places" in page
        assert 'name="water_points" inputmode="numeric" pattern="[0-9]*" value="1"' in page
        assert 'name="toilets" inputmode="numeric" pattern="[0-9]*" value="6"' in page
        c.post(
            "/sites/arica-shelters/shelter",
            data={**blank, "capacity_people": "150", "area_m2": "420"},
            headers={"Origin": server.url},
        )


def test_the_site_page_shows_who_the_newest_count_found(server) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from hito.counts import Count
    from hito.store.actors import SYSTEM
    from hito.store.reports import create_report

    six = {
        "f_children": 20,
        "f_adults": 40,
        "f_older": 5,
        "m_children": 25,
        "m_adults": 30,
        "m_older": 0,
    }
    with server.db.session() as s:
        create_report(
            s,
            actor=SYSTEM,
            site_id="pisiga",
            agency_id=1,
            observed_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=5),
            counts=[
                Count(
                    nationality="VEN",
                    documented=False,
                    people_low=100,
                    people_high=150,
                    stranded=60,
                    **six,
                    unaccompanied_separated=3,
                )
            ],
        )
    with _signed_in(server) as c:
        page = c.get("/sites/pisiga?lang=en").text
    assert 'id="site-profile"' in page and "is an estimate" in page
    assert '<td class="n">40</td>' in page and "unaccompanied or separated children: 3" in page


def test_a_failed_deliverys_reason_reads_in_the_readers_language(server) -> None:  # type: ignore[no-untyped-def]
    """Why a message failed is said in Spanish to a Spanish reader; an older row's English
    words are marked as English."""
    from hito.errors import Plural, Problem, keep

    why = Plural(
        "after %(attempts)s attempt: %(error)s",
        "after %(attempts)s attempts: %(error)s",
        6,
        attempts=6,
        error=Problem(
            "%(url)s answered %(status)s: %(text)s",
            url="https://hooks.example.org/in",
            status=503,
            text="busy",
        ),
    )
    failed = {"status": "failed", "last_error": keep(why), "attempts": 6}
    with (
        _newest_delivery_as(server, **failed) as (_id, alert_id),
        _signed_in(server, "admin") as c,
    ):
        page = c.get(f"/alerts/{alert_id}?lang=es").text
        assert (
            '<small class="muted" lang="es">tras 6 intentos: https://hooks.example.org/in '
            "respondió 503: busy</small>"
        ) in page
        english = c.get(f"/alerts/{alert_id}?lang=en").text
        assert (
            '<small class="muted" lang="en">after 6 attempts: https://hooks.example.org/in '
            "answered 503: busy</small>"
        ) in english
    # a row kept before reasons were said in any language: its English words, marked so
    older = {**failed, "last_error": "after 6 attempts: SMTP 127.0.0.1:25: refused"}
    with (
        _newest_delivery_as(server, **older) as (_id, alert_id),
        _signed_in(server, "admin") as c,
    ):
        assert (
            '<small class="muted" lang="en">after 6 attempts: SMTP 127.0.0.1:25: refused</small>'
        ) in c.get(f"/alerts/{alert_id}?lang=es").text


def test_a_failed_forecasts_reason_from_hito_reads_in_spanish(server) -> None:  # type: ignore[no-untyped-def]
    """hito's own reason is said in the visitor's language, with no English detail."""
    from hito.errors import Problem, keep
    from hito.store.actors import SYSTEM
    from hito.store.forecasts import create_forecast

    with server.db.session() as s:
        row = create_forecast(s, actor=SYSTEM, scenario="tacna-arica-2025", as_of=None)
        row.status = "failed"
        row.error = keep(
            Problem(
                "as_of: got %(as_of)s, expected a date from %(start)s (the scenario's start)",
                as_of="2020-01-01",
                start="2025-11-22",
            )
        )
        forecast_id = row.id
    with _signed_in(server, "admin") as c:
        es = c.get(f"/forecasts/{forecast_id}?lang=es").text
        en = c.get(f"/forecasts/{forecast_id}?lang=en").text
    assert (
        "El pronóstico falló. as_of: se recibió 2020-01-01; se esperaba una fecha a partir de "
        "2025-11-22 (el inicio del escenario)"
    ) in es
    assert 'id="forecast-detail"' not in es
    assert (
        "The forecast failed. as_of: got 2020-01-01, expected a date from 2025-11-22 "
        "(the scenario&#39;s start)"
    ) in en


def test_a_forecast_from_before_the_scenarios_start_is_refused_with_its_day(server) -> None:  # type: ignore[no-untyped-def]
    """The store's check of the scenario's start, said on the page with the day in Spanish."""
    from sqlalchemy import func

    from hito.store.models import Forecast

    with server.db.session(readonly=True) as s:
        before = s.scalar(select(func.count()).select_from(Forecast))
    with _signed_in(server) as c:
        token = TOKEN.search(c.get("/?lang=es").text).group(1)  # type: ignore[union-attr]
        r = c.post(
            "/forecasts?lang=es",
            data={"csrf_token": token, "as_of": "2020-01-01", "next": "/"},
            headers={"Origin": server.url},
        )
    assert r.status_code == 422
    assert "El escenario empieza el 22 nov 2025: elija ese día o uno posterior." in r.text
    with server.db.session(readonly=True) as s:
        assert s.scalar(select(func.count()).select_from(Forecast)) == before


def test_a_peruvian_admin_is_not_offered_a_chilean_shelters_registry(server) -> None:  # type: ignore[no-untyped-def]
    """Arica's shelters are Chile's: its admin sees the registry's form, Peru's does not."""
    country_admin(server, "admin_chile", "pdi")
    country_admin(server, "admin_peru", "migraciones")
    with _signed_in(server, "admin_chile") as c:
        assert 'id="shelter-registry"' in c.get("/sites/arica-shelters").text
    with _signed_in(server, "admin_peru") as c:
        page = c.get("/sites/arica-shelters").text
        assert 'id="shelter-registry"' not in page
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert csrf
        r = c.post(  # posted anyway: refused in words
            "/sites/arica-shelters/shelter?lang=en",
            data={"csrf_token": csrf[1], "capacity_people": "1", "area_m2": "1"},
            headers={"Origin": server.url},
        )
        assert r.status_code == 422
        assert "is in Chile: only an agency or an administrator of Chile" in r.text


def test_after_i_have_seen_this_alert_the_page_says_when_it_was_marked_seen(server) -> None:  # type: ignore[no-untyped-def]
    """A Chilean coordinator pressed "He visto esta alerta": the button went away and nothing
    said what happened. The page says now that it is marked seen for them, and when."""
    with server.db.session() as s:
        d = s.scalars(
            select(Delivery)
            .join(Subscription, Delivery.subscription_id == Subscription.id)
            .where(Subscription.label == "guardia PDI Chacalluta")
            .order_by(Delivery.id)
        ).first()
        alert_id = d.alert_id
        same = list(s.scalars(select(Delivery).where(Delivery.alert_id == alert_id)))
        kept = {x.id: (x.status, x.acknowledged_at) for x in same}
        for x in same:
            x.status, x.acknowledged_at = "sent", None
    try:
        with _signed_in(server, "pdi") as c:
            before = c.get(f"/alerts/{alert_id}?lang=es").text
            assert 'id="seen-note"' not in before and 'id="seen-button"' in before
            r = c.post(
                f"/alerts/{alert_id}/seen",
                data={"csrf_token": TOKEN.search(before).group(1)},
                headers={"Origin": server.url},
            )
            assert r.status_code == 303
            es = c.get(f"/alerts/{alert_id}?lang=es").text
            en = c.get(f"/alerts/{alert_id}?lang=en").text
        note = re.search(r'<p class="notice" role="status" id="seen-note">(.*?)</p>', es)
        assert note is not None and re.fullmatch(
            r"Marcada como vista para usted o su organismo: \d+ \w+ \d{4}, \d\d:\d\d \(hora de Chile\)\.",
            note.group(1),
        ), note
        assert "Marked as seen for you or your agency: " in en and "(Chile time)." in en
        with _signed_in(server, "migraciones") as other:  # Peru's reader: not their message
            assert 'id="seen-note"' not in other.get(f"/alerts/{alert_id}").text
    finally:
        with server.db.session() as s:
            for did, (status, at) in kept.items():
                row = s.get(Delivery, did)
                row.status, row.acknowledged_at = status, at


def test_an_alerts_severity_reads_as_what_the_alert_is_in_spanish(server) -> None:  # type: ignore[no-untyped-def]
    """ "· advertencia" beside "crítica" elsewhere: a noun and an adjective for two levels of one
    scale. The alert page says the level of the alert ("alerta preventiva"), in English too."""
    with server.db.session(readonly=True) as s:
        alert = s.scalars(select(Alert).order_by(Alert.id)).first()
        assert alert is not None
        alert_id, level = alert.id, alert.severity
    spanish = {"info": "informativa", "warning": "preventiva", "critical": "crítica"}[level]
    with _signed_in(server) as c:
        es = c.get(f"/alerts/{alert_id}?lang=es").text
        en = c.get(f"/alerts/{alert_id}?lang=en").text
    line = re.compile(r'<p class="muted">[^<]*· ([^<]*)</p>')
    assert line.search(es).group(1) == f"alerta {spanish}"  # type: ignore[union-attr]
    english = {"info": "information", "warning": "warning", "critical": "critical"}[level]
    assert line.search(en).group(1) == f"severity: {english}"  # type: ignore[union-attr]


def test_a_forecast_started_from_the_site_page_runs_and_its_page_shows_it_done(server) -> None:  # type: ignore[no-untyped-def]
    """The dashboard's button: queued, then computed in a thread of the server's runner (one at
    a time in the process), the status page polled until it is done."""
    import time

    with _signed_in(server) as c:
        choose_language(c, "en")
        page = c.get("/sites/concordia-strip").text
        assert 'id="forecast-form"' in page
        r = c.post(
            "/forecasts",
            data={
                "csrf_token": TOKEN.search(page).group(1),  # type: ignore[union-attr]
                "as_of": "2025-12-02",
                "next": "/sites/concordia-strip",
            },
            headers={"Origin": server.url},
        )
        assert r.status_code == 303, r.text
        status = r.headers["location"]
        assert status.startswith("/forecasts/")
        try:
            for _ in range(600):
                shown = c.get(status).text
                if 'id="forecast-done"' in shown or 'id="forecast-failed"' in shown:
                    break
                time.sleep(0.2)
            assert 'id="forecast-done"' in shown, shown
            assert "from the counts of Dec 2, 2025: 20 runs over 60 days." in shown
        finally:  # the server is shared: its newest forecast stays the demo's for other tests
            from sqlalchemy import delete

            from hito.store.models import Forecast

            fid = int(status.split("?")[0].rsplit("/", 1)[1])
            for _ in range(600):  # once its thread has written its end
                with server.db.session(readonly=True) as s:
                    row = s.get(Forecast, fid)
                    if row is None or row.status not in ("queued", "running"):
                        break
                time.sleep(0.2)
            with server.db.session() as s:
                s.execute(delete(Forecast).where(Forecast.id == fid))


def test_a_queued_forecasts_page_says_the_server_computes_one_at_a_time(server) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import delete

    from hito.store.actors import SYSTEM
    from hito.store.forecasts import create_forecast
    from hito.store.models import Forecast

    with server.db.session() as s:
        fid = create_forecast(s, actor=SYSTEM, scenario="tacna-arica-2025", as_of=None).id
    try:
        with _signed_in(server, "admin") as c:
            es = c.get(f"/forecasts/{fid}?lang=es").text
        assert "Esperando para comenzar: el servidor calcula un pronóstico a la vez…" in es
    finally:  # the server is shared: no forecast left queued for other tests
        with server.db.session() as s:
            s.execute(delete(Forecast).where(Forecast.id == fid))
