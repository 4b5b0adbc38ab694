"""What of the log a reader is shown: shared entries in full, a country's private ones to it.

The log is read by every signed-in user of both countries. Entries about shared things
(reports, sites, shelters, alerts, plans, forecasts, countries, agencies, the log's own) are
shown to all. The others (sign-ins and sign-outs, users, subscriptions, SMS numbers) are
about one country's people: shown in full to the operator and to the readers of that country
(the country of the user who acted, or of the user or subscription acted on); to anyone else
withheld, keeping what the tree needs (index, time, action, leaf hash) but not who, on whom,
the note nor the digests (`withheld`). A private entry's note ends with a random salt
(`hito.store.audit`): without it the leaf hash of a sign-in (a username, `user:ID`,
`token:ID`) or the digest of a number's state was found by trying names and numbers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from hito.store.actors import NO_USER, Actor
from hito.store.audit import REJECTED
from hito.store.logread import Entry
from hito.store.models import Agency, LogRejected, Subscription, User

# shared: the field data, the plans and their alerts, who takes part, and the log's own
# entries (a refused forgery is every country's to see)
SHARED = (
    "report.",
    "site.",
    "shelter.",
    "alert.",
    "plan.",
    "forecast.",
    "country.",
    "agency.",
    "log.",
)
WITHHELD = "—"  # the actor of an entry shown withheld


def shared(action: str) -> bool:
    """Whether an entry of this action is about shared things (shown to every reader)."""
    return action.startswith(SHARED)


def withheld(entry: Entry) -> Entry:
    """The entry without its actor, its resource's id, its note and its digests.

    The digests check nothing without the other fields, and a state of few values (a phone
    number and a time) is found from its digest by trying them.
    """
    kind = entry.resource.split(":", 1)[0]
    hidden = {"before_digest": None, "after_digest": None}
    return entry.model_copy(
        update={"actor": WITHHELD, "resource": f"{kind}:?", "note": "", **hidden}
    )


def named(action: str, resource: str, actor: str) -> Entry:
    """An entry naming a resource and an actor (what a refused entry claimed), to be shown."""
    return Entry(
        index=None,
        at=dt.datetime.now(dt.UTC),
        actor=actor,
        action=action,
        resource=resource,
        before_digest=None,
        after_digest=None,
        note="",
        leaf_hash=None,
    )


def refusal_withheld(why: str, about: Entry) -> str:
    """A `log.rejected` entry's note without the refused entry's resource id and actor."""
    return f"{why}: {about.action} {withheld(about).resource} by {WITHHELD}"


def for_reader(session: Session, reader: Actor, rows: Sequence[Entry]) -> list[Entry]:
    """The entries as `reader` is shown them: private ones of another country withheld.

    A `log.rejected` entry is shared, but its note names the refused entry it claimed to be
    (`why: action resource by actor`): about a private one, it is withheld the same way.
    """
    if reader.operator:
        return list(rows)
    claimed = _claimed(session, rows)
    private = [e for e in rows if not shared(e.action)]
    private += [c for c in claimed.values() if not shared(c.action)]
    if not private:
        return list(rows)
    countries = _countries(session, private)
    own = reader.country_code

    def mine(e: Entry) -> bool:
        return shared(e.action) or (own is not None and own in countries.get(e, set()))

    out = []
    for e in rows:
        about = claimed.get(e.index) if e.index is not None else None
        if about is not None and not mine(about):
            why = e.note.split(": ", 1)[0]
            e = e.model_copy(update={"note": refusal_withheld(why, about)})
        out.append(e if mine(e) else withheld(e))
    return out


def _claimed(session: Session, rows: Sequence[Entry]) -> dict[int, Entry]:
    """What each `log.rejected` entry among `rows` names, by the entry's index."""
    idx = [e.index for e in rows if e.action == REJECTED and e.index is not None]
    if not idx:
        return {}
    found = session.execute(
        select(
            LogRejected.leaf_idx, LogRejected.action, LogRejected.resource, LogRejected.actor
        ).where(LogRejected.leaf_idx.in_(idx))
    )
    return {i: named(action, resource, actor) for i, action, resource, actor in found}


def search(session: Session, reader: Actor, resource: str | None) -> dict[str, Any]:
    """How `reader` filters the log by `resource`: keywords of `hito.store.logread.entries`.

    A filter naming one thing (`user:12`) matches withheld entries too, and its count says
    so: trying each id would put back on whom each was. So for a reader other than the
    operator it matches only shared entries, except a user or subscription of the reader's
    country, matched exactly (`user:1` not also `user:12`, which may be the other's).
    """
    kind, _, name = (resource or "").partition(":")
    if reader.operator or not name:
        return {"resource": resource}
    own = reader.country_code
    if kind in ("user", "subscription") and name.isascii() and name.isdigit() and len(name) < 12:
        found = _countries(session, [named("", f"{kind}:{name}", "")])
        if own is not None and own in next(iter(found.values())):
            return {"resource": resource, "exact": True}
    return {"resource": resource, "actions": SHARED}


def _ids(rows: Iterable[Entry], kind: str) -> set[int]:
    """The ids named by resources such as 'user:12' (and actors such as 'subscription:3')."""
    out = set()
    for e in rows:
        for text in (e.resource, e.actor):
            head, _, tail = text.partition(":")
            if head == kind and tail.isascii() and tail.isdigit() and len(tail) < 12:
                out.add(int(tail))
    return out


def _countries(session: Session, rows: Sequence[Entry]) -> dict[Entry, set[str]]:
    """Each private entry's countries: its actor's, and its user's or subscription's.

    Three statements for a page, whatever its length (no query per entry).
    """
    names = {e.actor for e in rows} - NO_USER  # a user so named (made before) is not them
    by_name: dict[str, str] = dict(
        session.execute(
            select(User.username, Agency.country_code)
            .join(Agency, User.agency_id == Agency.id)
            .where(User.username.in_(names))
        ).all()
    )
    user_ids = _ids(rows, "user")
    by_user: dict[int, str] = dict(
        session.execute(
            select(User.id, Agency.country_code)
            .join(Agency, User.agency_id == Agency.id)
            .where(User.id.in_(user_ids))
        ).all()
    )
    owner = aliased(User)  # a user's subscription is of its user's agency
    by_sub: dict[int, str] = dict(
        session.execute(
            select(Subscription.id, Agency.country_code)
            .outerjoin(owner, owner.id == Subscription.user_id)
            .join(Agency, Agency.id == func.coalesce(Subscription.agency_id, owner.agency_id))
            .where(Subscription.id.in_(_ids(rows, "subscription")))
        ).all()
    )
    out: dict[Entry, set[str]] = {}
    for e in rows:
        found = {by_name.get(e.actor)}
        found |= {by_user.get(i) for i in _ids([e], "user")}
        found |= {by_sub.get(i) for i in _ids([e], "subscription")}
        out[e] = {c for c in found if c is not None}
    return out
