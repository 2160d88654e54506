"""Turning an event into deliveries.

`webhook_event_emit` is called by the other apps' services inside their transaction: it
writes one delivery per active subscription of that type (so a rolled-back change leaves
none) and queues their sending with `transaction.on_commit` (so nothing is sent before the
change is visible, and nothing at all if it rolls back). With no subscription for the type
it costs one query on the (tiny) subscription table and builds no payload: `data` may be a
callable, called only when someone listens. Bulk paths (demo load, batch ingestion) do not
emit.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from clientela.core.errors import validation_error
from clientela.webhooks.models import EventType, WebhookDelivery, WebhookSubscription

logger = logging.getLogger(__name__)

EventData = dict[str, Any] | Callable[[], dict[str, Any]]


def webhook_event_emit(*, event_type: str, data: EventData) -> list[WebhookDelivery]:
    """Emit one event: one delivery per active subscription of `event_type`, sent by the
    worker once the surrounding transaction commits. Returns the deliveries ([] when nobody
    subscribes). `data` holds public ids and plain values (never internal integer ids);
    Decimals and datetimes become strings."""
    return webhook_events_emit_many(event_type=event_type, items=[data])


def webhook_events_emit_many(
    *, event_type: str, items: Iterable[EventData]
) -> list[WebhookDelivery]:
    """Emit one event per item (each with its own event id), in one insert: for the runs
    that change many scores or classifications at once."""
    kind = _event_type(event_type)
    targets = _subscribers(kind)
    if not targets:
        return []
    return _deliveries_create(kind, [item() if callable(item) else item for item in items], targets)


def webhook_event_emit_to(*, subscription: WebhookSubscription, event_type: str, data: dict):
    """Emit an event to one subscription only (the test button), whatever its types."""
    return _deliveries_create(_event_type(event_type), [data], [subscription.pk])


def webhook_envelope(*, event_type: str, data: dict, event_id: str, created_at) -> dict:
    """The payload every receiver gets: `{"id", "type", "created_at", "data"}`."""
    return {
        "id": event_id,
        "type": str(event_type),
        "created_at": _plain(created_at),
        "data": _plain(data),
    }


def _event_type(value: str) -> EventType:
    if value not in EventType.values:
        raise validation_error(
            "event_type", f"unknown event type {value!r} (one of {', '.join(EventType.values)})"
        )
    return EventType(value)


def _subscribers(kind: EventType) -> list[int]:
    rows = WebhookSubscription.objects.filter(is_active=True).values_list("pk", "event_types")
    return [pk for pk, types in rows if kind.value in (types or ())]


def _deliveries_create(kind: EventType, datas: list[dict], targets: list[int]):
    now = timezone.now()
    deliveries = []
    for data in datas:
        if not isinstance(data, dict):
            raise validation_error("data", "must be an object")
        event_id = str(uuid.uuid4())
        payload = webhook_envelope(event_type=kind, data=data, event_id=event_id, created_at=now)
        for subscription_id in targets:
            delivery = WebhookDelivery(
                subscription_id=subscription_id,
                event_id=event_id,
                event_type=kind.value,
                payload=payload,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
            delivery.assign_public_id()
            deliveries.append(delivery)
    if not deliveries:
        return []
    with transaction.atomic():
        WebhookDelivery.objects.bulk_create(deliveries, batch_size=1000)
        transaction.on_commit(
            partial(deliveries_enqueue, [d.public_id for d in deliveries]), robust=True
        )
    return deliveries


def deliveries_enqueue(public_ids: list[str], run_after=None) -> None:
    """Queue one `deliver` task per delivery (deferred to `run_after` when given)."""
    from clientela.webhooks.tasks import deliver

    task = deliver.using(run_after=run_after) if run_after is not None else deliver
    for public_id in public_ids:
        task.enqueue(delivery_id=public_id)


def _plain(value):
    """JSON-ready copy: Decimal -> "12.50", datetime -> ISO 8601 with Z, UUID -> str."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))
