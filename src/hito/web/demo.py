"""The demo deployment: sites, agencies, users, plans, past counts, a forecast, a comparison."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from hito.plans.compare import compare
from hito.plans.load import builtin_names as plan_names
from hito.plans.load import load as load_plan
from hito.plans.observed import read_observations
from hito.scenario.load import load as load_scenario
from hito.store import agencies, plans, reports, shelters, sites, sms, subscriptions, users
from hito.store.actors import SYSTEM
from hito.store.alerts import after_report
from hito.store.db import Database
from hito.store.forecasts import create_forecast, run_forecast
from hito.store.reports import CountIn
from hito.store.scorecard import WINDOW_DAYS
from hito.web.forms import UNSPECIFIED

SCENARIO = "tacna-arica-2025"
QS = ("p10", "p50", "p90")
ALPHABET = string.ascii_letters + string.digits  # of the random demo passwords
OBSERVATIONS = Path(__file__).parent / "data" / "tacna-arica-stranded.csv"
# two agencies per country (code, name, country)
AGENCIES = [
    ("dpr-arica", "Delegación Presidencial Regional de Arica y Parinacota", "CHL"),
    ("pdi", "Policía de Investigaciones de Chile (PDI)", "CHL"),
    ("migraciones", "Superintendencia Nacional de Migraciones", "PER"),
    ("pnp-tacna", "Policía Nacional del Perú, Región Policial Tacna", "PER"),
    ("digemig", "Dirección General de Migración de Bolivia", "BOL"),
    ("policia-bo", "Policía Boliviana, frontera de Oruro", "BOL"),
]
# demo users: (username, role, agency code)
USERS = [
    ("admin", "admin", None),
    ("pdi", "editor", "pdi"),
    ("migraciones", "editor", "migraciones"),
    ("observador", "viewer", None),
]


@dataclass(frozen=True)
class DemoUser:
    """A demo account, with the password it was given."""

    username: str
    password: str
    role: str
    agency: str | None


def seed(db: Database, *, password: str | None = None) -> list[DemoUser]:
    """Load the scenario's sites, agencies, users, the built-in plans and the historical counts.

    Each user gets `password`, or a fresh random one; returns the accounts made.
    """
    made = []
    with db.session() as session:
        sites.load_sites(session, actor=SYSTEM, scenario=SCENARIO)
        ids = {}
        for code, name, country in AGENCIES:
            ids[code] = agencies.create_agency(
                session, actor=SYSTEM, code=code, name=name, country_code=country
            ).id
        for username, role, agency in USERS:
            pw = password or "".join(secrets.choice(ALPHABET) for _ in range(12))
            users.create_user(
                session,
                actor=SYSTEM,
                username=username,
                password=pw,
                role=role,
                agency_id=ids[agency] if agency else None,
            )
            made.append(DemoUser(username, pw, role, agency))
        for name in plan_names():
            plans.create_builtin_plan(session, actor=SYSTEM, name=name)
        field_setup(session, ids)
        load_observations(session, agency_by_country={c: ids[a] for a, _, c in reversed(AGENCIES)})
    return made


# the demo's field set-up; figures marked "demo" are made up for the demonstration
SHELTER: dict[str, Any] = dict(
    site_id="arica-shelters",
    capacity_people=150,  # the scenario's assumption for shelter room in Arica
    area_m2=420.0,  # demo: 2.8 m² a place, short of Sphere's 3.5 (the needs panel shows the gap)
    water_points=1,
    toilets=6,
    status="open",
    operator="Municipalidad de Arica (demo)",
)
SUBSCRIPTIONS = [  # (agency code, label, channel, target, severities, language)
    ("pdi", "guardia PDI Chacalluta", "email", "guardia.chacalluta@pdi.example", [], "es"),
    ("migraciones", "sala de situación", "webhook", "http://127.0.0.1:9/hito-alerts", [], "es"),
    ("dpr-arica", "duty officer (English)", "email", "duty@dpr-arica.example", ["critical"], "en"),
]
SMS_SENDERS = [("+56900000001", "pdi", "equipo Chacalluta (demo)")]


def field_setup(session: Session, ids: dict[str, int]) -> None:
    """A registered shelter, alert subscriptions of three agencies, one SMS number."""
    shelters.register(session, actor=SYSTEM, **SHELTER)
    for code, label, channel, target, severities, lang in SUBSCRIPTIONS:
        subscriptions.create_subscription(
            session,
            actor=SYSTEM,
            label=label,
            channel=channel,
            target=target,
            severities=severities,
            language=lang,
            agency_id=ids[code],
            for_user=False,
            allow_private=True,  # the demo's webhook listens nowhere on this machine
        )
    for phone, code, label in SMS_SENDERS:
        sms.register_sender(session, actor=SYSTEM, phone=phone, label=label, agency_id=ids[code])


def site_names() -> dict[str, str]:
    """Observation site names -> site ids, from the built-in plans' `sites` tables."""
    out: dict[str, str] = {}
    for name in plan_names():
        out.update(load_plan(name).sites)
    return out


