"""Correct or withdraw a field report from the dashboard: its agency's editors and admins only."""

from __future__ import annotations

import datetime as dt
import re

import httpx
from playwright.sync_api import expect
from sqlalchemy import select

from hito.store.actors import SYSTEM
from hito.store.figures import daily_figures
from hito.store.models import Agency, FieldReport
from hito.store.reports import CountIn, create_report
from hito.web.situation import latest
from web.conftest import PASSWORD

from .test_guard import _signed_in
from .test_reporting import country_admin

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
SITE = "concordia-strip"  # between the posts: both countries report there
DAY = dt.date(2020, 3, 2)  # before the demo's counts: the site page of that day shows these first


def _report(server, agency: str, people: int, stranded: int, hour: int = 15) -> int:  # type: ignore[no-untyped-def]
    """A report of an agency at the strip on DAY (15:00 UTC: 12:00 in Chile's summer time)."""
    with server.db.session() as s:
        agency_id = s.scalar(select(Agency.id).where(Agency.code == agency))
        row, _new = create_report(
            s,
            actor=SYSTEM,
            site_id=SITE,
            observed_at=dt.datetime(DAY.year, DAY.month, DAY.day, hour, tzinfo=dt.UTC),
            agency_id=agency_id,
            counts=[CountIn(nationality="XXX", documented=False, people=people, stranded=stranded)],
            remark="conteo de prueba",
        )
        return int(row.id)


def _value(page: str, name: str) -> str:
    """The value an input of the page holds."""
    found = re.search(rf'<input[^>]* name="{name}"[^>]*? value="([^"]*)"', page) or re.search(
        rf'<input name="{name}"[^>]*? value="([^"]*)"', page
    )
    assert found, (name, page)
    return found[1]


def _page(c: httpx.Client, lang: str = "en") -> str:
    return c.get(f"/sites/{SITE}?as_of={DAY.isoformat()}&lang={lang}").text


def _row(page: str, report_id: int) -> str:
    found = re.search(rf'<tr id="report-{report_id}"(?:(?!</tr>).)*</tr>', page, re.S)
    assert found, page
    return found[0]


def _figure(server, agency: str) -> int:  # type: ignore[no-untyped-def]
    """The agency's count in the day's stranded figure at the strip (its latest that stands)."""
    with server.db.session(readonly=True) as s:
        agency_id = s.scalar(select(Agency.id).where(Agency.code == agency))
        return daily_figures(s, site_ids=[SITE], until=DAY)[SITE][DAY].by_agency[agency_id]


