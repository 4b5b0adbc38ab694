"""The field report form: groups of the site's scenario, typed values checked field by field."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from hito import counts, i18n
from hito.counts import Count
from hito.domain import IDEMPOTENCY_KEY_PATTERN
from hito.errors import HitoError
from hito.hxl_cells import parse_count
from hito.scenario.load import load
from hito.store.report_checks import EARLIEST

UNSPECIFIED = "XXX"  # ICAO 9303's code for an unspecified nationality
MAX_COUNT = counts.MAX_PEOPLE  # the one limit of a count, shared with the API and the store
NUMBERS = counts.FIELDS[2:]  # the number inputs of a group: people, stranded, range, ...
_KEY = re.compile(IDEMPOTENCY_KEY_PATTERN)


@dataclass(frozen=True)
class GroupField:
    """One row of the form: a group's people and stranded inputs."""

    id: str
    nationality: str
    documented: bool
    label: str


@lru_cache(maxsize=8)
def groups(scenario: str) -> tuple[GroupField, ...]:
    """The form's rows: the scenario's groups, then people of unspecified nationality."""
    try:
        s = load(scenario)
        rows = [GroupField(g.id, g.nationality, g.documented, g.label or g.id) for g in s.groups]
    except HitoError:  # a site loaded from a scenario file that is gone: keep the form usable
        rows = []
    rows.append(GroupField("unspecified", UNSPECIFIED, False, "unspecified"))
    return tuple(rows)


@dataclass
class ReportForm:
    """What the user typed, the problems per field, and the counts once valid."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    counts: list[Count] = field(default_factory=list)
    observed_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        """True when every field is valid."""
        return not self.errors


def messages(gettext: Callable[[str], str]) -> dict[str, str]:
    """The form's message for each error code of a count, in the user's language."""
    _ = gettext
    return {
        "estimate_no_low": _(
            'Give the low end too (at least); leave at most empty for "more than" a number.'
        ),
        "under_estimate": _("People cannot be fewer than the %(low)s at least."),
        "estimate_order": _("The low end of the estimate is above the high end."),
        "outside_estimate": _("The best estimate must lie between the low and the high end."),
        "stranded_over": _("Stranded cannot be more than the people counted."),
        "breakdown_partial": _("By sex and age: fill all six boxes (0 where nobody)."),
        "breakdown_sum": _("By sex and age adds up to %(total)s, not the %(people)s counted."),
        "breakdown_outside": _("By sex and age adds up to %(total)s, outside the estimate."),
        "breakdown_under": _(
            "By sex and age adds up to %(total)s, fewer than the %(low)s at least."
        ),
        "need_over": _("More people with this need than people counted."),
        "uasc_over": _("More unaccompanied or separated children than children counted."),
        "pregnant_over": _("More pregnant or lactating women than women and girls counted."),
    }


def _check_group(
    values: Mapping[str, str],
    g: GroupField,
    form: ReportForm,
    _: Callable[[str], str],
    lang: str,
) -> None:
    """Check one group's inputs; a valid, non-empty group adds its count to the form."""
    err = form.errors
    data: dict[str, object] = {}
    before = len(err)
    for name in NUMBERS:
        v = _whole(values.get(f"{name}-{g.id}", ""))
        if v == "not_whole":
            err[f"{name}-{g.id}"] = _("Write a whole number of 0 or more.")
        elif isinstance(v, int) and v > MAX_COUNT:
            err[f"{name}-{g.id}"] = _("That is more than %(n)s people: check the number.") % {
                "n": i18n.number(MAX_COUNT, lang)
            }
        elif v is not None:
            data[name] = v
    if len(err) > before or not data:
        return
    text = messages(_)
    if "people_high" in data and "people_low" not in data:  # a low alone is "more than" it
        err[f"people_low-{g.id}"] = text["estimate_no_low"]
        return
    if "people" not in data and "people_low" not in data:
        err[f"people-{g.id}"] = _("Give the people counted for this group too.")
        return
    count, problems = counts.build(
        {"nationality": g.nationality, "documented": g.documented, **data}
    )
    for name, code, ctx, _msg in problems:
        msg = text.get(code, _("Check this number."))
        said = {k: i18n.number(v, lang) if isinstance(v, int) else v for k, v in ctx.items()}
        err.setdefault(f"{name}-{g.id}", msg % said if "%(" in msg else msg)
    if count is not None:
        form.counts.append(count)


def _whole(raw: str) -> int | None | str:
    """A typed count (`hxl_cells.parse_count`: 1200, 1.200, 1,200, 1 200), None when blank."""
    value = parse_count(raw.strip())
    if value is None or isinstance(value, float):
        return None if value is None else int(value)
    return "not_whole"


def check(
    data: Mapping[str, str],
    *,
    rows: tuple[GroupField, ...],
    site_ids: list[str],
    now: dt.datetime,
    gettext: Callable[[str], str],
    lang: str = "en",
) -> ReportForm:
    """Check a submitted form; every message names the field's problem in the user's language.

    The messages come from `gettext`; their numbers are written as `lang` writes them
    ('1.000.000' in Spanish, '1,000,000' in English).
    """
    _ = gettext
    values = {k: str(v) for k, v in data.items()}
    form = ReportForm(values=values)
    err = form.errors
    if values.get("site_id") not in site_ids:
        err["site_id"] = _("Choose the site you counted at.")
    when = values.get("observed_at", "").strip()
    try:
        local = dt.datetime.fromisoformat(when)
        offset = int(values.get("tz_offset") or 0)  # minutes, as JavaScript's getTimezoneOffset
        if not -14 * 60 <= offset <= 14 * 60:
            raise ValueError(offset)
        at = (local.replace(tzinfo=None) + dt.timedelta(minutes=offset)).replace(tzinfo=dt.UTC)
        if at > now + dt.timedelta(minutes=5):
            err["observed_at"] = _("The time of the count cannot be in the future.")
        elif at < EARLIEST:
            err["observed_at"] = _(
                "The time of the count is too far in the past: counts from %(year)s on are taken."
            ) % {"year": EARLIEST.year}
        else:
            form.observed_at = at
    except (ValueError, OverflowError):  # not a time, or a year like 1 or 9999 with an offset
        err["observed_at"] = _("Give the date and time of the count.")
    for g in rows:
        _check_group(values, g, form, _, lang)
    # a group's field is "<field>-<group id>", and group ids have hyphens ("ven-undocumented")
    if not form.counts and not any(k.split("-", 1)[0] in counts.FIELDS for k in err):
        err["counts"] = _("Count at least one group.")
    remark = values.get("remark", "")
    if len(remark) > 500:
        err["remark"] = _("Keep the remark under 500 characters.")
    key = values.get("idempotency_key", "")
    if key and not _KEY.fullmatch(key):  # match: "$" lets "k\n" through
        err["idempotency_key"] = _("This form is out of date: reload the page.")
    return form
