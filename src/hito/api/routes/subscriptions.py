"""Alert subscriptions (email, webhook) and each alert's deliveries with their outcomes."""

from __future__ import annotations

from fastapi import APIRouter, Request

from hito.api.deps import ActorDep, DbDep
from hito.api.jsonbody import OnceKeyedRoute
from hito.api.schemas.common import Limit, Offset, RowIdPath
from hito.api.schemas.subscriptions import (
    DeliveryList,
    DeliveryPublic,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionList,
    SubscriptionPublic,
)
from hito.store import deliveries, subscriptions

router = APIRouter(tags=["subscriptions"], route_class=OnceKeyedRoute)
Id = RowIdPath


@router.post("/subscriptions", status_code=201, response_model=SubscriptionCreated)
def create(
    body: SubscriptionCreate, actor: ActorDep, db: DbDep, request: Request
) -> SubscriptionCreated:
    """Subscribe yourself, or an agency (its editor, an admin of its country, or the operator)."""
    private = request.app.state.settings.webhook_allow_private
    with db.session() as session:
        row = subscriptions.create_subscription(
            session, actor=actor, allow_private=private, **body.model_dump()
        )
        secret = subscriptions.signing_secret(session, row)
        assert secret is not None  # sealed just now with this key
        public = SubscriptionPublic.model_validate(row).model_dump()
        return SubscriptionCreated(**public, secret=secret)


@router.get("/subscriptions", response_model=SubscriptionList)
def list_(actor: ActorDep, db: DbDep, offset: Offset = 0, limit: Limit = 100) -> SubscriptionList:
    """Your subscriptions and your agency's (a country's admin its country's, the operator all)."""
    with db.session(readonly=True) as session:
        rows, n = subscriptions.list_subscriptions(session, actor=actor, offset=offset, limit=limit)
        return SubscriptionList(data=[SubscriptionPublic.model_validate(r) for r in rows], count=n)


@router.delete("/subscriptions/{subscription_id}", response_model=SubscriptionPublic)
def stop(subscription_id: Id, actor: ActorDep, db: DbDep) -> SubscriptionPublic:
    """Stop a subscription; its past deliveries stay on the alerts."""
    with db.session() as session:
        row = subscriptions.deactivate(session, actor=actor, subscription_id=subscription_id)
        return SubscriptionPublic.model_validate(row)


@router.get("/alerts/{alert_id}/deliveries", response_model=DeliveryList)
def of_alert(alert_id: Id, actor: ActorDep, db: DbDep) -> DeliveryList:
    """Every delivery of an alert: sent, failed with its reason, or acknowledged."""
    with db.session(readonly=True) as session:
        rows = deliveries.of_alert(session, alert_id=alert_id, actor=actor)
    return DeliveryList(data=[DeliveryPublic.model_validate(r) for r in rows], count=len(rows))
