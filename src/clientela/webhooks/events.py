"""What each event says, and the one-line emit calls the other apps' services make.

Every helper is called inside the service's transaction and builds its payload lazily, only
when a subscription listens (`emission.webhook_event_emit`). Payloads name things by public
id (`pty_...`, `rel_...`, `ord_...`, `act_...`, `itm_...`) and users by username; money is
a decimal string, times ISO 8601 in UTC. docs/webhooks.md shows each payload.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from clientela.webhooks.emission import webhook_event_emit
from clientela.webhooks.models import EventType

QUANTITY = Decimal("0.001")


def party_ref(party) -> dict:
    return {"id": party.public_id, "kind": party.kind, "display_name": party.display_name}


def party_data(party) -> dict:
    """The party's key fields with its emails and phones (primary first) and tags."""
    points: dict[str, list[str]] = {"email": [], "phone": []}
    for kind, value in party.contact_points.order_by("kind", "-is_primary", "id").values_list(
        "kind", "value"
    ):
        if kind in points:
            points[kind].append(value)
    return {
        **party_ref(party),
        "given_name": party.given_name,
        "family_name": party.family_name,
        "organisation_name": party.organisation_name,
        "language": party.language,
        "external_id": party.external_id,
        "marketing_consent": party.marketing_consent,
        "emails": points["email"],
        "phones": points["phone"],
        "tags": sorted(party.tags.values_list("name", flat=True)),
        "created_at": party.created_at,
        "updated_at": party.updated_at,
    }


def relationship_data(relationship) -> dict:
    converted_from = relationship.converted_from
    return {
        "id": relationship.public_id,
        "kind": relationship.kind,
        "status": relationship.status,
        "stage": relationship.stage,
        "is_current": relationship.is_current,
        "acquisition_channel": relationship.acquisition_channel,
        "owner": _username(relationship.owner),
        "started_at": relationship.started_at,
        "ended_at": relationship.ended_at,
        "end_reason": relationship.end_reason,
        "converted_from": converted_from.public_id if converted_from else None,
    }


def emit_party_created(*, party) -> None:
    webhook_event_emit(
        event_type=EventType.PARTY_CREATED, data=lambda: {"party": party_data(party)}
    )


def emit_party_updated(*, party, changed: Iterable[str]) -> None:
    fields = sorted(changed)
    webhook_event_emit(
        event_type=EventType.PARTY_UPDATED,
        data=lambda: {"party": party_data(party), "changed": fields},
    )


def emit_relationship_opened(*, relationship) -> None:
    webhook_event_emit(
        event_type=EventType.RELATIONSHIP_OPENED,
        data=lambda: {
            "party": party_ref(relationship.party),
            "relationship": relationship_data(relationship),
        },
    )


def emit_relationship_converted(*, old, new, reason: str) -> None:
    """`old` is the closed (converted) relationship, `new` the one opened in its place."""
    webhook_event_emit(
        event_type=EventType.RELATIONSHIP_CONVERTED,
        data=lambda: {
            "party": party_ref(new.party),
            "from": relationship_data(old),
            "to": relationship_data(new),
            "reason": reason,
        },
    )


def emit_relationship_ended(*, relationship) -> None:
    webhook_event_emit(
        event_type=EventType.RELATIONSHIP_ENDED,
        data=lambda: {
            "party": party_ref(relationship.party),
            "relationship": relationship_data(relationship),
        },
    )


def emit_relationship_owner_changed(*, relationship, before) -> None:
    """`before` is the previous owner (a user or None)."""
    previous = _username(before)
    webhook_event_emit(
        event_type=EventType.RELATIONSHIP_OWNER_CHANGED,
        data=lambda: {
            "party": party_ref(relationship.party),
            "relationship": relationship_data(relationship),
            "owner": {"from": previous, "to": _username(relationship.owner)},
        },
    )


