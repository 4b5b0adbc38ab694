"""The situation report: sites, trend, forecasts, plan options, triggers met; HTML and PDF."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from markupsafe import Markup

from hito import i18n
from hito.needs import Standards
from hito.plans.model import Plan
from hito.report import situation as sit
from hito.report.charts import Fan, fan_chart
from hito.store.db import Database
from hito.store.needs import picture as needs_picture


def plan_text(plan: Plan, lang: str, key: str) -> str:
    """A plan's title, description or rationale in a language (falling back to the main text)."""
    t = plan.translations.get(lang)
    value = getattr(t, key, "") if t is not None else ""
    return value or getattr(plan, key) or (plan.name if key == "title" else "")


def _labels(lang: str) -> dict[str, str]:
    _ = i18n.translations(lang).gettext
    return {
        "band": _("P10–P90 forecast"),
        "median": _("P50 forecast"),
        "observed": _("observed"),
        "capacity": _("capacity"),
        "empty": _("No counts or forecast yet."),
    }


def _fan(q: dict[str, Any], dates: list[dt.date]) -> Fan:
    return Fan(dates, q["p10"], q["p50"], q["p90"])


def forecast_fan(forecast: dict[str, Any] | None, place: str | None = None) -> Fan | None:
    """The forecast band of one place (when the forecast has it) or of all places."""
    if not forecast:
        return None
    dates = [dt.date.fromisoformat(d) for d in forecast.get("dates", [])]
    by_place = forecast.get("stranded_by_place") or {}
    if place is not None and place in by_place:
        return _fan(by_place[place], dates)
    q = forecast.get("stranded_total")
    return _fan(q, dates) if q and isinstance(q.get("p50"), list) else None


def stale(fan: Fan | None, observed: list[tuple[dt.date, float]], days: int = 30) -> bool:
    """True when the forecast ends more than `days` before the newest count."""
    return bool(fan and observed and max(fan.dates) + dt.timedelta(days=days) < observed[-1][0])


def site_chart(detail: dict[str, Any], forecast: dict[str, Any] | None, lang: str) -> Markup:
    """The site page's chart: daily stranded counts and the forecast band (unless stale)."""
    site = detail["site"]
    fan = forecast_fan(forecast, site.id)
    if stale(fan, detail["series"]):
        fan = None
    capacity = site.capacity if site.kind == "shelter" else None
    return fan_chart(
        fan=fan,
        observed=detail["series"],
        labels=_labels(lang),
        capacity=capacity,
        date_format=lambda d: i18n.date(d, lang, "short"),
    )


def comparison_charts(cmp: dict[str, Any], lang: str) -> list[tuple[str, Markup]]:
    """One small fan chart of people stranded per day for each plan of a comparison."""
    dates = [dt.date.fromisoformat(d) for d in cmp.get("dates", [])]
    fans = cmp.get("stranded") or {}
    top = max((max(q["p90"], default=0) for q in fans.values()), default=0) or None
    out = []
    for label, q in fans.items():
        out.append(
            (
                label,
                fan_chart(
                    fan=_fan(q, dates),
                    observed=[],
                    labels=_labels(lang),
                    width=420,
                    height=200,
                    date_format=lambda d: i18n.date(d, lang, "short"),
                    ymax=top,
                ),
            )
        )
    return out


def build_html(
    db: Database,
    *,
    as_of: dt.date | None,
    lang: str,
    comparison: Path | None,
    standards: Standards | None = None,
) -> str:
    """The situation report of `as_of` (default today) in one language, as one HTML page."""
    lang = i18n.pick(lang)
    with db.session(readonly=True) as s:
        picture = sit.situation(s, as_of=as_of, with_triggers=True)
        need = needs_picture(
            s, forecast=picture.forecast, standards=standards, as_of=picture.as_of
        )
    cmp = sit.read_comparison(comparison)
    fan = forecast_fan(picture.forecast)
    chart = None
    if picture.forecast:
        chart = fan_chart(
            fan=fan,
            observed=[],
            labels=_labels(lang),
            date_format=lambda d: i18n.date(d, lang, "short"),
        )
    env = i18n.environment(("hito.report",), lang)
    return env.get_template("sitrep.html.j2").render(
        s=picture,
        cmp=cmp,
        chart=chart,
        charts=comparison_charts(cmp, lang) if cmp else [],
        text=plan_text,
        comparison_path=comparison.name if comparison else None,
        needs=need,
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
) -> list[Path]:
    """Write sitrep-DATE-LANG.html and .pdf for each language; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    day = (as_of or dt.datetime.now(dt.UTC).date()).isoformat()
    written = []
    for lang in languages:
        html = build_html(db, as_of=as_of, lang=lang, comparison=comparison)
        for suffix, data in (("html", html.encode()), ("pdf", to_pdf(html))):
            path = out / f"sitrep-{day}-{lang}.{suffix}"
            tmp = path.with_suffix(path.suffix + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
            written.append(path)
    return written
