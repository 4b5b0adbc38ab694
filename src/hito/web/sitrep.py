"""The situation report in OCHA's layout, one episode at a time; HTML and PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from markupsafe import Markup

from hito import i18n
from hito.needs import Standards
from hito.plans.model import Plan
from hito.report import forecast_view, outcomes_view, plan_odds
from hito.report.charts import Fan, fan_chart
from hito.report.skill_lines import live_skill_lines, skill_and_reach
from hito.store.agencies import list_agencies
from hito.store.db import Database
from hito.store.needs import picture as needs_picture
from hito.store.scorecard import live_scorecard
from hito.web import overview
from hito.web import situation as sit


def _labels(lang: str, title: str = "") -> dict[str, str]:
    _ = i18n.translations(lang).gettext
    return {
        "band": _("P10–P90 forecast"),
        "median": _("P50 forecast"),
        "observed": _("observed"),
        "capacity": _("capacity"),
        "at_least": _("observed, more than"),
        "empty": _("No counts or forecast yet."),
        "title": title,
    }


def _fan(q: dict[str, Any], dates: list[dt.date]) -> Fan:
    return Fan(dates, q["p10"], q["p50"], q["p90"])


def forecast_fan(forecast: dict[str, Any] | None, place: str | None = None) -> Fan | None:
    """The forecast band of one place, or of all places (see `forecast_view.fan`)."""
    return forecast_view.fan(forecast, place)


def site_chart(detail: dict[str, Any], forecast: dict[str, Any] | None, lang: str) -> Markup:
    """The site page's chart: the site's daily stranded counts and its own forecast band.

    A day whose figure is a lower bound ("more than 100") is drawn as such, not as a count.
    """
    site = detail["site"]
    _ = i18n.translations(lang).gettext
    name = i18n.localized(site.title, lang, site.name)
    capacity = site.capacity if site.kind == "shelter" else None
    open_days = set(detail.get("open_days", ()))
    return fan_chart(
        fan=forecast_view.fan(forecast, site.id),
        observed=[(d, v) for d, v in detail["series"] if d not in open_days],
        at_least=[(d, v) for d, v in detail["series"] if d in open_days],
        labels=_labels(
            lang, _("People stranded at %(site)s, observed and forecast") % {"site": name}
        ),
        capacity=capacity,
        date_format=lambda d: i18n.date(d, lang),
        number_format=lambda v: i18n.number(v, lang),
    )


def comparison_charts(
    cmp: dict[str, Any], lang: str, plans: dict[str, Plan] | None = None
) -> list[tuple[str, Markup]]:
    """One small fan chart of people stranded per day for each plan of a comparison.

    `plans` (name -> plan) gives the titles the charts are named by.
    """
    _ = i18n.translations(lang).gettext
    plans = plans or {}

    def title(label: str) -> str:
        if label == "no-plan":
            return _("No plan")
        return plans[label].text("title", lang) if label in plans else label

    dates = _dates(cmp)
    fans = cmp.get("stranded") or {}
    if not dates or not isinstance(fans, dict):  # a hand-edited file: no days to draw on
        return []
    fans = {
        k: q
        for k, q in fans.items()
        if isinstance(q, dict)
        and all(
            isinstance(q.get(x), list) and len(q[x]) == len(dates) for x in ("p10", "p50", "p90")
        )
    }
    top = max((max(q["p90"], default=0) for q in fans.values()), default=0) or None
    out = []
    for label, q in fans.items():
        out.append(
            (
                label,
                fan_chart(
                    fan=_fan(q, dates),
                    observed=[],
                    labels=_labels(
                        lang, _("People stranded per day under %(plan)s") % {"plan": title(label)}
                    ),
                    width=420,
                    height=200,
                    date_format=lambda d: i18n.date(d, lang),
                    number_format=lambda v: i18n.number(v, lang),
                    ymax=top,
                ),
            )
        )
    return out


def same_episode(cmp: dict[str, Any] | None, as_of: dt.date, margin_days: int = 30) -> bool:
    """True when a plan comparison covers the episode of `as_of` (a month before it to its end)."""
    dates = _dates(cmp) if cmp else []
    if not dates:
        return False
    return dates[0] - dt.timedelta(days=margin_days) <= as_of <= dates[-1]


def _dates(cmp: dict[str, Any]) -> list[dt.date]:
    """A comparison's days, or none when its file holds something else (a hand-edited one)."""
    raw = cmp.get("dates")
    try:
        return [dt.date.fromisoformat(d) for d in raw] if isinstance(raw, list) else []
    except (TypeError, ValueError):
        return []


