"""Alert subscriptions: who is told (a user or an agency), how (email, webhook), of what."""

from __future__ import annotations

import base64
import hmac
import re
import secrets
import unicodedata
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hito import notify
from hito.domain import CHANNELS, ID_MAX_LENGTH, ID_PATTERN, LANGUAGES, SEVERITIES
from hito.errors import Problem, Said
from hito.plans.load import builtin_names as plan_names
from hito.store import audit, logsecret
from hito.store.actors import Actor, agency_country, paginate
from hito.store.db import Lock, take_turns
from hito.store.errors import ForbiddenError, InvalidError, NotFoundError
from hito.store.logrows import subscription_state
from hito.store.models import Agency, Site, StoredPlan, Subscription, User
from hito.store.text import text_said

# active subscriptions one user or one agency may hold: each is a delivery per alert, and a
# viewer's many slow webhooks would hold up every subscriber's alerts behind them
MOST_SUBSCRIPTIONS = 25

_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_NAME = re.compile(ID_PATTERN)  # a plan name is an identifier


def new_secret() -> str:
    """A Standard Webhooks signing secret: `whsec_` and 32 random bytes in base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _target_problem(channel: str, target: str, allow_private: bool = False) -> Problem | None:
    if channel == "email":
        if len(target) > 254 or not _EMAIL.fullmatch(target):  # match: "a@b.org\n" passed
            return Problem(
                "expected an e-mail address such as duty@example.org, got %(target)s",
                target=repr(target),
            )
        return None
    try:
        parts = urlsplit(target)
        scheme, host, _port = parts.scheme, parts.hostname, parts.port
    except ValueError:  # "http://[::1", a port over 65535: not a URL
        scheme, host = "", None
    # a space or a control character (NUL, a line break) is no part of a URL as sent
    spaced = any(ch.isspace() or unicodedata.category(ch)[0] == "C" for ch in target)
    if scheme not in ("https", "http") or not host or len(target) > 500 or spaced:
        return Problem(
            "expected an http(s) URL such as https://example.org/hooks/hito, got %(target)s",
            target=repr(target),
        )
    if not allow_private and notify.private_literal(target):
        return Problem(
            "%(target)s is an address of the server's own network, where no webhook is sent; "
            "expected a public address (or a deployment with HITO_WEBHOOK_ALLOW_PRIVATE)",
            target=repr(target),
        )
    return None


def _problem(field: str, msg: Said) -> dict[str, Any]:
    return {"loc": ["body", field], "msg": msg}


def _setting_problems(
    label: str,
    channel: str,
    target: str,
    severities: Sequence[str],
    language: str,
    allow_private: bool,
) -> list[dict[str, Any]]:
    """What is wrong with a subscription's channel, target, label, language and severities."""
    errs = []
    if channel not in CHANNELS:
        errs.append(_problem("channel", _not_among(channel, CHANNELS)))
    elif problem := _target_problem(channel, target, allow_private):
        errs.append(_problem("target", problem))
    if said := text_said(label, max_length=200) if label else Problem("expected a label"):
        errs.append(_problem("label", said))
    if language not in LANGUAGES:
        errs.append(_problem("language", _not_among(language, LANGUAGES)))
    errs += [
        _problem(
            "severities",
            Problem(
                "got %(value)s, expected any of: %(choices)s",
                value=repr(s),
                choices=", ".join(SEVERITIES),
            ),
        )
        for s in severities
        if s not in SEVERITIES
    ]
    return errs


def _not_among(value: str, choices: Sequence[str]) -> Problem:
    """'got VALUE, expected one of: A, B' in any language (a choice the form offers)."""
    return Problem(
        "got %(value)s, expected one of: %(choices)s", value=repr(value), choices=", ".join(choices)
    )


def _name_problems(
    session: Session, plans: Sequence[str], sites: Sequence[str]
) -> list[dict[str, Any]]:
    """The plan names that are not names or of no plan, and the sites that do not exist.

    A plan is one stored or a built-in one (a partner may subscribe before it is stored): a
    mistyped name would raise no alert, and nobody would know.
    """
    errs = [
        _problem("plans", f"got {p!r}, expected plan names such as corridor-100")
        for p in plans
        if not isinstance(p, str) or not _NAME.fullmatch(p) or len(p) > ID_MAX_LENGTH
    ]
    if not errs and plans:
        named = set(plan_names()) | set(session.scalars(select(StoredPlan.name).distinct()))
        errs += [
            _problem(
                "plans",
                Problem(
                    "unknown plan %(plan)s, expected one of: %(known)s",
                    plan=repr(p),
                    known=", ".join(sorted(named)),
                ),
            )
            for p in plans
            if p not in named
        ]
    known = set(session.scalars(select(Site.id)))
    errs += [
        _problem("sites", f"unknown site {s!r}, expected one of: {', '.join(sorted(known))}")
        for s in sites
        if s not in known
    ]
    return errs


