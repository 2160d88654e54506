"""/webhooks: subscriptions, their secrets, test sends and delivery logs (admins only; a
read token may look, only a write token may change). Thin over webhooks.services and
webhooks.selectors, the functions the settings pages call. See docs/webhooks.md."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from clientela.accounts.permissions import Action, authorize
from clientela.api.etags import conditional_write, with_etag
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathId,
    actor,
    created,
    links_to,
    not_found,
    page,
    responses,
)
from clientela.api.schemas.common import ListQuery
from clientela.api.schemas.webhooks import (
    DeliveryOut,
    DeliveryQuery,
    EventTypeOut,
    WebhookDisableIn,
    WebhookIn,
    WebhookOut,
    WebhookPatch,
    WebhookSecretOut,
    delivery_out,
    webhook_out,
)
from clientela.webhooks import services
from clientela.webhooks.selectors import (
    webhook_delivery_get,
    webhook_delivery_page,
    webhook_event_type_choices,
    webhook_subscription_get,
    webhook_subscription_list,
)

router = Router(tags=["webhooks"])
WebhookPage = page_schema(WebhookOut)
DeliveryPage = page_schema(DeliveryOut)


def _load(request: HttpRequest, public_id: str):
    """The subscription with its newest delivery's status (404 naming the id)."""
    found = webhook_subscription_list(actor=actor(request)).filter(public_id=public_id).first()
    return (
        found
        if found is not None
        else webhook_subscription_get(actor=actor(request), public_id=public_id)
    )


def _represent(request: HttpRequest, public_id: str) -> dict:
    return webhook_out(_load(request, public_id))


def _lock(public_id: str) -> None:
    from clientela.webhooks.models import WebhookSubscription

    rows = WebhookSubscription.objects.select_for_update().filter(public_id=public_id)
    if not list(rows.values_list("pk", flat=True)):
        raise not_found(_("No webhook subscription %(id)s.") % {"id": public_id})


def _with_secret(response: HttpResponse, request: HttpRequest, subscription) -> dict:
    body = with_etag(response, _represent(request, subscription.public_id))
    return {**body, "secret": subscription.secret}


@router.get(
    "/event-types",
    response=responses(200, list[EventTypeOut]),
    operation_id="listWebhookEventTypes",
)
def list_event_types(request: HttpRequest):
    """The events a subscription may list, in the registry's order (`webhook.test` is sent
    only by the test endpoint)."""
    authorize(actor(request), Action.WEBHOOK_MANAGE)
    return [{"type": value, "label": label} for value, label in webhook_event_type_choices()]


@router.get("", response=responses(200, WebhookPage), operation_id="listWebhooks")
def list_webhooks(request: HttpRequest, query: Query[ListQuery]):
    """Every subscription, oldest first, with its newest delivery's status. No secrets."""
    rows, next_cursor = keyset_page(
        webhook_subscription_list(actor=actor(request)),
        ordering=("created_at", "id"),
        cursor=query.cursor,
        limit=query.limit,
        tag="webhooks",
    )
    return page(rows, next_cursor, webhook_out)


@router.post(
    "",
    response=responses(201, WebhookSecretOut),
    operation_id="createWebhook",
    openapi_extra=links_to(
        "getWebhook",
        "updateWebhook",
        "rotateWebhookSecret",
        "enableWebhook",
        "disableWebhook",
        "sendWebhookTest",
        "listWebhookDeliveries",
        "deleteWebhook",
    ),
)
def create_webhook(request: HttpRequest, response: HttpResponse, payload: WebhookIn):
    """Subscribe a URL to events. The response holds the signing secret, the only time it
    is shown: store it in the receiver's configuration."""
    subscription = services.webhook_subscription_create(
        actor=actor(request),
        url=payload.url,
        event_types=payload.event_types,
        description=payload.description,
    )
    body = _with_secret(response, request, subscription)
    return created(response, body, path=f"webhooks/{subscription.public_id}")


@router.get("/{public_id}", response=responses(200, WebhookOut), operation_id="getWebhook")
def get_webhook(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, _represent(request, public_id))


@router.patch(
    "/{public_id}",
    response=responses(200, WebhookOut, conditional=True),
    operation_id="updateWebhook",
)
def update_webhook(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: WebhookPatch
):
    """Change the URL, the event types or the description (only the fields sent; open
    deliveries go to the new URL from their next attempt). Honours If-Match."""
    with conditional_write(
        request, lambda: _lock(public_id), lambda: _represent(request, public_id)
    ):
        services.webhook_subscription_update(
            actor=actor(request),
            subscription=webhook_subscription_get(actor=actor(request), public_id=public_id),
            **payload.model_dump(exclude_unset=True, exclude_none=True),
        )
    return with_etag(response, _represent(request, public_id))


