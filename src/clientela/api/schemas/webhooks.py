"""Webhook subscriptions and their delivery log (admins only). The signing secret appears
in exactly two responses: the subscription just created and the secret just rotated."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Schema
from pydantic import Field

from clientela.api.schemas.common import In, ListQuery
from clientela.webhooks.models import SUBSCRIBABLE, DeliveryStatus

EventTypeName = Literal[tuple(kind.value for kind in SUBSCRIBABLE)]  # type: ignore[valid-type]
EventTypes = Annotated[list[EventTypeName], Field(min_length=1, max_length=50)]
# Documented as a URI; checked by the service (http or https, a host, no user name).
Url = Annotated[str, Field(min_length=1, max_length=2000, json_schema_extra={"format": "uri"})]
Description = Annotated[str, Field(max_length=200)]


class EventTypeOut(Schema):
    type: str
    label: str


class WebhookOut(Schema):
    id: str
    url: str
    description: str
    event_types: list[str]
    is_active: bool
    consecutive_failures: int = Field(
        description="Deliveries in a row that gave up (reset by any success and by enabling)."
    )
    disabled_at: datetime | None
    disabled_reason: str
    previous_secret_valid_until: datetime | None = Field(
        description="After a rotation, until when the previous secret still signs too."
    )
    last_delivery_status: str | None
    last_delivery_at: datetime | None
    created_by: str | None
    created_at: datetime
    updated_at: datetime


class WebhookSecretOut(WebhookOut):
    secret: str = Field(
        description="The signing secret, shown only in this response: store it now."
    )


class WebhookIn(In):
    url: Url
    event_types: EventTypes
    description: Description = ""


class WebhookPatch(In):
    url: Url | None = None
    event_types: EventTypes | None = None
    description: Description | None = None


class WebhookDisableIn(In):
    reason: Annotated[str, Field(max_length=300)] = ""


class WebhookQuery(ListQuery):
    active: bool | None = None


class DeliveryQuery(ListQuery):
    status: Literal[("", *DeliveryStatus.values)] = Field(  # type: ignore[valid-type]
        "", description="Only deliveries in this status (empty: all)."
    )


class DeliveryOut(Schema):
    id: str
    subscription: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_response_code: int | None
    last_error: str
    response_excerpt: str
    duration_ms: int | None
    completed_at: datetime | None
    created_at: datetime
    payload: dict[str, Any] = Field(description="The event exactly as it is sent.")


def webhook_out(subscription) -> dict:
    until = subscription.previous_secret_until
    return {
        "id": subscription.public_id,
        "url": subscription.url,
        "description": subscription.description,
        "event_types": list(subscription.event_types),
        "is_active": subscription.is_active,
        "consecutive_failures": subscription.consecutive_failures,
        "disabled_at": subscription.disabled_at,
        "disabled_reason": subscription.disabled_reason,
        "previous_secret_valid_until": until if subscription.previous_secret else None,
        "last_delivery_status": getattr(subscription, "last_status", None),
        "last_delivery_at": getattr(subscription, "last_at", None),
        "created_by": subscription.created_by.username if subscription.created_by else None,
        "created_at": subscription.created_at,
        "updated_at": subscription.updated_at,
    }


def delivery_out(delivery, subscription_id: str) -> dict:
    return {
        "id": delivery.public_id,
        "subscription": subscription_id,
        "event_id": str(delivery.event_id),
        "event_type": delivery.event_type,
        "status": delivery.status,
        "attempts": delivery.attempts,
        "next_attempt_at": delivery.next_attempt_at,
        "last_attempt_at": delivery.last_attempt_at,
        "last_response_code": delivery.last_response_code,
        "last_error": delivery.last_error,
        "response_excerpt": delivery.response_excerpt,
        "duration_ms": delivery.duration_ms,
        "completed_at": delivery.completed_at,
        "created_at": delivery.created_at,
        "payload": delivery.payload,
    }
