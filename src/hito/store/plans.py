"""Contingency plans stored versioned: each upload of a plan name adds a new version."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hito.errors import HitoError, Problem
from hito.plans import load as plan_load
from hito.plans.model import Plan
from hito.scenario.load import builtin_names as scenario_names
from hito.scenario.load import load as load_scenario
from hito.store import audit, figures
from hito.store.actors import Actor, paginate
from hito.store.errors import ConflictError, InvalidError, NotFoundError
from hito.store.logrows import plan_state
from hito.store.models import StoredPlan

MAX_PLAN_BYTES = 200_000


def parse_plan(text: str) -> Plan:
    """Validate plan YAML against its scenario, one of the built-in ones, when it names one."""
    if len(text.encode()) > MAX_PLAN_BYTES:
        raise InvalidError.at(
            ["body", "text"],
            Problem("a plan is at most %(max_plan_bytes)s bytes", max_plan_bytes=MAX_PLAN_BYTES),
        )
    try:
        plan = plan_load.parse(text, "plan")
        if plan.scenario in scenario_names():
            plan = plan_load.parse(text, "plan", load_scenario(plan.scenario))
    except HitoError as exc:
        raise InvalidError(
            exc.said,
            errors=[{"loc": ["body", "text"], "msg": p} for p in exc.in_language("en")],
        ) from None
    if plan.scenario is not None and plan.scenario not in scenario_names():
        # the service forecasts its built-in scenarios only: a plan of another one (a file on
        # someone's disk) could not be checked here, and its forecast triggers would never fire
        raise InvalidError.at(
            ["body", "text"],
            Problem(
                "plan: scenario: got %(scenario)s, expected one of the service's scenarios: "
                "%(names)s (a plan for a scenario of your own is checked with `hito plans "
                "validate`)",
                scenario=repr(plan.scenario),
                names=", ".join(scenario_names()),
            ),
        )
    return plan


@lru_cache(maxsize=256)
def _parsed(plan_id: int, text: str) -> Plan:
    return plan_load.parse(text, f"plan {plan_id}")


def parsed(row: StoredPlan) -> Plan:
    """The validated plan of a stored version (cached)."""
    return _parsed(row.id, row.text)


SAVE_ATTEMPTS = 5  # concurrent saves of one plan name: each takes the next free version


def create_plan(session: Session, *, actor: Actor, text: str) -> StoredPlan:
    """Store a plan as the next version of its name (admin).

    Any admin, of either country or none: plans are the two countries' joint contingency plans.

    The next version is the highest stored + 1. Two saves of one name at once both read
    the same highest version; the second to insert it finds the (name, version) taken
    (on PostgreSQL after waiting for the first to commit), and reads again and takes the
    next one, so both are stored, one after the other. After `SAVE_ATTEMPTS` clashes the
    save is refused with a conflict (409) rather than a database error.
    """
    actor.require_admin(Problem("store plans"))
    plan = parse_plan(text)
    row = _insert_next_version(session, actor=actor, name=plan.name, text=text)
    audit.append(
        session,
        actor=actor.username,
        action="plan.create",
        resource=f"plan:{row.id}",
        after=plan_state(row),
    )
    return row


def _insert_next_version(session: Session, *, actor: Actor, name: str, text: str) -> StoredPlan:
    for _ in range(SAVE_ATTEMPTS):
        latest = session.scalar(select(func.max(StoredPlan.version)).where(StoredPlan.name == name))
        row = StoredPlan(
            name=name, version=(latest or 0) + 1, text=text, active=True, user_id=actor.user_id
        )
        try:
            with session.begin_nested():  # a clash rolls back this insert only
                session.add(row)
                session.flush()
        except IntegrityError:  # another save of this name took the version meanwhile
            continue
        return row
    raise ConflictError(
        Problem(
            "plan %(name)s was saved by others %(save_attempts)s times while this save ran; save "
            "it again",
            name=repr(name),
            save_attempts=SAVE_ATTEMPTS,
        )
    )


def create_builtin_plan(session: Session, *, actor: Actor, name: str) -> StoredPlan:
    """Store a built-in plan (by name) as the next version of that plan."""
    if name not in plan_load.builtin_names():
        raise InvalidError.at(
            ["body", "builtin"],
            Problem(
                "no built-in plan %(name)s, expected one of: %(builtin_names)s",
                name=repr(name),
                builtin_names=", ".join(plan_load.builtin_names()),
            ),
        )
    _, text = plan_load.resolve(name)
    return create_plan(session, actor=actor, text=text)


def set_active(session: Session, *, actor: Actor, plan_id: int, active: bool) -> StoredPlan:
    """Switch a stored plan version on or off for alerts (admin)."""
    actor.require_admin(Problem("switch plans on or off"))
    row = get_plan(session, plan_id=plan_id)
    before = plan_state(row)
    row.active = active
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="plan.update",
        resource=f"plan:{row.id}",
        before=before,
        after=plan_state(row),
    )
    return row


def get_plan(session: Session, *, plan_id: int) -> StoredPlan:
    """One stored plan version, or NotFoundError."""
    row = session.get(StoredPlan, plan_id)
    if row is None:
        raise NotFoundError(Problem("no plan with id %(plan_id)s", plan_id=plan_id))
    return row


def alert_words(session: Session, alert: Any, lang: str) -> dict[str, Any]:
    """An alert as users read it: its plan's, trigger's and actions' titles, not their ids.

    `alert` is a stored Alert; `actions` are its actions, each with its `title` added.
    """
    plan = parsed(get_plan(session, plan_id=alert.plan_id))
    items = {x.id: x for x in [*plan.triggers, *plan.actions]}

    def title(item: str, fallback: str) -> str:
        x = items.get(item)
        if x is not None and x.title is not None:
            return str(x.title.get(lang))
        return fallback or (x.description if x is not None and x.description else item)

    return {
        "plan": plan.text("title", lang),
        "trigger": title(alert.trigger, ""),
        "actions": [{**a, "title": title(str(a.get("action", "")), "")} for a in alert.actions],
    }


def list_plans(
    session: Session,
    *,
    name: str | None = None,
    latest_only: bool = True,
    offset: int = 0,
    limit: int = 100,
) -> tuple[list[StoredPlan], int]:
    """Stored plans: by default the newest version of each name."""
    q = select(StoredPlan)
    if name:
        q = q.where(StoredPlan.name == name)
    if latest_only:
        newest = (
            select(StoredPlan.name, func.max(StoredPlan.version).label("v"))
            .group_by(StoredPlan.name)
            .subquery()
        )
        q = q.join(newest, (StoredPlan.name == newest.c.name) & (StoredPlan.version == newest.c.v))
    return paginate(
        session, q.order_by(StoredPlan.name, StoredPlan.version.desc()), offset=offset, limit=limit
    )


def _newest_plans() -> Select[Any]:
    newest = (
        select(StoredPlan.name, func.max(StoredPlan.version).label("v"))
        .group_by(StoredPlan.name)
        .subquery()
    )
    q = select(StoredPlan).join(
        newest, (StoredPlan.name == newest.c.name) & (StoredPlan.version == newest.c.v)
    )
    return q.order_by(StoredPlan.name)


_NEWEST = _newest_plans()  # built once: it runs after every report


_ANY_ACTIVE = select(StoredPlan.id).where(StoredPlan.active).limit(1)
_ACTIVE = "active_plans"  # its key in the memo of figures.reports_settled


def active_plans(session: Session) -> list[StoredPlan]:
    """The newest version of each plan, if it is switched on: these raise alerts.

    Read once within `figures.reports_settled` (a batch's hooks: no plan is written there).
    """
    memo = session.info.get(figures.MEMO)
    if memo is not None and _ACTIVE in memo:
        return list(memo[_ACTIVE])
    if session.connection().execute(_ANY_ACTIVE).first() is None:  # the usual case: a cheap read
        found = []
    else:
        found = [r for r in session.scalars(_NEWEST) if r.active]
    if memo is not None:
        memo[_ACTIVE] = found
    return found