def build_html(
    db: Database,
    *,
    as_of: dt.date | None,
    lang: str,
    comparison: Path | None,
    standards: Standards | None = None,
    zone: str = i18n.DEFAULT_ZONE,
    stale_days: int = sit.STALE_DAYS,
) -> str:
    """The situation report of `as_of` (default today) in one language and time zone.

    OCHA's layout: highlights and key figures first, the map, the situation per site, the
    forecast (flagged when stale), the response by agency, gaps, plan options of the same
    episode, contacts and sources.
    """
    lang = i18n.pick(lang)
    with db.session(readonly=True, snapshot=True) as session:  # one picture, as the overview's
        picture = sit.situation(session, as_of=as_of, stale_days=stale_days, zone=zone)
        agencies, _n = list_agencies(session, limit=200)
        need = needs_picture(
            session,
            forecast=None if picture.forecast_stale else picture.forecast,
            standards=standards,
            as_of=picture.as_of,
        )
        card = live_scorecard(session, picture.as_of)
    cmp = sit.read_comparison(comparison)
    cmp = cmp if same_episode(cmp, picture.as_of) else None
    _ = i18n.translations(lang).gettext
    chart = None
    if picture.forecast and not picture.forecast_stale:
        chart = fan_chart(
            fan=forecast_view.fan(picture.forecast),
            observed=[],
            labels=_labels(lang, _("People stranded at every site, forecast")),
            date_format=lambda d: i18n.date(d, lang),
            number_format=lambda v: i18n.number(v, lang),
        )
    env = i18n.environment(("hito.web", "hito.report"), lang, zone)
    return str(
        env.get_template("sitrep.html.j2").render(
            s=picture,
            cmp=cmp,
            chart=chart,
            charts=comparison_charts(cmp, lang, {p.name: p for p, _st in picture.triggers})
            if cmp
            else [],
            odds=plan_odds.odds(cmp, lang, {p.name: p for p, _st in picture.triggers})
            if cmp
            else None,
            comparison_path=comparison.name if comparison else None,
            maps=overview.maps(picture, lang)[:1],
            agencies=agencies,
            needs=need,
            site_titles={x.id: x.title for x in picture.sites},
            generated=dt.datetime.now(dt.UTC),
            live_skill=live_skill_lines(card, lang) if picture.forecast else [],
            # people diverted to irregular routes and harmed, with bands and the caveat
            outcomes=outcomes_view.lines(picture.forecast, lang) if chart is not None else [],
            # the backtest skill of the scenario beside its band, as on the overview
            skill=skill_and_reach(picture.forecast["scenario"], lang)
            if picture.forecast and chart is not None
            else [],
        )
    )


def to_pdf(html: str) -> bytes:
    """The report as PDF (WeasyPrint; every style and chart is inline, nothing is fetched)."""
    from weasyprint import HTML

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"the report fetches nothing, refused {url}")

    pdf = HTML(string=html, url_fetcher=no_fetch).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def write(
    db: Database,
    *,
    as_of: dt.date | None,
    out: Path,
    comparison: Path | None,
    languages: tuple[str, ...] = i18n.LANGUAGES,
    zone: str = i18n.DEFAULT_ZONE,
) -> list[Path]:
    """Write sitrep-DATE-LANG.html and .pdf for each language; returns the paths written.

    Without `as_of`, the report is of today in `zone` (its readers' local day).
    """
    out.mkdir(parents=True, exist_ok=True)
    as_of = as_of or i18n.local(dt.datetime.now(dt.UTC), zone).date()
    day = as_of.isoformat()
    written = []
    for lang in languages:
        html = build_html(db, as_of=as_of, lang=lang, comparison=comparison, zone=zone)
        for suffix, data in (("html", html.encode()), ("pdf", to_pdf(html))):
            path = out / f"sitrep-{day}-{lang}.{suffix}"
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            written.append(path)
    return written
