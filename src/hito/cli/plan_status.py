"""`hito plans check`'s table: one plan's triggers on a date, in the reader's language."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rich.table import Table

from hito import i18n, names

if TYPE_CHECKING:  # the plan models load inside the commands
    from hito.plans.check import CheckReport
    from hito.plans.model import Plan
    from hito.plans.status import TriggerStatus


def whole(table: Table) -> Table:
    """The table with cells that wrap onto more lines instead of ending in '…'.

    On a narrow terminal no number, date or agency's name is cut short: a word wider than its
    column goes on below.
    """
    for column in table.columns:
        column.overflow = "fold"
    return table


def fit(table: Table, width: int) -> Table:
    """The table with no word split across lines when its words can fit in `width` columns.

    Rich shares a too-narrow terminal's width out evenly, so on 80 columns a plan's
    "9.164 (2.840–29.382)" read "(2.840–29." over "382)" and "corridor-100" as "corridor-1"
    over "00". Each column gets at least its longest word (of header and cells), then what is
    left goes to the columns that would take more; a table whose words cannot all fit is left
    to fold, as `whole` makes it.
    """
    columns = table.columns
    texts = [[str(column.header), *(str(c) for c in column.cells)] for column in columns]
    least = [max(len(w) for text in col for w in text.split() or [""]) for col in texts]
    most = [max(len(line) for text in col for line in text.splitlines() or [""]) for col in texts]
    frame = 3 * len(columns) + 1  # a border and a space either side of each column
    if sum(most) + frame <= width or sum(least) + frame > width:
        return table  # fits as it is, or cannot: rich's own widths
    widths, spare = list(least), width - frame - sum(least)
    while spare > 0 and any(w < m for w, m in zip(widths, most, strict=True)):
        for i, m in enumerate(most):
            if spare > 0 and widths[i] < m:
                widths[i] += 1
                spare -= 1
    for column, w in zip(columns, widths, strict=True):
        column.width = w
    return table


def shown(lang: str) -> Callable[[str, Any], str]:
    """How a note's values read in a language: dates, numbers, indicators, lists of sites."""
    _ = i18n.translations(lang).gettext
    indicators = names.indicators(_)

    def one(name: str, value: Any) -> str:
        if isinstance(value, dt.date):
            return i18n.date(value, lang)
        if name == "indicator":
            return indicators.get(value, value)
        if isinstance(value, tuple):
            return ", ".join(value) or _("none")
        if isinstance(value, int | float):
            return i18n.number(value, lang)
        return str(value)

    return one


def status_table(r: CheckReport, plan: Plan, lang: str) -> Table:
    """One plan's triggers on the date: met or not, since when, value, condition, actions due."""
    _ = i18n.translations(lang).gettext
    said = {"plan": r.plan, "date": i18n.date(r.as_of, lang), "scenario": r.scenario}
    if r.scenario:
        title = _("%(plan)s on %(date)s, forecasts from %(scenario)s") % said
    else:
        title = _("%(plan)s on %(date)s") % said
    table = Table(
        _("trigger"),
        _("met"),
        _("since"),
        _("value (date)"),
        _("condition"),
        _("actions due"),
        title=title,
        title_justify="left",
    )
    for st in r.statuses:
        value = _value(st.value, st.indicator, lang)
        if st.value_date is not None:
            value += f" ({i18n.date(st.value_date, lang)})"
        cond = _condition(st, plan, lang)
        note = st.remark.say(_, shown(lang)) if st.remark else st.note
        if note:
            cond += f"\n[dim]{note}[/dim]"
        table.add_row(
            st.trigger,
            "[bold red]" + _("MET") + "[/]" if st.met else _("no"),
            i18n.date(st.since, lang) if st.since else "—",
            value,
            cond,
            _actions_due(st, plan, lang) or "—",
        )
    return whole(table)


def _value(value: float | None, indicator: str, lang: str) -> str:
    """An indicator's value: a share as a percentage, a count of people as a number."""
    if value is None:
        return "—"
    if indicator == "shelter_occupancy":
        return i18n.percent(value, lang)
    return i18n.number(value, lang, 0 if float(value).is_integer() else 1)


def _condition(st: TriggerStatus, plan: Plan, lang: str) -> str:
    """A trigger's condition in words: indicator, comparison, threshold, days in a row."""
    t = i18n.translations(lang)
    what = names.indicators(t.gettext).get(st.indicator, st.indicator)
    days = t.ngettext("%(num)s day in a row", "%(num)s days in a row", st.window_days) % {
        "num": i18n.number(st.window_days, lang)
    }
    threshold = _value(st.threshold, st.indicator, lang)
    compare = names.comparisons(t.gettext).get(st.compare, st.compare)
    cond = f"{what} {compare} {threshold}, {days}"
    if st.source == "forecast":
        trig = next(x for x in plan.triggers if x.id == st.trigger)
        said = {"q": trig.quantile.upper(), "n": i18n.number(trig.horizon_days, lang)}
        horizon = t.gettext("forecast %(q)s in %(n)s days") % said
        cond += f" ({horizon})"
    return cond


def _actions_due(st: TriggerStatus, plan: Plan, lang: str) -> str:
    """The actions a met trigger calls for, one a line: due date, what, who, which country."""
    country = names.countries(i18n.translations(lang).gettext)
    actions = {a.id: a for a in plan.actions}
    lines = []
    for due in st.actions_due:
        a = actions.get(due.action)
        what = i18n.localized(a.title, lang, due.description or due.type) if a else due.type
        where = country.get(due.country, due.country)
        lines.append(f"{i18n.date(due.due, lang)}: {what} — {due.agency_name} ({where})")
    return "\n".join(lines)