@router.delete(
    "/{public_id}",
    response=responses(204, None, conditional=True),
    operation_id="deleteWebhook",
)
def delete_webhook(request: HttpRequest, public_id: PathId):
    """Delete the subscription and its delivery log. Honours If-Match."""
    with conditional_write(
        request, lambda: _lock(public_id), lambda: _represent(request, public_id)
    ):
        services.webhook_subscription_delete(
            actor=actor(request),
            subscription=webhook_subscription_get(actor=actor(request), public_id=public_id),
        )
    return Status(204, None)


@router.post(
    "/{public_id}/rotate-secret",
    response=responses(200, WebhookSecretOut),
    operation_id="rotateWebhookSecret",
)
def rotate_secret(request: HttpRequest, response: HttpResponse, public_id: PathId):
    """Replace the signing secret; the response shows the new one, once. For 24 hours the
    old secret signs every delivery too (a second `v1`), so the receiver can switch over."""
    subscription = services.webhook_secret_rotate(
        actor=actor(request),
        subscription=webhook_subscription_get(actor=actor(request), public_id=public_id),
    )
    return _with_secret(response, request, subscription)


@router.post(
    "/{public_id}/enable", response=responses(200, WebhookOut), operation_id="enableWebhook"
)
def enable_webhook(request: HttpRequest, response: HttpResponse, public_id: PathId):
    """Send to the subscription again and reset its failure count (events that happened
    while it was disabled are not sent)."""
    services.webhook_subscription_enable(
        actor=actor(request),
        subscription=webhook_subscription_get(actor=actor(request), public_id=public_id),
    )
    return with_etag(response, _represent(request, public_id))


@router.post(
    "/{public_id}/disable", response=responses(200, WebhookOut), operation_id="disableWebhook"
)
def disable_webhook(
    request: HttpRequest,
    response: HttpResponse,
    public_id: PathId,
    payload: WebhookDisableIn | None = None,
):
    """Stop sending to the subscription, with an optional `reason`; its open deliveries
    give up at their next turn."""
    services.webhook_subscription_disable(
        actor=actor(request),
        subscription=webhook_subscription_get(actor=actor(request), public_id=public_id),
        reason=payload.reason if payload is not None else "",
    )
    return with_etag(response, _represent(request, public_id))


@router.post(
    "/{public_id}/test",
    response=responses(202, DeliveryOut),
    operation_id="sendWebhookTest",
)
def send_test(request: HttpRequest, response: HttpResponse, public_id: PathId):
    """Queue a `webhook.test` event to this subscription only (202: the worker sends it;
    follow it in the delivery log). A disabled subscription is 409."""
    delivery = services.webhook_test_send(
        actor=actor(request),
        subscription=webhook_subscription_get(actor=actor(request), public_id=public_id),
    )
    response["Location"] = f"{request.path.removesuffix('/test')}/deliveries/{delivery.public_id}"
    return Status(202, delivery_out(delivery, public_id))


@router.get(
    "/{public_id}/deliveries",
    response=responses(200, DeliveryPage),
    operation_id="listWebhookDeliveries",
)
def list_deliveries(request: HttpRequest, public_id: PathId, query: Query[DeliveryQuery]):
    """The subscription's delivery log, newest first; `status` keeps one status
    (`pending`, `failed` (will retry), `succeeded`, `gave_up`)."""
    subscription = webhook_subscription_get(actor=actor(request), public_id=public_id)
    found = webhook_delivery_page(
        actor=actor(request),
        subscription=subscription,
        cursor=query.cursor,
        status=query.status or None,
        size=query.limit,
    )
    return page(found.rows, found.next_cursor, lambda row: delivery_out(row, public_id))


@router.get(
    "/{public_id}/deliveries/{delivery_id}",
    response=responses(200, DeliveryOut),
    operation_id="getWebhookDelivery",
)
def get_delivery(request: HttpRequest, public_id: PathId, delivery_id: PathId):
    """One delivery of the subscription's log."""
    delivery = webhook_delivery_get(actor=actor(request), public_id=delivery_id)
    if delivery.subscription.public_id != public_id:
        raise not_found(_("No webhook delivery %(id)s.") % {"id": delivery_id})
    return delivery_out(delivery, public_id)