def test_an_editor_corrects_their_agencys_report_from_the_form_filled_with_it(server) -> None:  # type: ignore[no-untyped-def]
    first = _report(server, "pdi", 40, 25)
    with _signed_in(server, "pdi") as c:
        row = _row(_page(c), first)
        assert f'href="/reports/{first}/correct">Correct<' in row
        assert f'href="/reports/{first}/withdraw">Withdraw<' in row
        site_page = _page(c, "es")
        assert '<h2 id="h-history">Historial de estado (hora de Chile)</h2>' in site_page
        es = _row(site_page, first)
        assert ">Corregir<" in es and ">Retirar<" in es
        # each link says which report (a screen reader lists the links of every row)
        assert f'aria-label="Corregir el reporte {first}" href="/reports/{first}/correct"' in es
        assert f'aria-label="Retirar el reporte {first}" href="/reports/{first}/withdraw"' in es
        form = c.get(f"/reports/{first}/correct?lang=es")
        assert form.status_code == 200
        text = form.text
        assert f"<h1>Corregir el reporte {first}</h1>" in text
        assert f'action="/reports/{first}/correct"' in text
        assert (_value(text, "people-unspecified"), _value(text, "stranded-unspecified")) == (
            "40",
            "25",
        )
        assert _value(text, "people-ven-undocumented") == ""
        # the original's time on Chile's clock (UTC-3 in March), not the device's now
        assert (_value(text, "observed_at"), _value(text, "tz_offset")) == (
            "2020-03-02T12:00",
            "180",
        )
        assert ">conteo de prueba</textarea>" in text
        assert "outbox.js" not in text and 'name="idempotency_key"' not in text
        # the sentence about the original says whose clock its time is on
        assert re.search(
            r'<p id="correcting">[^<]*, contado el [^<(]+ \(hora de Chile\) por ', text
        )
        token = TOKEN.search(text).group(1)
        data = {
            "csrf_token": token,
            "site_id": SITE,
            "observed_at": "2020-03-02T12:00",
            "tz_offset": "180",
            "people-unspecified": "45",
            "stranded-unspecified": "30",
            "remark": "recuento",
        }
        blank = c.post(
            f"/reports/{first}/correct?lang=es", data=data, headers={"Origin": server.url}
        )
        assert blank.status_code == 422  # the reason is required, said beside it
        assert '<span class="field-error" id="err-reason">Diga por qué se corrige el reporte.</span>' in blank.text  # fmt: skip
        assert _value(blank.text, "people-unspecified") == "45"  # what was typed stays
        saved = c.post(
            f"/reports/{first}/correct",
            data={**data, "reason": "se contó dos veces un grupo", "site_id": "chacalluta"},
            headers={"Origin": server.url},
        )
        assert saved.status_code == 303
        with server.db.session(readonly=True) as s:
            new = s.scalar(select(FieldReport).where(FieldReport.supersedes_id == first))
            assert new is not None and not new.withdrawn
        # the site's page on the count's day (its newest reports are later ones), at the correction
        assert saved.headers["location"] == f"/sites/{SITE}?as_of=2020-03-02#report-{new.id}"
        with server.db.session(readonly=True) as s:
            new = s.get(FieldReport, new.id)
            assert (new.site_id, new.people, new.stranded) == (SITE, 45, 30)  # not the site sent
            assert (new.reason, new.remark) == ("se contó dos veces un grupo", "recuento")
            assert new.observed_at == dt.datetime(2020, 3, 2, 15, tzinfo=dt.UTC)
            original = s.get(FieldReport, first)
            assert original is not None and (original.people, original.stranded) == (40, 25)
        assert _figure(server, "pdi") == 30  # the figures use the correction
        page = _page(c)
        old = _row(page, first)
        assert f"corrected by report {new.id}" in old and "<s>25</s>" in old
        assert "/correct" not in old and "/withdraw" not in old  # the correction is what is changed
        fixed = _row(page, new.id)
        assert f"corrects report {first}" in fixed and "se contó dos veces un grupo" in fixed
        assert f'href="/reports/{new.id}/correct"' in fixed
        again = c.get(f"/reports/{first}/correct?lang=en")
        assert again.status_code == 409
        assert f"This report was already corrected or withdrawn by report {new.id}." in again.text
        resent = c.post(
            f"/reports/{first}/correct",
            data={**data, "reason": "otra vez"},
            headers={"Origin": server.url},
        )
        assert resent.status_code == 409


def test_an_editor_withdraws_a_report_with_a_reason_and_a_confirmation(server) -> None:  # type: ignore[no-untyped-def]
    earlier = _report(server, "migraciones", 10, 8, hour=20)  # the day's newest counts
    later = _report(server, "migraciones", 60, 50, hour=21)
    with _signed_in(server, "migraciones") as c:
        page = c.get(f"/reports/{later}/withdraw?lang=es")
        assert page.status_code == 200
        assert f"<h1>Retirar el reporte {later}</h1>" in page.text
        assert "60 personas presentes, 50 varadas." in page.text
        said = re.search(r'<p id="withdrawing">(.*?)</p>', page.text, re.S).group(1)
        assert re.search(r"contado el [^(]+ \(hora del Perú\) por ", said), said  # her clock
        token = TOKEN.search(page.text).group(1)
        unconfirmed = c.post(
            f"/reports/{later}/withdraw?lang=es",
            data={"csrf_token": token, "reason": "sitio equivocado"},
            headers={"Origin": server.url},
        )
        assert unconfirmed.status_code == 422
        assert 'id="err-confirm">Marque la casilla para confirmar el retiro.</span>' in unconfirmed.text  # fmt: skip
        assert ">sitio equivocado</textarea>" in unconfirmed.text
        reasonless = c.post(
            f"/reports/{later}/withdraw?lang=en",
            data={"csrf_token": token, "reason": "  ", "confirm": "yes"},
            headers={"Origin": server.url},
        )
        assert reasonless.status_code == 422
        assert 'id="err-reason">Say why the report is withdrawn.</span>' in reasonless.text
        assert _figure(server, "migraciones") == 50
        done = c.post(
            f"/reports/{later}/withdraw",
            data={"csrf_token": token, "reason": "sitio equivocado", "confirm": "yes"},
            headers={"Origin": server.url},
        )
        assert done.status_code == 303
        with server.db.session(readonly=True) as s:
            entry = s.scalar(select(FieldReport).where(FieldReport.supersedes_id == later))
            assert entry is not None and entry.withdrawn and entry.reason == "sitio equivocado"
        assert done.headers["location"] == f"/sites/{SITE}?as_of=2020-03-02#report-{entry.id}"
        shown = _page(c)
        assert f"withdrawn (entry {entry.id})" in _row(shown, later)
        gone = _row(shown, entry.id)
        assert f"withdraws report {later}" in gone and "/correct" not in gone
        assert "/withdraw" not in gone
        assert f'href="/reports/{earlier}/withdraw"' in _row(shown, earlier)
        assert _figure(server, "migraciones") == 8  # withdrawn: the earlier count stands
        with server.db.session(readonly=True) as s:  # and the site's newest count is that one
            newest = latest(s, SITE, DAY)
            assert newest is not None and (newest.id, newest.stranded) == (earlier, 8)


