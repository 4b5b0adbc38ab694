"""A field report sent from the form: its checks, the sender's rights, and its store.

Shared by the form's page (`/report`) and the phone's offline outbox (`/report/send`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

from fastapi import Request

from hito import i18n, names
from hito.api.schemas.common import ROW_ID_MAX
from hito.domain import is_ident
from hito.report import places
from hito.store.actors import Actor
from hito.store.agencies import list_agencies
from hito.store.coltypes import utcnow
from hito.store.errors import ConflictError, ForbiddenError, StoreError
from hito.store.models import Site
from hito.store.report_checks import may_report_at
from hito.store.reports import create_report
from hito.store.sites import list_sites
from hito.web import forms
from hito.web.session import language, tr, zone


def form_context(request: Request, who: Actor | None = None) -> dict[str, Any]:
    """The form's sites, count rows (the scenario's groups) and agencies.

    An editor, or an admin of a country, is offered the sites they may report at (their
    country's and the strip between the posts), not the other country's, where the report
    would be refused; every site stays known to the form's check (`site_ids`), so a site sent
    anyway gets the service's reason. An admin of a country is offered its agencies only.
    """
    with request.app.state.db.session(readonly=True) as session:
        sites, _n = list_sites(session, limit=1000)
        agencies, _m = list_agencies(session, limit=1000)
    scenario = sites[0].scenario if sites else ""
    offered = [
        s
        for s in sites
        if who is None or who.role == "viewer" or may_report_at(who, s.kind, s.country_code)
    ]
    if who is not None and who.role == "admin":
        agencies = [a for a in agencies if who.may_act_in(a.country_code)]
    return {
        "sites": offered,
        "site_ids": [s.id for s in sites],
        "titles": places.titles(scenario),  # site id -> {es, en}: the names people read
        "rows": forms.groups(scenario),
        "agencies": agencies,
    }


def clock_values(request: Request, who: Actor | None, at: dt.datetime) -> dict[str, str]:
    """A moment as the form's fields: its time on the visitor's clock and that clock's offset.

    `tz_offset` is in minutes as JavaScript's getTimezoneOffset gives it (UTC−5 is 300): the
    form without JavaScript reads the visitor's zone (`session.zone`), not UTC.
    """
    local = i18n.local(at, zone(request, who))
    offset = local.utcoffset() or dt.timedelta(0)
    return {
        "observed_at": local.strftime("%Y-%m-%dT%H:%M"),
        "tz_offset": str(-int(offset.total_seconds() // 60)),
    }


async def form_data(request: Request) -> dict[str, str]:
    """The submitted form's fields as text."""
    data = await request.form()
    return {k: str(v) for k, v in data.items()}


async def checked(
    request: Request, who: Actor | None = None
) -> tuple[dict[str, str], forms.ReportForm, dict[str, Any]]:
    """The submitted fields, their check in the visitor's language, and the form's context."""
    data = await form_data(request)
    ctx = await asyncio.to_thread(form_context, request, who)
    form = forms.check(
        data,
        rows=ctx["rows"],
        site_ids=ctx["site_ids"],
        now=utcnow(),
        gettext=lambda m: tr(request, m),
        lang=language(request),
    )
    return data, form, ctx


def sender_agency(
    request: Request,
    who: Any,
    data: dict[str, str],
    form: forms.ReportForm,
    offered: list[Any] | None = None,
) -> int | None:
    """The agency an admin reports for; a viewer's report is refused (as a problem of the form).

    `offered`: the agencies the form offered (`form_context`); an admin of a country who sends
    another is told to choose one of theirs.
    """
    agency_id = None
    if who.role == "admin":
        text = data.get("agency_id", "")
        # an id a row can have (as the API's RowId), else a server error on lookup
        if text.isdecimal() and 1 <= int(text) <= ROW_ID_MAX:
            agency_id = int(text)
        else:
            form.errors["agency_id"] = tr(request, "Choose the agency you report for.")
        if (
            agency_id is not None
            and not who.operator
            and offered is not None
            and agency_id not in {a.id for a in offered}
        ):
            countries = names.countries(lambda m: tr(request, m))
            own = countries.get(who.country_code or "", who.country_code or "")
            form.errors["agency_id"] = tr(
                request,
                "An administrator of %(own)s reports for the agencies of %(own)s: choose one of "
                "them.",
            ) % {"own": own}
    if who.role == "viewer":
        form.errors["counts"] = tr(request, "A viewer cannot send reports; ask an editor.")
    return agency_id


def typed_by_another(who: Any, data: dict[str, str]) -> bool:
    """Whether a queued report was typed by another user than the one signed in now.

    The form carries `typed_by` (its user's name); a report that waited on a shared phone
    goes with its own author's session, never with whoever signed in after them.
    """
    typed_by = data.get("typed_by", "")
    return bool(typed_by) and typed_by != who.username


def store(
    request: Request, who: Any, form: forms.ReportForm, agency_id: int | None, key: str | None
) -> tuple[int, bool, dt.date]:
    """Store a checked report: its id, whether it is new (False: its key was sent before), its day.

    Its day is the local day at its site (`hito.domain.site_day`).
    """
    with request.app.state.db.session() as session:
        row, created = create_report(
            session,
            actor=who,
            site_id=form.values["site_id"],
            observed_at=form.observed_at,  # type: ignore[arg-type]
            counts=form.counts,
            agency_id=agency_id,
            idempotency_key=key,
            remark=form.values.get("remark", "").strip(),
            after=request.app.state.after_report,
        )
        return int(row.id), created, row.day


def refusal(
    request: Request, exc: StoreError, who: Any = None, form: forms.ReportForm | None = None
) -> str:
    """Why the store refused a report, for the form's field (the site's, or the counts')."""
    if isinstance(exc, ConflictError):
        return tr(
            request, "This form was sent before with other numbers: reload it for a new report."
        )
    if isinstance(exc, ForbiddenError) and who is not None and form is not None:
        said = elsewhere(request, form.values.get("site_id", ""), who)
        if said:
            return said
    return "; ".join(exc.in_language(language(request)))


def elsewhere(request: Request, site_id: str, who: Any) -> str:
    """Why a writer may not report at a site of the other country, in words ('' if they may).

    An editor, or an admin of a country; the operator reports anywhere.
    """
    if who.role == "viewer" or who.operator or not is_ident(site_id):  # no identifier: no site
        return ""
    with request.app.state.db.session(readonly=True) as session:
        site = session.get(Site, site_id)
    if site is None or may_report_at(who, site.kind, site.country_code):
        return ""
    said = site_words(request, site, who.country_code)
    if who.role == "admin":
        return (
            tr(
                request,
                "%(site)s is in %(country)s: an administrator of %(own)s reports at the sites of "
                "%(own)s and between the posts.",
            )
            % said
        )
    return (
        tr(
            request,
            "%(site)s is in %(country)s: an editor of an agency of %(own)s reports at the "
            "sites of %(own)s and between the posts.",
        )
        % said
    )


def site_words(request: Request, site: Site, own: str | None) -> dict[str, str]:
    """A site's name, its country's and the user's country's, in the reader's language."""
    countries = names.countries(lambda m: tr(request, m))
    title = places.titles(site.scenario).get(site.id)
    return {
        "site": i18n.localized(title, language(request), site.name),
        "country": countries.get(site.country_code, site.country_code),
        "own": countries.get(own or "", own or ""),
    }


def overview_after(
    report_id: int, report_day: dt.date, shown_day: dt.date | None, today: dt.date
) -> str:
    """Where a saved report sends the user: the overview, on the count's day if shown earlier.

    `report_day` is the count's day (the local day at its site), `today` the visitor's.
    `shown_day` is the deployment's date of the overview (`HITO_AS_OF`, a demo's); without one the
    overview shows today, which holds every count that may be saved.
    """
    # a count may be stamped up to minutes ahead of the server's clock: never a day to come
    # (a 400 page); `today` is already the border's latest day (`hito.domain.day_shown`)
    day = min(report_day, today)
    if shown_day is not None and day > shown_day:
        return f"/?as_of={day.isoformat()}&reported={report_id}"
    return f"/?reported={report_id}"