def emit_journey_stage_changed(*, relationship, transition) -> None:
    webhook_event_emit(
        event_type=EventType.JOURNEY_STAGE_CHANGED,
        data=lambda: {
            "party": party_ref(relationship.party),
            "relationship": relationship_data(relationship),
            "journey": relationship.kind,
            "from_stage": transition.from_stage,
            "to_stage": transition.to_stage,
            "reason": transition.reason,
            "actor": _username(transition.actor),
            "at": transition.at,
        },
    )


def emit_order_recorded(*, order, lines) -> None:
    """`lines`: the order's OrderLine objects (as just written)."""
    webhook_event_emit(
        event_type=EventType.ORDER_RECORDED,
        data=lambda: {"party": party_ref(order.payer), "order": _order_data(order, lines)},
    )


def emit_activity_logged(*, activity) -> None:
    webhook_event_emit(
        event_type=EventType.ACTIVITY_LOGGED,
        data=lambda: {"party": party_ref(activity.party), "activity": _activity_data(activity)},
    )


def score_changed_data(
    *,
    party_id: str,
    run_id: str,
    kind: str,
    segment: str,
    previous_segment: str | None,
    clv_12m: Decimal | None = None,
    p_alive: float | None = None,
    expected_purchases_90d: float | None = None,
) -> dict:
    """The data of a `score.changed` event; ids are public (`pty_...`, the run's)."""
    return {
        "party": {"id": party_id},
        "run": run_id,
        "kind": kind,
        "segment": {"from": previous_segment, "to": segment},
        "clv_12m": clv_12m,
        "p_alive": p_alive,
        "expected_purchases_90d": expected_purchases_90d,
    }


def emit_score_changed(**fields) -> None:
    """One `score.changed` event; the keyword arguments are `score_changed_data`'s. A run
    changing many scores should use `webhook_events_emit_many` with `score_changed_data`."""
    data = score_changed_data(**fields)
    webhook_event_emit(event_type=EventType.SCORE_CHANGED, data=data)


def classification_changed_data(
    *,
    party_id: str,
    run_id: str,
    kind: str,
    behaves_like: str,
    previous_behaves_like: str | None,
    confidence: float,
    mismatch: bool,
) -> dict:
    """The data of a `classification.changed` event: the recorded kind, what the party
    behaves like now and before, how sure, and whether the two disagree."""
    return {
        "party": {"id": party_id},
        "run": run_id,
        "kind": kind,
        "behaves_like": {"from": previous_behaves_like, "to": behaves_like},
        "confidence": confidence,
        "mismatch": mismatch,
    }


def emit_classification_changed(**fields) -> None:
    data = classification_changed_data(**fields)
    webhook_event_emit(event_type=EventType.CLASSIFICATION_CHANGED, data=data)


def _order_data(order, lines) -> dict:
    return {
        "id": order.public_id,
        "external_id": order.external_id,
        "status": order.status,
        "channel": order.channel,
        "currency": order.currency,
        "total": order.total,
        "placed_at": order.placed_at,
        "relationship": order.relationship.public_id if order.relationship_id else None,
        "lines": [
            {
                "description": line.description,
                "item": line.item.public_id if line.item_id else None,
                "sku": line.item.sku if line.item_id else None,
                "offering": line.offering,
                "quantity": Decimal(line.quantity).quantize(QUANTITY),  # as stored
                "unit_price": line.unit_price,
                "amount": line.amount,
                "payer": line.payer.public_id,
                "consumer": line.consumer.public_id,
            }
            for line in lines
        ],
    }


def _activity_data(activity) -> dict:
    return {
        "id": activity.public_id,
        "kind": activity.kind,
        "channel": activity.channel,
        "direction": activity.direction,
        "occurred_at": activity.occurred_at,
        "subject": activity.subject,
        "external_id": activity.external_id,
        "relationship": activity.relationship.public_id if activity.relationship_id else None,
        "staff": _username(activity.staff) if activity.staff_id else None,
        "properties": activity.properties,
    }


def _username(user) -> str | None:
    return user.username if user is not None else None
