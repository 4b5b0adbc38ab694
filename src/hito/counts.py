"""The one definition of a count of people in a field report, shared by form, API and store."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from hito.domain import COUNTRY_PATTERN, Strict

MAX_PEOPLE = 1_000_000  # one group's count at one site; more is a typing slip, not a count
SEXES = ("f", "m")
AGE_GROUPS = ("children", "adults", "older")  # 0-17, 18-59, 60 and over (IOM DTM's bands)
AGE_LABELS = {"children": "0-17", "adults": "18-59", "older": "60+"}
BREAKDOWN = tuple(f"{s}_{a}" for s in SEXES for a in AGE_GROUPS)
NEEDS = ("pregnant_lactating", "disabilities", "unaccompanied_separated")
ESTIMATE = ("people_low", "people_high")
FIELDS = (
    "nationality",
    "documented",
    "people",
    "stranded",
    *ESTIMATE,
    *BREAKDOWN,
    *NEEDS,
)

People = Annotated[int, Field(ge=0, le=MAX_PEOPLE, strict=True)]


class Count(Strict):
    """One group's count at a site: a total or a range, stranded, sex and age, specific needs.

    A range may be open-ended: a low with no high is "at least people_low" ("more than 100", as
    field teams and the press often say it), the way hito's file readers read a +min with no +max.

    Aggregates only: nothing here can hold a name, a document or a photo.
    """

    nationality: str = Field(
        pattern=COUNTRY_PATTERN, description="ISO 3166-1 alpha-3; XXX when unspecified"
    )
    documented: bool = Field(strict=True)
    people: People = Field(
        description="the people counted; with a range, the best estimate (default: its middle; "
        "with a low and no high, the low)"
    )
    stranded: People = Field(default=0, description="of the people, how many are stranded")
    people_low: People | None = Field(
        default=None,
        description="an estimate's lower bound; alone (no people_high), the count is open-ended: "
        "at least this many",
    )
    people_high: People | None = Field(
        default=None, description="an estimate's upper bound; needs people_low"
    )
    f_children: People | None = Field(default=None, description="girls, 0-17")
    f_adults: People | None = Field(default=None, description="women, 18-59")
    f_older: People | None = Field(default=None, description="women, 60 and over")
    m_children: People | None = Field(default=None, description="boys, 0-17")
    m_adults: People | None = Field(default=None, description="men, 18-59")
    m_older: People | None = Field(default=None, description="men, 60 and over")
    pregnant_lactating: People | None = Field(
        default=None, description="pregnant or lactating women"
    )
    disabilities: People | None = Field(default=None, description="people with disabilities")
    unaccompanied_separated: People | None = Field(
        default=None, description="unaccompanied or separated children"
    )

    @model_validator(mode="before")
    @classmethod
    def _middle_of_range(cls, data: Any) -> Any:
        """A range with no best estimate counts as its middle (rounded down), an open one its low.

        A range's middle below its stranded (within the range) gives way to the stranded: there
        are no fewer people than stranded people.

        Ends in the wrong order get a middle too, so that the range is refused for its order
        (`estimate_order`), not for a missing number of people; a high alone ("up to 400") is
        taken as people, so that it is refused for its missing low (`estimate_no_low`).
        """
        if isinstance(data, dict) and data.get("people") is None:
            low, high = data.get("people_low"), data.get("people_high")
            if isinstance(low, int) and isinstance(high, int):
                # no fewer people than stranded: 150-200 with 180 stranded is 180 people
                middle, stranded = (low + high) // 2, data.get("stranded")
                inside = isinstance(stranded, int) and middle < stranded <= high
                data = {**data, "people": stranded if inside else middle}
            elif isinstance(low, int) and high is None:
                data = {**data, "people": low}
            elif low is None and isinstance(high, int):
                data = {**data, "people": high}
        return data

    @model_validator(mode="after")
    def _consistent(self) -> Count:
        """Stranded within people, range around people, breakdown and needs within it."""
        self._check_estimate()
        top = self.people_high if self.people_high is not None else self.people
        if self.stranded > self.people:  # of the best estimate, as the store's check holds
            _fail(
                "stranded_over",
                "got {stranded} stranded of {people} people, expected at most the number of people",
                stranded=self.stranded,
                people=self.people,
            )
        given = self._check_breakdown()
        for need in NEEDS:
            v = getattr(self, need)
            if v is not None and v > top:
                _fail(
                    "need_over",
                    "{need} is {value}, more than the {people} people counted",
                    need=need,
                    value=v,
                    people=top,
                )
        if given:
            self._check_groups()
        return self

    def _check_estimate(self) -> None:
        """A range has a low (and a high, in order, unless open-ended) around the best estimate."""
        low, high = self.people_low, self.people_high
        if low is None and high is not None:
            _fail(
                "estimate_no_low",
                "people_high {high} without people_low; expected the estimate's lower end too "
                "(a low alone is an open-ended count: at least that many)",
                high=high,
            )
        if low is None:
            return
        if high is None:
            if self.people < low:
                _fail(
                    "under_estimate",
                    "people {people} is less than people_low {low}, expected at least {low} "
                    "(a low with no high: at least that many)",
                    people=self.people,
                    low=low,
                )
            return
        if low > high:
            _fail(
                "estimate_order",
                "people_low {low} is more than people_high {high}",
                low=low,
                high=high,
            )
        if not low <= self.people <= high:
            _fail(
                "outside_estimate",
                "people {people} is outside the estimate {low}-{high}",
                people=self.people,
                low=low,
                high=high,
            )

    def _check_breakdown(self) -> bool:
        """All six sex and age groups or none, adding up to the count; True when given."""
        low, high = self.people_low, self.people_high
        parts = [getattr(self, f) for f in BREAKDOWN]
        given = [p for p in parts if p is not None]
        if not given:
            return False
        if len(given) != len(parts):
            missing = ", ".join(f for f, p in zip(BREAKDOWN, parts, strict=True) if p is None)
            _fail(
                "breakdown_partial",
                "a breakdown by sex and age needs all six groups "
                "(0 where nobody); missing: {missing}",
                missing=missing,
            )
        total = sum(given)
        if low is None and total != self.people:
            _fail(
                "breakdown_sum",
                "the breakdown by sex and age adds up to {total}, not {people}",
                total=total,
                people=self.people,
            )
        if low is not None and high is None and total < low:
            _fail(
                "breakdown_under",
                "the breakdown by sex and age adds up to {total}, less than the {low} "
                "people at least",
                total=total,
                low=low,
            )
        if low is not None and high is not None and not low <= total <= high:
            _fail(
                "breakdown_outside",
                "the breakdown by sex and age adds up to {total}, "
                "outside the estimate {low}-{high}",
                total=total,
                low=low,
                high=high,
            )
        return True

    def _check_groups(self) -> None:
        """Unaccompanied children within the children, pregnant or lactating within the women."""
        children = (self.f_children or 0) + (self.m_children or 0)
        women = (self.f_adults or 0) + (self.f_older or 0) + (self.f_children or 0)
        uasc = self.unaccompanied_separated
        if uasc is not None and uasc > children:
            _fail(
                "uasc_over",
                "unaccompanied_separated is {value}, more than the {children} children",
                value=uasc,
                children=children,
            )
        pl = self.pregnant_lactating
        if pl is not None and pl > women:
            _fail(
                "pregnant_over",
                "pregnant_lactating is {value}, more than the {women} women and girls",
                value=pl,
                women=women,
            )

    @property
    def estimated(self) -> bool:
        """Whether the total is an estimate (a range) rather than a head count."""
        return self.people_low is not None

    @property
    def open_ended(self) -> bool:
        """Whether the count has a low and no high: at least `people_low` ("more than 100")."""
        return self.people_low is not None and self.people_high is None

    @property
    def has_breakdown(self) -> bool:
        """Whether the count is broken down by sex and age group."""
        return self.f_children is not None

    def row(self) -> dict[str, Any]:
        """The count as a table row's values (every field, None where not given)."""
        return {f: getattr(self, f) for f in FIELDS}


