"""The field counts of `hito calibrate` and `hito backtest`: a file, a database or hito's own."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hito.errors import InputError, Problem, Said


def read_counts(source: str | None, s: Any) -> Any:
    """Field counts for a scenario: a file, a database URL, or (None) the counts it ships.

    A file is HXL CSV; a database URL reads the service's stored reports; None reads the
    dated counts shipped with hito for a built-in scenario (`observation.records`).
    """
    end = s.date_of(s.days - 1)
    if source is None:
        if not s.observation.records:
            raise InputError(
                Problem(
                    "--observations: scenario %(name)s ships no counts (observation.records); "
                    "expected an HXL CSV file or a database URL",
                    name=repr(s.name),
                )
            )
        from hito.scenario.model import SHIPPED_COUNTS

        source = str(SHIPPED_COUNTS / s.observation.records)
    if "://" in source:
        from hito.store.observations import observations_from_store, reports_database

        db = reports_database(source)
        with db.session(readonly=True) as session:
            return observations_from_store(session, s.observed_sites(), start=s.start, end=end)
    from hito.forecast.hxl_counts import read_observations

    countries = {p.id: p.country for p in s.places}
    return read_observations(
        source, s.observed_sites(), start=s.start, end=end, countries=countries
    )


def counted_dates(obs: Any, s: Any, observations: str | None, least: int) -> list[dt.date]:
    """The dates with counts within the scenario's days; InputError when fewer than `least`.

    A backtest needs two: a forecast issued on one is scored against the later ones.
    """
    last = s.date_of(s.days - 1)
    dates = [d for d in obs.dates() if s.start <= d <= last]
    if not dates:
        raise InputError(
            Problem(
                "--observations %(observations)s: no count falls within %(name)s's days "
                "(%(start)s to %(last)s)",
                observations=observations,
                name=s.name,
                start=s.start,
                last=last,
            )
        )
    if len(dates) < least:
        raise InputError(
            Problem(
                "--observations %(observations)s: counts on one day only (%(date)s) within "
                "%(name)s's days; expected counts on two days or more: a forecast issued on the "
                "first is scored against the later ones",
                observations=observations,
                date=dates[0],
                name=s.name,
            )
        )
    return dates


def counts_source(source: str | None, s: Any) -> Said:
    """Where the counts came from, as calibration.html and backtest.html say it (no password)."""
    if source is None:
        return Problem("the counts shipped with hito (%(file)s)", file=s.observation.records)
    if "://" in source:
        from sqlalchemy.engine import make_url

        from hito.store.db import check_url

        shown = make_url(check_url(source)).render_as_string(hide_password=True)
        return Problem("the service's database %(url)s", url=shown)
    return source