def create_subscription(
    session: Session,
    *,
    actor: Actor,
    label: str,
    channel: str,
    target: str,
    plans: Sequence[str] = (),
    sites: Sequence[str] = (),
    severities: Sequence[str] = (),
    language: str = "es",
    agency_id: int | None = None,
    for_user: bool = True,
    allow_private: bool = False,
) -> Subscription:
    """Subscribe a user (oneself) or an agency (its editors, or an admin of its country).

    Empty `plans`, `sites` or `severities` mean every one. A webhook gets a new signing secret;
    one to `localhost` or a private address as written is refused unless `allow_private` (the
    deployment's HITO_WEBHOOK_ALLOW_PRIVATE), as it would be when sent.
    """
    errs = [
        *_setting_problems(label, channel, target, severities, language, allow_private),
        *_name_problems(session, plans, sites),
    ]
    if for_user and agency_id is not None:
        errs.append(
            _problem(
                "agency_id", "give an agency_id only for an agency's subscription (for_user: false)"
            )
        )
    if errs:
        raise InvalidError.of_fields(errs)
    user_id: int | None = None
    if for_user:
        if actor.user_id is None:
            raise InvalidError.at(
                ["body", "for_user"], Problem("the system has no mailbox: name an agency")
            )
        user_id = actor.user_id
    else:
        agency_id = actor.agency_for_write(
            agency_id,
            Problem("subscribe an agency to alerts"),
            country_of=agency_country(session),
        )
        if session.get(Agency, agency_id) is None:
            raise InvalidError.at(
                ["body", "agency_id"],
                Problem("no agency with id %(agency_id)s", agency_id=agency_id),
            )
    owner = (
        Subscription.user_id == user_id
        if user_id is not None
        else (Subscription.user_id.is_(None) & (Subscription.agency_id == agency_id))
    )
    owner_key = user_id if user_id is not None else -(agency_id or 0)  # agencies below 0
    take_turns(session, Lock.SUBSCRIPTIONS, owner_key)
    n = session.scalar(
        select(func.count()).select_from(Subscription).where(Subscription.active.is_(True), owner)
    )
    n = int(n or 0)
    if n >= MOST_SUBSCRIPTIONS:
        raise InvalidError.at(
            ["body", "for_user" if user_id is not None else "agency_id"],
            Problem(
                "%(n)s active subscriptions already, expected at most %(most)s: stop one "
                "before adding another",
                n=n,
                most=MOST_SUBSCRIPTIONS,
            ),
        )
    row = Subscription(
        label=label,
        user_id=user_id,
        agency_id=agency_id,
        channel=channel,
        target=target,
        plans=list(plans),
        sites=list(sites),
        severities=list(severities),
        language=language,
        active=True,
    )
    session.add(row)
    session.flush()
    row.secret = logsecret.of_session(session).seal(new_secret(), row.id)
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="subscription.create",
        resource=f"subscription:{row.id}",
        after=subscription_state(row),
    )
    return row


def _may_manage(session: Session, actor: Actor, row: Subscription) -> bool:
    """Whether an actor may stop a subscription.

    The operator any; an admin of a country their own and its agencies'; an editor their own
    and their agency's.
    """
    if actor.operator:
        return True
    if row.user_id is not None:
        return row.user_id == actor.user_id
    if actor.role == "admin" and row.agency_id is not None:
        return actor.may_act_in(agency_country(session)(row.agency_id))
    return actor.role == "editor" and row.agency_id == actor.agency_id


def may_see(session: Session, actor: Actor, row: Subscription) -> bool:
    """Whether the actor may see a subscription's target (an address, a URL with its token).

    The operator any; its user; an admin of a country those of its agencies and of their users
    (not the other country's); an editor or viewer their agency's.
    """
    if actor.operator or (row.user_id is not None and row.user_id == actor.user_id):
        return True
    if actor.role == "admin":
        agency = row.agency_id
        if agency is None and row.user_id is not None:
            agency = session.scalar(select(User.agency_id).where(User.id == row.user_id))
        return agency is not None and actor.may_act_in(agency_country(session)(agency))
    return actor.agency_id is not None and row.agency_id == actor.agency_id


