"""`hito plans compare`'s console: the plans' table, who stays stranded, how often triggers fire."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from rich.table import Table

from hito import i18n, names
from hito.cli.plan_status import whole

if TYPE_CHECKING:  # the plan and scenario models load inside the commands
    from hito.plans.model import Plan
    from hito.scenario.model import Scenario


def trigger_lines(cmp: Any, plans: dict[str, Plan], lang: str) -> list[str]:
    """The medians no plan moves, and how often each trigger fired and when, one line each."""
    from hito.plans.compare import METRICS
    from hito.report.plan_odds import odds
    from hito.report.plans_report import words

    t = i18n.translations(lang)
    said = words(t.gettext)
    data = {
        "rows": cmp.rows,
        "dates": [cmp.date(0).isoformat(), cmp.date(cmp.days - 1).isoformat()],
    }
    o = odds(data, lang, plans, metrics=tuple(METRICS))
    out = []
    if o.same_p50:
        out.append(said["same_median"] % {"what": "; ".join(said[m] for m in o.same_p50)})
    if o.same_all:
        out.append(said["same_everywhere"] % {"what": "; ".join(said[m] for m in o.same_all)})
    for x in o.triggers:
        fired = t.ngettext("%(k)s of %(num)s future", "%(k)s of %(num)s futures", x.runs) % {
            "k": x.fired,
            "num": x.runs,
        }
        share = i18n.percent(x.fired / x.runs if x.runs else 0.0, lang)
        first = i18n.date(x.first, lang) if x.first else t.gettext("never")
        out.append(
            f"{x.plan} · {i18n.localized(x.title, lang, x.description)}: {fired} ({share}); "
            f"{t.gettext('First fires (median)').lower()}: {first}"
        )
    return out


def comparison_table(rows: Sequence[dict[str, Any]], currencies: Sequence[str], lang: str) -> Table:
    """Each plan's P50 (and the P10–P90 of stranded person-days), in the language's numbers."""
    _ = i18n.translations(lang).gettext
    named = names.figures(_)
    table = Table(
        _("plan"),
        f"{named['stranded_person_days']} P50 (P10–P90)",
        *(f"{named[m]} P50" for m in ("stranded_peak", "diverted", "harmed")),
        *(_("cost %(currency)s P50") % {"currency": c} for c in currencies),
    )
    for r in rows:
        pd = {q: i18n.number(r["stranded_person_days"][q], lang) for q in ("p10", "p50", "p90")}
        table.add_row(
            _("no plan") if r["plan"] == "no-plan" else r["plan"],
            f"{pd['p50']} ({pd['p10']}–{pd['p90']})",
            *(i18n.number(r[m]["p50"], lang) for m in ("peak_stranded", "diverted", "harmed")),
            *(i18n.number(r[f"total_cost_{c}"]["p50"], lang) for c in currencies),
        )
    return whole(table)


def after_table(s: Scenario, cmp: Any, lang: str) -> Table:
    """Per site and plan, people stranded 7, 14 and 28 days after the as-of date."""
    from hito.plans.conditioned import HORIZONS, stranded_places
    from hito.report.labels import place_name

    _ = i18n.translations(lang).gettext
    table = Table(
        _("site"),
        _("plan"),
        *(_("stranded %(n)s days on P50 (P10–P90)") % {"n": h} for h in HORIZONS),
        title=_("Conditioned on the counts up to %(date)s: people stranded after it")
        % {"date": i18n.date(cmp.as_of, lang)},
    )
    for place in stranded_places(cmp.after):
        for lbl, bands in cmp.after.items():
            cells = [band(b, lang) for b in bands[place].values()]
            table.add_row(
                place_name(s, place, lang), _("no plan") if lbl == "no-plan" else lbl, *cells
            )
    return whole(table)


def band(b: dict[str, float] | None, lang: str) -> str:
    """'P50 (P10–P90)' in the language's numbers ('—': past the scenario's last day)."""
    if b is None:
        return "—"
    p10, p50, p90 = (i18n.number(b[q], lang) for q in ("p10", "p50", "p90"))
    return f"{p50} ({p10}–{p90})"
