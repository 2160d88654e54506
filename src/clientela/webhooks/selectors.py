"""Reading subscriptions and the delivery log (admins only: the rows hold the secrets and
what receivers answered)."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.webhooks.models import (
    SUBSCRIBABLE,
    DeliveryStatus,
    WebhookDelivery,
    WebhookSubscription,
)

DELIVERY_PAGE = 25


@dataclass(frozen=True)
class DeliveryPage:
    rows: list[WebhookDelivery]
    next_cursor: str | None


def webhook_event_type_choices() -> list[tuple[str, str]]:
    """(value, label) of every event type a subscription may list, in registry order."""
    return [(kind.value, str(kind.label)) for kind in SUBSCRIBABLE]


def webhook_subscription_list(*, actor) -> QuerySet[WebhookSubscription]:
    """Every subscription, oldest first, each annotated with its newest delivery's status
    and creation time (`last_status`, `last_at`; None without deliveries)."""
    authorize(actor, Action.WEBHOOK_MANAGE)
    newest = WebhookDelivery.objects.filter(subscription=OuterRef("pk")).order_by("-id")
    return WebhookSubscription.objects.select_related("created_by").annotate(
        last_status=Subquery(newest.values("status")[:1]),
        last_at=Subquery(newest.values("created_at")[:1]),
    )


def webhook_subscription_get(*, actor, public_id: str) -> WebhookSubscription:
    authorize(actor, Action.WEBHOOK_MANAGE)
    try:
        return WebhookSubscription.objects.select_related("created_by").get(public_id=public_id)
    except WebhookSubscription.DoesNotExist:
        raise ApplicationError(
            ErrorCode.NOT_FOUND,
            _("No webhook subscription %(id)s.") % {"id": public_id},
        ) from None


def webhook_delivery_get(*, actor, public_id: str) -> WebhookDelivery:
    authorize(actor, Action.WEBHOOK_MANAGE)
    try:
        return WebhookDelivery.objects.select_related("subscription").get(public_id=public_id)
    except WebhookDelivery.DoesNotExist:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, _("No webhook delivery %(id)s.") % {"id": public_id}
        ) from None


def webhook_delivery_page(
    *,
    actor,
    subscription: WebhookSubscription,
    cursor: str | None = None,
    status: str | None = None,
    size: int = DELIVERY_PAGE,
) -> DeliveryPage:
    """The subscription's deliveries, newest first, `size` a page (1 to 200), optionally
    only one status. Keyset paging: the opaque cursor holds the last row's position, so a
    deep page costs the same as the first and new deliveries never shift a page."""
    authorize(actor, Action.WEBHOOK_MANAGE)
    if not 1 <= size <= 200:
        raise validation_error("size", _("must be between 1 and 200"))
    rows = WebhookDelivery.objects.filter(subscription=subscription)
    if status:
        if status not in DeliveryStatus.values:
            raise validation_error(
                "status",
                _("must be one of %(choices)s") % {"choices": ", ".join(DeliveryStatus.values)},
            )
        rows = rows.filter(status=status)
    if cursor:
        rows = rows.filter(id__lt=_cursor_decode(cursor))
    found = list(rows.order_by("-id")[: size + 1])
    shown = found[:size]
    more = len(found) > size
    return DeliveryPage(rows=shown, next_cursor=_cursor_encode(shown[-1].id) if more else None)


def _cursor_encode(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"d{last_id}".encode()).decode().rstrip("=")


def _cursor_decode(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode((cursor + "=" * (-len(cursor) % 4)).encode()).decode()
        if not raw.startswith("d") or not raw[1:].isdigit():
            raise ValueError
        return int(raw[1:])
    except (ValueError, UnicodeDecodeError):
        raise validation_error("cursor", _("is not a cursor this delivery log produced")) from None