def test_other_users_see_no_actions_and_are_refused_if_they_post(server) -> None:  # type: ignore[no-untyped-def]
    report = _report(server, "pdi", 70, 5, hour=16)
    for username in ("migraciones", "observador"):  # the other agency's editor, a viewer
        with _signed_in(server, username) as c:
            row = _row(_page(c), report)
            assert "/correct" not in row and "/withdraw" not in row, username
            token = TOKEN.search(_page(c)).group(1)
            for path in (f"/reports/{report}/correct", f"/reports/{report}/withdraw"):
                asked = c.get(path + "?lang=en")
                assert asked.status_code == 403, (username, path)
                assert (
                    "Only an editor of the agency that sent this report, or an administrator of "
                    "its country, may correct or withdraw it."
                ) in asked.text
                posted = c.post(
                    path,
                    data={
                        "csrf_token": token,
                        "reason": "no es mío",
                        "confirm": "yes",
                        "observed_at": "2020-03-02T13:00",
                        "people-unspecified": "1",
                    },
                    headers={"Origin": server.url},
                )
                assert posted.status_code == 403, (username, path)
    with _signed_in(server, "pdi") as c:  # its own agency's editor, without the CSRF token
        forged = c.post(
            f"/reports/{report}/withdraw",
            data={"reason": "x", "confirm": "yes"},
            headers={"Origin": server.url},
        )
        assert forged.status_code == 403
        elsewhere = c.post(  # nor from another site's page
            f"/reports/{report}/withdraw",
            data={"csrf_token": TOKEN.search(_page(c)).group(1), "reason": "x", "confirm": "yes"},
            headers={"Origin": "https://evil.example"},
        )
        assert elsewhere.status_code == 403
    with _signed_in(server, "admin") as c:  # an admin may change any agency's report
        assert f'href="/reports/{report}/correct"' in _row(_page(c), report)
        assert c.get(f"/reports/{report}/correct").status_code == 200
    with httpx.Client(base_url=server.url, timeout=60) as c:  # signed out: the login page
        assert c.get(f"/reports/{report}/correct").status_code in (303, 307)
    with server.db.session(readonly=True) as s:
        assert s.scalar(select(FieldReport.id).where(FieldReport.supersedes_id == report)) is None


def test_a_missing_report_is_not_found(server) -> None:  # type: ignore[no-untyped-def]
    with _signed_in(server, "admin") as c:
        r = c.get("/reports/987654/correct?lang=en")
        assert r.status_code == 404 and "There is no report 987654." in r.text


def test_correcting_fits_a_phone(phone, server) -> None:  # type: ignore[no-untyped-def]
    report = _report(server, "pdi", 33, 11, hour=17)
    page = phone.page
    page.goto(f"/sites/{SITE}?as_of={DAY.isoformat()}")
    page.fill("input[name=username]", "pdi")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():  # signed in before the next address is asked for
        page.click("form.stack button[type=submit]")
    page.goto(f"/sites/{SITE}?as_of={DAY.isoformat()}")
    wide = "document.documentElement.scrollWidth - window.innerWidth"
    assert page.evaluate(wide) <= 0
    page.click(f"#report-{report} a[href$='/correct']")
    expect(page.locator("h1")).to_have_text(f"Corregir el reporte {report}")
    assert page.evaluate(wide) <= 0
    expect(page.locator("#people-unspecified")).to_have_value("33")
    expect(page.locator("#observed_at")).to_have_value("2020-03-02T14:00")  # not the phone's now
    page.fill("#stranded-unspecified", "12")
    page.fill("#reason", "faltaba un grupo")
    page.click("#report-form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/sites/{SITE}\?as_of=2020-03-02#report-\d+$"))
    with server.db.session(readonly=True) as s:
        new = s.scalar(select(FieldReport).where(FieldReport.supersedes_id == report))
        assert new is not None and (new.people, new.stranded) == (33, 12)
        assert new.observed_at == dt.datetime(2020, 3, 2, 17, tzinfo=dt.UTC)
    page.goto(f"/sites/{SITE}?as_of={DAY.isoformat()}")
    page.click(f"#report-{new.id} a[href$='/withdraw']")
    assert page.evaluate(wide) <= 0
    page.fill("#reason", "duplicado")
    page.check("input[name=confirm]")
    page.click("#withdraw-form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/sites/{SITE}\?as_of=2020-03-02#report-\d+$"))
    with server.db.session(readonly=True) as s:
        gone = s.scalar(select(FieldReport).where(FieldReport.supersedes_id == new.id))
        assert gone is not None and gone.withdrawn and gone.reason == "duplicado"


