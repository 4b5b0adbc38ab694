"""The dashboard's overview with a year of field reports for 20 sites: render time and bytes.

Seeds a temporary SQLite database (the demo deployment, 10 more sites, and REPORTS_PER_DAY
reports per site per day for a year, inserted in bulk), starts the real server on loopback,
runs a forecast from today's counts (so the overview carries its 14-28 day bands and the
week's trends), signs in, then prints the first render of the overview (goal: under 1 s),
the median of the next renders, and the bytes transferred for the page and everything it
loads (goal: 300 KB), each beside its goal as a ratio.

    .venv/bin/python benchmarks/overview.py [--days 365] [--per-day 2] [--repeat 5]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from sqlalchemy import select

from hito.domain import site_day
from hito.service import create_app
from hito.store import migrate
from hito.store.db import Database
from hito.store.forecasts import get_forecast
from hito.store.models import FieldReport, ReportCount, Site
from hito.store.settings import Settings
from hito.web import demo

PASSWORD = "bench-pass-1"


def seed(db: Database, days: int, per_day: int) -> int:
    """The demo deployment, 20 sites in all, `per_day` reports per site and day, a forecast.

    The service's calibrated forecast refuses a store holding reports of sites that are not
    places of its scenario (the ten extra sites here), so it runs once the scenario's sites
    have their year of reports and before the extra sites get theirs.
    """
    demo.seed(db, password=PASSWORD)
    with db.session() as s:
        sites = list(s.query(Site).all())
        for i in range(20 - len(sites)):
            base = sites[i % len(sites)]
            s.add(
                Site(
                    id=f"extra-{i}",
                    name=f"Extra site {i}",
                    kind="shelter",
                    country_code=base.country_code,
                    lat=base.lat - 0.3 - 0.05 * i,
                    lon=base.lon + 0.05 * i,
                    capacity=100,
                    status="open",
                    scenario=base.scenario,
                )
            )
    with db.session() as s:
        ids = [x.id for x in s.query(Site).all()]
    n = reports(db, [i for i in ids if not i.startswith("extra-")], days, per_day)
    t0 = time.perf_counter()
    fid = demo.forecast(db, as_of=dt.date.today(), days=40, runs=5)
    with db.session(readonly=True) as s:
        made = get_forecast(s, forecast_id=fid)
        assert made.status == "done", f"the forecast {made.status}: {made.error[:300]}"
    print(f"forecast of 40 days, 5 runs, in {time.perf_counter() - t0:.1f} s")
    return n + reports(db, [i for i in ids if i.startswith("extra-")], days, per_day)


def reports(db: Database, ids: list[str], days: int, per_day: int) -> int:
    """`per_day` reports a day for a year at each site of `ids`, inserted in bulk."""
    start = dt.datetime.now(dt.UTC) - dt.timedelta(days=days)
    n = 0
    with db.session() as s:
        country = dict(s.execute(select(Site.id, Site.country_code)).tuples())
        for day in range(days):
            rows = []
            for k, site in enumerate(ids):
                for j in range(per_day):
                    people = 20 + (day * 7 + k * 13 + j) % 180
                    at = start + dt.timedelta(days=day, hours=8 + 6 * j)
                    rows.append(
                        FieldReport(
                            site_id=site,
                            observed_at=at,
                            day=site_day(country[site], at),
                            agency_id=1 + k % 4,
                            fingerprint="bench",
                            remark="",
                            people=people,
                            stranded=people // 2,
                            counts=[
                                ReportCount(
                                    nationality="VEN",
                                    documented=False,
                                    people=people,
                                    stranded=people // 2,
                                )
                            ],
                        )
                    )
            s.add_all(rows)
            n += len(rows)
    return n


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--per-day", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        db = Database(url)
        migrate.upgrade(db)
        t0 = time.perf_counter()
        n = seed(db, a.days, a.per_day)
        print(
            f"seeded {n:,} reports for 20 sites over {a.days} days "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        app = create_app(Settings(database_url=url, login_failure_delay=0.0), database=db)
        port = free_port()
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        app.state.web_warm_up.join()  # the first visitor comes once start-up is done
        base = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=base) as c:
            token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text)
            assert token, "no CSRF token on the login page"
            c.post(
                "/login",
                headers={"Origin": base},
                data={
                    "username": "admin",
                    "password": PASSWORD,
                    "next": "/",
                    "csrf_token": token.group(1),
                },
            )
            t0 = time.perf_counter()
            page = c.get("/")
            first = time.perf_counter() - t0
            assert page.status_code == 200, page.status_code
            bands = re.findall(r'class="n band">(\d[\d.,]*–\d[\d.,]*)<', page.text)
            trends = re.findall(r'class="trend (?:up|down|flat)"', page.text)
            assert bands, "the overview lacks forecast bands"
            assert trends, "the overview lacks trends"
            times = []
            for _ in range(a.repeat):
                t0 = time.perf_counter()
                c.get("/")
                times.append(time.perf_counter() - t0)
            health = []
            for _ in range(a.repeat):
                t0 = time.perf_counter()
                c.get("/health")
                health.append(time.perf_counter() - t0)
            assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', page.text)
            sizes = {path: len(c.get(path).content) for path in sorted(set(assets))}
        server.should_exit = True
        thread.join(timeout=10)
        db.dispose()
    total = len(page.content) + sum(sizes.values())
    print(
        f"overview first render: {first * 1000:.0f} ms (goal < 1000 ms; "
        f"{first / 1.0:.2f} of the goal), with {len(bands)} forecast bands and "
        f"{len(trends)} trends"
    )
    print(f"overview next renders: median {statistics.median(times) * 1000:.0f} ms over {a.repeat}")
    print(
        f"/health (the server's floor): median {statistics.median(health) * 1000:.0f} ms; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    print(
        f"bytes: page {len(page.content):,}; "
        + "; ".join(f"{p} {b:,}" for p, b in sizes.items())
        + f"; total {total:,} (goal < 300,000; {total / 300_000:.2f} of the goal)"
    )


if __name__ == "__main__":
    main()
