"""A small world for service tests: two countries' agencies, their editors, an admin, a viewer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from hito.store import agencies, sites, tokens, users
from hito.store.actors import SYSTEM
from hito.store.db import Database
from hito.store.models import Alert, StoredPlan
from hito.store.settings import Settings
from service_db import KEY_FILE

PASSWORD = "correct horse battery"


def settings(**kw: Any) -> Settings:
    base: dict[str, Any] = dict(
        database_url="sqlite://", login_failure_delay=0.0, auto_migrate=False, log_key_file=KEY_FILE
    )
    base.update(kw)
    return Settings(**base)


@dataclass
class World:
    """Two countries, an agency in each, their editors, an admin and a viewer, with tokens."""

    client: TestClient
    db: Database
    ids: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def h(self, who: str, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}", **extra}

    def login(self, who: str) -> str:
        r = self.client.post("/api/v1/auth/token", data={"username": who, "password": PASSWORD})
        assert r.status_code == 200, r.text
        return r.json()["access_token"]


def make_world(client: TestClient, db: Database) -> World:
    w = World(client, db)
    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        chl = agencies.create_agency(
            s, actor=SYSTEM, code="pdi-arica", name="PDI Arica", country_code="CHL"
        )
        per = agencies.create_agency(
            s, actor=SYSTEM, code="migraciones-tacna", name="Migraciones Tacna", country_code="PER"
        )
        w.ids.update(chl=chl.id, per=per.id)
        for name, role, agency in (
            ("admin", "admin", None),
            ("ed_chl", "editor", chl.id),
            ("ed_per", "editor", per.id),
            ("viewer", "viewer", None),
        ):
            u = users.create_user(
                s, actor=SYSTEM, username=name, password=PASSWORD, role=role, agency_id=agency
            )
            w.ids[name] = u.id
        for name in ("admin", "ed_chl", "ed_per", "viewer"):  # signing in over HTTP: test_auth
            w.tokens[name], _ = tokens.login(
                s,
                username=name,
                password=PASSWORD,
                ttl=dt.timedelta(hours=1),
                max_failures=5,
                lockout=dt.timedelta(minutes=5),
            )
    return w


def report(
    site: str = "concordia-strip",
    at: str = "2025-11-30T10:00:00Z",
    people: int = 120,
    stranded: int = 100,
    **extra: Any,
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "site_id": site,
        "observed_at": at,
        "counts": [
            {"nationality": "VEN", "documented": False, "people": people, "stranded": stranded}
        ],
    }
    body.update(extra)
    return body


def two_countries(db: Database) -> dict[str, Any]:
    """The sites, an agency of Chile and one of Peru, and as Actors: an admin and an editor of
    each (`admin_chl`, `admin_per`, `ed_chl`, `ed_per`) and the operator (an admin of no
    agency). No one signs in: their passwords are not hashes."""
    out: dict[str, Any] = {}
    with db.session() as s:
        sites.load_sites(s, actor=SYSTEM, scenario="tacna-arica-2025")
        for key, code, country in (
            ("chl", "pdi-arica", "CHL"),
            ("per", "migraciones-tacna", "PER"),
        ):
            out[key] = agencies.create_agency(
                s, actor=SYSTEM, code=code, name=code.upper(), country_code=country
            ).id
        for name, role, agency in (
            ("admin_chl", "admin", out["chl"]),
            ("admin_per", "admin", out["per"]),
            ("ed_chl", "editor", out["chl"]),
            ("ed_per", "editor", out["per"]),
            ("operator", "admin", None),
        ):
            u = users.create_user(
                s,
                actor=SYSTEM,
                username=name,
                password="",
                password_hash="not-a-hash",
                role=role,
                agency_id=agency,
            )
            out[name] = users.actor_of(u)
    return out


def country_admin(world: World, name: str = "admin_chl", agency: str = "chl") -> None:
    """Add to a world an admin of the agency `agency` (so of its country), signed in."""
    with world.db.session() as s:
        u = users.create_user(
            s,
            actor=SYSTEM,
            username=name,
            password="",
            password_hash=users.hash_password(PASSWORD),
            role="admin",
            agency_id=world.ids[agency],
        )
        world.ids[name] = u.id
    world.tokens[name] = world.login(name)


def plan_alert(s: Session, day: int = 1) -> Alert:
    """One warning alert of the stored plan 'p' (stored on first use), trigger 't', met since
    `day` December 2025."""
    from sqlalchemy import select

    plan = s.scalar(select(StoredPlan).where(StoredPlan.name == "p"))
    if plan is None:
        plan = StoredPlan(name="p", version=1, text="x", active=True)
        s.add(plan)
        s.flush()
    alert = Alert(
        plan_id=plan.id,
        plan_name="p",
        trigger="t",
        met_since=dt.date(2025, 12, day),
        actions=[],
        agencies=[],
        severity="warning",
        sites=[],
    )
    s.add(alert)
    s.flush()
    return alert


def email_subscriber(db: Database) -> None:
    """`two_countries`, with Chile's editor subscribed to every alert by e-mail."""
    from hito.store import subscriptions

    w = two_countries(db)
    with db.session() as s:
        subscriptions.create_subscription(
            s, actor=w["ed_chl"], label="guardia", channel="email", target="guardia@pdi.example"
        )


def queue_email(db: Database, day: int) -> None:
    """An alert of plan 'p' (stored on first use) met since `day` December 2025, and its
    deliveries queued: one e-mail to `email_subscriber`'s editor."""
    from hito.store import deliveries

    with db.session() as s:
        alert = plan_alert(s, day)
        (queued,) = deliveries.enqueue(s, alert)
        assert queued.subscription.channel == "email"


def stored_forecast(db: Database, *, status: str = "done", **fields: Any) -> int:
    """A forecast row of the 2025 scenario stored as it stands (nothing runs it); its id.

    `fields`: any other column (`as_of`, `user_id`, `created_at`, `beat_at`…).
    """
    from hito.store.models import Forecast

    values: dict[str, Any] = {
        "scenario": "tacna-arica-2025",
        "as_of": dt.date(2025, 12, 1),
        "days": 7,
        "runs": 10,
        "seed": 1,
        **fields,
    }
    with db.session() as s:
        row = Forecast(status=status, **values)
        s.add(row)
        s.flush()
        return row.id