def test_after_a_correction_the_site_page_is_of_the_day_that_shows_it() -> None:
    from hito.web.corrections import site_after

    day = dt.date(2025, 12, 4)  # the entry's day at its site (00:30 UTC on the 5th in Arica)
    today = dt.date(2025, 12, 9)  # the visitor's
    # an older count on a deployment showing today: its day
    shown = site_after("chacalluta", day, None, 10, today)
    assert shown == "/sites/chacalluta?as_of=2025-12-04#report-10"
    # a later count on a deployment showing an earlier day (the demo's 3 December): its day,
    # not the 3rd's page, where it is not listed
    shown = site_after("chacalluta", day, dt.date(2025, 12, 3), 10, today)
    assert shown == "/sites/chacalluta?as_of=2025-12-04#report-10"
    shown = site_after("chacalluta", day, dt.date(2025, 12, 4), 10, today)
    assert shown == "/sites/chacalluta#report-10"
    assert site_after("chacalluta", today, None, 11, today) == "/sites/chacalluta#report-11"
    # a day the visitor's has not reached (a clock ahead): never a day to come, their today
    assert site_after("x", dt.date(2025, 12, 10), dt.date(2025, 12, 3), 12, today) == (
        "/sites/x?as_of=2025-12-09#report-12"
    )


def test_chilean_admin_withdrawing_a_peruvian_report_is_refused(server) -> None:  # type: ignore[no-untyped-def]
    """An admin of Chile's PDI sees no actions on Migraciones' report, and is refused (403)."""
    country_admin(server, "admin_chile", "pdi")
    peru = _report(server, "migraciones", 30, 4, hour=17)
    chile = _report(server, "pdi", 31, 4, hour=18)
    with _signed_in(server, "admin_chile") as c:
        page = _page(c)
        assert "/withdraw" not in _row(page, peru)
        assert f'href="/reports/{chile}/withdraw"' in _row(page, chile)
        asked = c.get(f"/reports/{peru}/withdraw?lang=en")
        assert asked.status_code == 403
        assert (
            "Only an editor of the agency that sent this report, or an administrator of its "
            "country, may correct or withdraw it."
        ) in asked.text
        posted = c.post(
            f"/reports/{peru}/withdraw",
            data={"csrf_token": TOKEN.search(page).group(1), "reason": "no", "confirm": "yes"},
            headers={"Origin": server.url},
        )
        assert posted.status_code == 403
    with server.db.session(readonly=True) as s:
        assert s.scalar(select(FieldReport.id).where(FieldReport.supersedes_id == peru)) is None


def test_a_withdrawal_refused_for_its_missing_reason_keeps_the_ticked_confirmation(server) -> None:  # type: ignore[no-untyped-def]
    """The box the editor had ticked came back unticked with the "say why" message: input lost
    on an error. It stays ticked now; an unticked one stays unticked."""
    report = _report(server, "migraciones", 12, 9, hour=19)
    with _signed_in(server, "migraciones") as c:
        token = TOKEN.search(c.get(f"/reports/{report}/withdraw").text).group(1)
        ticked = c.post(
            f"/reports/{report}/withdraw",
            data={"csrf_token": token, "reason": " ", "confirm": "yes"},
            headers={"Origin": server.url},
        )
        unticked = c.post(
            f"/reports/{report}/withdraw",
            data={"csrf_token": token, "reason": " "},
            headers={"Origin": server.url},
        )
    box = re.compile(r'<input type="checkbox" name="confirm"[^>]*>')
    assert ticked.status_code == unticked.status_code == 422
    assert " checked " in box.search(ticked.text)[0]
    assert "checked" not in box.search(unticked.text)[0]


def test_the_correction_form_offers_only_the_reports_own_site(server) -> None:  # type: ignore[no-untyped-def]
    """The correction form offered "Elegir…" beside the report's site, a choice the server then
    ignored (a correction stays at its site). It offers the one site, chosen."""
    report = _report(server, "pdi", 14, 6, hour=14)
    with _signed_in(server, "pdi") as c:
        correcting = c.get(f"/reports/{report}/correct?lang=es").text
        new = c.get("/report?lang=es").text
    options = re.compile(r'<select name="site_id"[^>]*>(.*?)</select>', re.S)
    assert re.findall(r"<option[^>]*>[^<]*", options.search(correcting)[1]) == [
        f'<option value="{SITE}" selected>Franja entre Chacalluta y Santa Rosa'
    ]
    assert '<option value="">Elegir…' in options.search(new)[1]  # a new report still asks