def list_subscriptions(
    session: Session, *, actor: Actor, offset: int = 0, limit: int = 100
) -> tuple[list[Subscription], int]:
    """The subscriptions the actor may see (`may_see`), as a page.

    All for the operator, their country's for an admin of a country, else their own and their
    agency's.
    """
    q = select(Subscription).order_by(Subscription.id)
    if actor.role != "admin":
        q = q.where(reaching(actor))
    elif not actor.operator:
        theirs = select(Agency.id).where(Agency.country_code == actor.country_code)
        q = q.where(
            (Subscription.user_id == actor.user_id)
            | Subscription.agency_id.in_(theirs)
            | Subscription.user_id.in_(select(User.id).where(User.agency_id.in_(theirs)))
        )
    return paginate(session, q, offset=offset, limit=limit)


def reaching(actor: Actor) -> Any:
    """The subscriptions whose messages reach this user: their own, and their agency's."""
    mine = Subscription.user_id == actor.user_id
    return mine | (Subscription.agency_id == actor.agency_id) if actor.agency_id else mine


def get_subscription(session: Session, *, actor: Actor, subscription_id: int) -> Subscription:
    """One subscription the actor may manage, or NotFoundError / ForbiddenError."""
    row = session.get(Subscription, subscription_id)
    if row is None:
        raise NotFoundError(
            Problem("no subscription with id %(subscription_id)s", subscription_id=subscription_id)
        )
    if not _may_manage(session, actor, row):
        raise ForbiddenError(
            Problem(
                "subscription %(subscription_id)s is not yours or your agency's",
                subscription_id=subscription_id,
            )
        )
    return row


def deactivate(session: Session, *, actor: Actor, subscription_id: int) -> Subscription:
    """Stop a subscription (its past deliveries stay, with their outcomes)."""
    row = get_subscription(session, actor=actor, subscription_id=subscription_id)
    row.active = False
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="subscription.stop",
        resource=f"subscription:{row.id}",
        after=subscription_state(row),
    )
    return row


def signing_secret(session: Session, row: Subscription) -> str | None:
    """A subscription's webhook signing secret (`whsec_…`), unsealed with the service's key.

    None when the stored one does not open with it: written by SQL, copied from another
    subscription, or sealed under another key.
    """
    return logsecret.of_session(session).unseal(row.secret, row.id)


def link_secret(session: Session, row: Subscription) -> str:
    """What a subscription's e-mail links are keyed with besides the service's secret.

    Its signing secret; as stored when that does not open (its webhooks then fail; its
    e-mails still go, with links keyed with what is stored).
    """
    return signing_secret(session, row) or row.secret


def stop_token(session: Session, row: Subscription) -> str:
    """The token of a subscription's stop link: its id and an HMAC (`hito.store.logsecret`).

    Keyed with the subscription's secret and the service's, which is not in the database.
    """
    mac = logsecret.of_session(session).link_mac(link_secret(session, row), f"stop:{row.id}")
    return f"{row.id}-" + base64.urlsafe_b64encode(mac).decode().rstrip("=")


def find_by_stop_token(session: Session, *, token: str) -> Subscription:
    """The subscription of a stop link, or NotFoundError (a mistyped or forged link)."""
    head, _, _mac = token.partition("-")
    row = (
        session.get(Subscription, int(head))
        if head.isascii() and head.isdigit() and len(head) < 12
        else None
    )
    if row is None or not hmac.compare_digest(stop_token(session, row).encode(), token.encode()):
        raise NotFoundError(Problem("this stop link is not known (mistyped or cut short?)"))
    return row


def stop_by_token(session: Session, *, token: str) -> Subscription:
    """Stop the subscription of a stop link (once; later clicks keep it stopped).

    The link in every message lets whoever receives it stop it, signed in or not: an address
    given by someone else is not sent alerts for good.
    """
    row = find_by_stop_token(session, token=token)
    if row.active:
        row.active = False
        session.flush()
        audit.append(
            session,
            actor=f"subscription:{row.id}",
            action="subscription.stop",
            resource=f"subscription:{row.id}",
            after=subscription_state(row),
            note="by its stop link",
        )
    return row


def who(session: Session, row: Subscription, actor: Actor | None = None) -> str:
    """The subscriber as people read it: a username or an agency's name, and the label.

    Read by an `actor` who may not see the subscription (`may_see`) and is not of its country
    (the other country's, or of none): its agency's name only, without a username or a label
    (a user's are their country's: `hito.store.users.may_see`).
    """
    agency = row.agency_id
    if agency is None and row.user_id is not None:
        agency = session.scalar(select(User.agency_id).where(User.id == row.user_id))
    agency_name = session.scalar(select(Agency.name).where(Agency.id == agency)) if agency else None
    if actor is not None and not may_see(session, actor, row):
        country = agency_country(session)(agency) if agency is not None else None
        if country is None or country != actor.country_code:
            return agency_name or "—"
    if row.user_id is not None:
        name = session.scalar(select(User.username).where(User.id == row.user_id))
    else:
        name = agency_name
    return f"{name} — {row.label}"