def load_observations(session: Session, *, agency_by_country: dict[str, int]) -> int:
    """Store each historical count as a field report (largest per site and day); how many.

    A count with no upper end ("more than 100") is stored open-ended: at least its low.
    """
    names = site_names()
    best: dict[tuple[str, dt.date], tuple[float, bool]] = {}  # (value, open-ended)
    for ob in read_observations(OBSERVATIONS):
        site = names.get(ob.site)
        if ob.indicator != "stranded" or site is None:
            continue
        key = (site, ob.date)
        found = (ob.value("mid"), ob.low is not None and ob.high is None)
        best[key] = max(best.get(key, (0.0, False)), found)
    n = 0
    for (site_id, day), (value, at_least) in sorted(
        best.items(), key=lambda kv: (kv[0][1], kv[0][0])
    ):
        row = sites.get_site(session, site_id=site_id)
        people = int(round(value))
        count = CountIn(
            nationality=UNSPECIFIED,
            documented=False,
            people=people,
            stranded=people,
            people_low=people if at_least else None,  # "more than 100": at least 100
        )
        reports.create_report(
            session,
            actor=SYSTEM,
            site_id=site_id,
            observed_at=dt.datetime(day.year, day.month, day.day, 12, tzinfo=dt.UTC),
            counts=[count],
            agency_id=agency_by_country[row.country_code],
            idempotency_key=f"demo-{site_id}-{day.isoformat()}",
            remark=f"conteo histórico de fuentes públicas ({OBSERVATIONS.name})",
            after=after_report,
        )
        n += 1
    return n


def forecast(db: Database, *, as_of: dt.date, days: int = 60, runs: int = 20) -> int:
    """Run a forecast of the scenario from the counts observed on `as_of`; returns its id."""
    with db.session() as session:
        fid = create_forecast(
            session, actor=SYSTEM, scenario=SCENARIO, as_of=as_of, days=days, runs=runs, seed=1
        ).id
    run_forecast(db, forecast_id=fid)
    return fid


def issued_forecasts(
    db: Database,
    *,
    until: dt.date,
    days: int = 60,
    runs: int = 20,
    on_count_dates: Callable[[int], None] | None = None,
    on_forecast: Callable[[], None] | None = None,
) -> list[int]:
    """The forecasts the service would have issued as the counts came in, up to `until`.

    One per count date of the scenario's episode within the live scorecard's window (the last
    28 days), each from the counts up to its date, as the refresher makes them when a report
    arrives; the last is `until`'s. The scorecard then scores the earlier ones by the later
    counts. Returns their ids, oldest first. `on_count_dates(n)` hears how many forecasts
    will be made, `on_forecast()` of each one made.
    """
    start = load_scenario(SCENARIO).start
    first = max(start, until - dt.timedelta(days=WINDOW_DAYS))
    dates = sorted({ob.date for ob in read_observations(OBSERVATIONS) if first <= ob.date < until})
    if on_count_dates is not None:
        on_count_dates(len(dates) + 1)
    made = []
    for d in [*dates, until]:
        made.append(forecast(db, as_of=d, days=days, runs=runs))
        if on_forecast is not None:
            on_forecast()
    return made


def comparison(
    out: Path, *, runs: int = 20, seed: int = 1, on_runs: Callable[[int], None] | None = None
) -> Path:
    """Compare every built-in plan with no plan; write comparison.json with daily fans.

    `on_runs(n)` hears of every n runs done (of runs x (plans + 1)).
    """
    s = load_scenario(SCENARIO)
    loaded = [(name, load_plan(name, s)) for name in plan_names()]
    cmp = compare(s, loaded, runs=runs, seed=seed, on_runs=on_runs)
    data = {
        "scenario": s.name,
        "runs": runs,
        "seed": seed,
        "dates": [cmp.date(d).isoformat() for d in range(cmp.days)],
        "rows": cmp.rows,
        "stranded": {  # label -> P10, P50, P90 of the people stranded per day
            label: {q: [float(v) for v in row] for q, row in zip(QS, arr, strict=True)}
            for label, arr in cmp.stranded.items()
        },
    }
    out.mkdir(parents=True, exist_ok=True)
    path = out / "comparison.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
