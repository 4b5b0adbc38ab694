"""SMS reports: registered numbers, and each inbound message stored once by its gateway id."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hito import sms
from hito.counts import Count
from hito.domain import LANGUAGES
from hito.errors import Problem
from hito.store import audit
from hito.store.actors import Actor, agency_country, paginate, snapshot
from hito.store.coltypes import utcnow
from hito.store.db import Database
from hito.store.errors import ConflictError, InvalidError, StoreError
from hito.store.models import Agency, Site, SmsMessage, SmsSender
from hito.store.reports import AfterReport, create_report
from hito.store.text import text_problem

UNSPECIFIED = "XXX"  # ICAO 9303's code for an unspecified nationality


def register_sender(
    session: Session,
    *,
    actor: Actor,
    phone: str,
    label: str = "",
    language: str = "es",
    agency_id: int | None = None,
) -> SmsSender:
    """Register (or update) a number allowed to send reports for an agency."""
    agency = actor.agency_for_write(
        agency_id, Problem("register SMS numbers"), country_of=agency_country(session)
    )
    number = sms.phone(phone)
    errs = []
    if number is None:
        errs.append(
            {"loc": ["body", "phone"], "msg": f"expected +, country code and number, got {phone!r}"}
        )
    if language not in LANGUAGES:
        errs.append({"loc": ["body", "language"], "msg": f"got {language!r}, expected es or en"})
    if label and (problem := text_problem(label, max_length=200)):
        errs.append({"loc": ["body", "label"], "msg": problem})
    if session.get(Agency, agency) is None:
        errs.append({"loc": ["body", "agency_id"], "msg": f"no agency with id {agency}"})
    if errs:
        raise InvalidError.of_fields(errs)
    assert number is not None
    row = session.get(SmsSender, number)
    if row is not None and row.agency_id != agency:
        # an admin moves a number between agencies: the operator any, a country's admin only
        # from an agency of their country (a number of the other country's stays theirs)
        held_by = agency_country(session)(row.agency_id)
        if actor.role != "admin" or not actor.may_act_in(held_by):
            raise ConflictError(
                Problem(
                    "%(number)s is registered to another agency; ask an admin of %(country)s",
                    number=number,
                    country=held_by,
                )
            )
    if row is None:
        row = SmsSender(phone=number, created_at=utcnow())
        session.add(row)
    row.agency_id, row.label, row.language, row.active = agency, label, language, True
    session.flush()
    audit.append(
        session,
        actor=actor.username,
        action="sms.sender",
        # the log is read by every signed-in user of both countries: the number is not said
        resource=f"sms-sender:{_masked(number)}",
        after=snapshot(row),
    )
    return row


def list_senders(
    session: Session, *, actor: Actor, offset: int = 0, limit: int = 100
) -> tuple[list[SmsSender], int]:
    """Registered numbers: all for the operator, its agencies' for a country's admin, else one's.

    An editor lists their agency's; a number is a person's phone, not the other country's to read.
    """
    actor.require_writer(Problem("list SMS numbers"))
    q = select(SmsSender).order_by(SmsSender.phone)
    if actor.role != "admin":
        q = q.where(SmsSender.agency_id == actor.agency_id)
    elif not actor.operator:
        theirs = select(Agency.id).where(Agency.country_code == actor.country_code)
        q = q.where(SmsSender.agency_id.in_(theirs))
    return paginate(session, q, offset=offset, limit=limit)


@dataclass(frozen=True)
class Inbound:
    """One message as the gateway posts it."""

    gateway: str
    gateway_id: str
    phone: str
    body: str


@dataclass(frozen=True)
class Answer:
    """What the sender is told, and what happened: stored (a report) or refused."""

    text: str
    outcome: str
    report_id: int | None
    replayed: bool = False


def _masked(number: str) -> str:
    return "…" + number[-3:] if len(number) > 3 else "…"


def _stored(session: Session, msg: Inbound) -> Answer | None:
    row = session.scalar(
        select(SmsMessage).where(
            SmsMessage.gateway == msg.gateway, SmsMessage.gateway_id == msg.gateway_id
        )
    )
    if row is None:
        return None
    return Answer(row.reply, row.outcome, row.report_id, replayed=True)


def receive(db: Database, msg: Inbound, *, after: AfterReport | None = None) -> Answer:
    """Turn one message into a report, or a precise refusal; stored once by gateway id.

    A repeated gateway id is answered as the first time and stores nothing more.
    """
    with db.session(readonly=True) as session:
        old = _stored(session, msg)
    if old is not None:
        return old
    try:
        with db.session() as session:
            answer = _handle(session, msg, after)
            number = sms.phone(msg.phone) or ""
            sender = session.get(SmsSender, number)
            session.add(
                SmsMessage(
                    gateway=msg.gateway,
                    gateway_id=msg.gateway_id,
                    phone=number if sender is not None else _masked(number),
                    body=msg.body[:500],
                    outcome=answer.outcome,
                    reply=answer.text[:500],
                    report_id=answer.report_id,
                    received_at=utcnow(),
                )
            )
            session.flush()
        return answer
    except IntegrityError:  # the same message, sent twice at once: the first one stands
        with db.session(readonly=True) as session:
            again = _stored(session, msg)
        if again is None:
            raise
        return again


def _handle(session: Session, msg: Inbound, after: AfterReport | None) -> Answer:
    number = sms.phone(msg.phone)
    sender = session.get(SmsSender, number) if number else None
    if sender is None or not sender.active:
        return Answer(sms.not_registered("es"), "refused", None)
    agency = session.get(Agency, sender.agency_id)
    assert agency is not None
    actor = Actor(
        user_id=None,
        username=f"sms:{_masked(sender.phone)}",
        role="editor",
        agency_id=agency.id,
        country_code=agency.country_code,
    )
    try:
        report = sms.parse(msg.body, session.scalars(select(Site.id)), sender.language)
        row, _created = create_report(
            session,
            actor=actor,
            site_id=report.site_id,
            observed_at=utcnow(),
            counts=[
                Count(
                    nationality=UNSPECIFIED,
                    documented=False,
                    people=report.people,
                    stranded=report.stranded,
                    # "+100": at least 100, open-ended
                    people_low=report.people if report.at_least else None,
                )
            ],
            idempotency_key=f"sms:{msg.gateway}:{msg.gateway_id}"[:100],
            remark=f"SMS {sender.label or _masked(sender.phone)}"[:500],
            after=after,
        )
    except sms.SmsProblem as exc:
        return Answer(exc.text, "refused", None)
    except StoreError as exc:
        return Answer("; ".join(exc.in_language(sender.language))[:480], "refused", None)
    return Answer(sms.confirmation(report, row.id, sender.language), "stored", row.id)
