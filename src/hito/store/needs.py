"""The needs picture: per site and in total, from the forecast band or the newest counts."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from hito.needs import Gap, Needs, Provision, Standards, band_at, gap, needs_for, place_band
from hito.store.figures import DayFigure, daily_figures
from hito.store.shelters import ShelterNow, registry
from hito.store.sites import list_sites

HORIZON_DAYS = 7


@dataclass(frozen=True)
class SiteNeeds:
    """One site: stranded people now, the forecast band at the horizon, and what they need."""

    site_id: str
    name: str
    kind: str
    country: str
    now: int | None
    p50: float | None
    p90: float | None
    needs: Needs
    shelter: ShelterNow | None = None
    at_least: bool = False  # the newest count is open-ended ("more than 100"): a lower bound


@dataclass(frozen=True)
class NeedsPicture:
    """Needs on the horizon day for everyone stranded, what shelters provide, and the gap."""

    as_of: dt.date
    day: dt.date
    horizon_days: int
    basis: str  # "forecast" (P90 of the band) or "counts" (the newest counts, no forecast)
    standards: Standards
    people: int
    needs: Needs
    provision: Provision
    gap: Gap
    sites: list[SiteNeeds] = field(default_factory=list)
    shelters: list[ShelterNow] = field(default_factory=list)
    at_least: bool = False  # from the counts, one of them open-ended: people is a lower bound

    def site(self, site_id: str) -> SiteNeeds | None:
        """One site's row (None when the site is unknown)."""
        return next((s for s in self.sites if s.site_id == site_id), None)


def _newest(series: dict[dt.date, DayFigure]) -> DayFigure | None:
    return series[max(series)] if series else None


def picture(
    session: Session,
    *,
    forecast: dict[str, Any] | None,
    standards: Standards | None = None,
    as_of: dt.date | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> NeedsPicture:
    """The needs `horizon_days` after `as_of`, with the shelters' room and the gap.

    People are the forecast's P90 where the forecast reaches that day (in all, of the stranded;
    at a site, of the people there, `hito.needs.place_band`), else the newest counts; shelters
    come from the registry with their occupancy.
    """
    std = standards or Standards()
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    day = as_of + dt.timedelta(days=horizon_days)
    sites, _n = list_sites(session, limit=1000)
    observed = daily_figures(session, until=as_of)
    shelters = registry(session, as_of=as_of)
    by_shelter = {s.site_id: s for s in shelters}
    dates = list((forecast or {}).get("dates") or [])
    total_band = band_at(dates, (forecast or {}).get("stranded_total") or {}, day.isoformat())
    basis = "forecast" if total_band and "p90" in total_band else "counts"
    rows = []
    for s in sites:
        newest = _newest(observed.get(s.id, {}))
        now = newest.figure if newest is not None else None
        people_band = place_band(forecast or {}, s.id)
        band = band_at(dates, people_band, day.isoformat()) if people_band else None
        p50 = band.get("p50") if band else None
        p90 = band.get("p90") if band else None
        if basis == "forecast":
            p50, p90 = p50 or 0.0, p90 or 0.0
        people = p90 if basis == "forecast" else now
        rows.append(
            SiteNeeds(
                site_id=s.id,
                name=s.name,
                kind=s.kind,
                country=s.country_code,
                now=now,
                p50=p50,
                p90=p90,
                needs=needs_for(people or 0, std),
                shelter=by_shelter.get(s.id),
                at_least=newest is not None and newest.at_least,
            )
        )
    if basis == "forecast" and total_band is not None:
        people_total = needs_for(total_band["p90"], std).people
    else:
        people_total = sum(r.now or 0 for r in rows)
    open_ = [s for s in shelters if s.status == "open"]
    provision = Provision(
        places=sum(s.capacity_people for s in open_),
        area_m2=sum(s.area_m2 for s in open_),
        water_points=sum(s.water_points for s in open_),
        toilets=sum(s.toilets for s in open_),
        occupancy=sum(s.occupancy or 0 for s in open_),
    )
    total = needs_for(people_total, std)
    return NeedsPicture(
        as_of=as_of,
        day=day,
        horizon_days=horizon_days,
        basis=basis,
        standards=std,
        people=total.people,
        needs=total,
        provision=provision,
        gap=gap(total, provision),
        sites=rows,
        shelters=shelters,
        at_least=basis == "counts" and any(r.at_least for r in rows),
    )


@dataclass(frozen=True)
class Profile:
    """Who a report counted: by sex and age group (when broken down) and specific needs."""

    report_id: int
    people: int
    estimated: bool
    sex_age: dict[str, int] | None
    needs: dict[str, int | None]


def profile(report: Any) -> Profile | None:
    """The profile of a stored report (None without one), from its counts."""
    if report is None:
        return None
    from hito.counts import FIELDS, Count, sex_age, specific_needs

    counts = [Count(**{f: getattr(c, f) for f in FIELDS}) for c in report.counts]
    return Profile(
        report_id=report.id,
        people=report.people,
        estimated=any(c.estimated for c in counts),
        sex_age=sex_age(counts),
        needs=specific_needs(counts),
    )