def _fail(code: str, template: str, **context: Any) -> None:
    """Refuse a count with a coded error (its code lets the form translate the message)."""
    raise PydanticCustomError(code, template, context)


# the field each consistency error belongs to, for the form's messages
ERROR_FIELD = {
    "estimate_no_low": "people_low",
    "under_estimate": "people",
    "estimate_order": "people_low",
    "outside_estimate": "people",
    "stranded_over": "stranded",
    "breakdown_partial": "f_children",
    "breakdown_sum": "f_children",
    "breakdown_outside": "f_children",
    "breakdown_under": "f_children",
    "need_over": "need",
    "uasc_over": "unaccompanied_separated",
    "pregnant_over": "pregnant_lactating",
}


Problem = tuple[str, str, dict[str, Any], str]  # field, error code, its context, English message


def build(data: dict[str, Any]) -> tuple[Count | None, list[Problem]]:
    """A count, or (field, error code, context, message) for each problem of the data given."""
    try:
        return Count(**data), []
    except ValidationError as exc:
        out = []
        for e in exc.errors(include_url=False):
            loc = [str(p) for p in e["loc"]]
            ctx = dict(e.get("ctx") or {})
            field = loc[0] if loc else ERROR_FIELD.get(e["type"], "people")
            if field == "need":
                field = str(ctx.get("need", "people"))
            msg = str(e["msg"])
            if e["type"] in ("less_than_equal", "greater_than_equal"):
                msg = f"expected a count from 0 to {MAX_PEOPLE:,}, got {e.get('input')!r}"
            elif e["type"] == "extra_forbidden":
                msg = f"unknown field, expected one of: {', '.join(FIELDS)}"
            out.append((field, e["type"], ctx, msg))
        return None, out


def sex_age(counts: list[Count]) -> dict[str, int] | None:
    """The breakdown summed over counts, or None if any count has none."""
    if not counts or not all(c.has_breakdown for c in counts):
        return None
    return {f: sum(getattr(c, f) or 0 for c in counts) for f in BREAKDOWN}


def specific_needs(counts: list[Count]) -> dict[str, int | None]:
    """Each specific need summed over the counts that gave it (None where none did)."""
    out: dict[str, int | None] = {}
    for need in NEEDS:
        vals = [getattr(c, need) for c in counts if getattr(c, need) is not None]
        out[need] = sum(vals) if vals else None
    return out
