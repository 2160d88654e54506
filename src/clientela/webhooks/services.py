"""Managing webhook subscriptions (admins only, like users and settings).

Every function checks `Action.WEBHOOK_MANAGE`, validates (errors name the field), writes in
one transaction with the subscription row locked, and records an audit event. The secret
never appears in an audit event or a log line; it is shown to the admin after create and
rotate, and kept in clear because every delivery is signed with it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.core.services import audit_record
from clientela.webhooks.emission import webhook_event_emit_to
from clientela.webhooks.models import (
    SUBSCRIBABLE,
    EventType,
    WebhookDelivery,
    WebhookSubscription,
)

# After a rotation the previous secret keeps signing (as a second v1) for this long.
ROTATION_OVERLAP = dt.timedelta(hours=24)
SECRET_PREFIX = "whsec_"


def webhook_secret_new() -> str:
    """A new signing secret: `whsec_` and 43 URL-safe characters (256 random bits)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def webhook_subscription_create(
    *, actor, url: str, event_types: Iterable[str], description: str = ""
) -> WebhookSubscription:
    """Subscribe `url` to `event_types` with a new secret (read it from the result, once)."""
    authorize(actor, Action.WEBHOOK_MANAGE)
    subscription = WebhookSubscription(
        url=webhook_url_clean(url),
        event_types=event_types_clean(event_types),
        description=_description(description),
        secret=webhook_secret_new(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    with transaction.atomic():
        subscription.save()
        audit_record(
            actor=actor,
            action="webhook.created",
            target=subscription,
            data={"url": subscription.url, "event_types": subscription.event_types},
        )
    return subscription


def webhook_subscription_update(
    *,
    actor,
    subscription: WebhookSubscription,
    url: str | None = None,
    event_types: Iterable[str] | None = None,
    description: str | None = None,
) -> WebhookSubscription:
    """Change the URL, the event types or the description (None: unchanged). Open
    deliveries go to the new URL from their next attempt on."""
    authorize(actor, Action.WEBHOOK_MANAGE)
    changes = {}
    if url is not None:
        changes["url"] = webhook_url_clean(url)
    if event_types is not None:
        changes["event_types"] = event_types_clean(event_types)
    if description is not None:
        changes["description"] = _description(description)
    with transaction.atomic():
        locked = _lock(subscription)
        before = {name: getattr(locked, name) for name in changes}
        for name, value in changes.items():
            setattr(locked, name, value)
        locked.updated_at = timezone.now()
        locked.save(update_fields=[*changes, "updated_at"])
        audit_record(
            actor=actor,
            action="webhook.updated",
            target=locked,
            data={"before": before, "after": changes},
        )
    return _copy(locked, subscription)


def webhook_subscription_delete(*, actor, subscription: WebhookSubscription) -> None:
    """Delete the subscription and its delivery log; queued attempts find nothing to send."""
    authorize(actor, Action.WEBHOOK_MANAGE)
    with transaction.atomic():
        locked = _lock(subscription)
        audit_record(
            actor=actor,
            action="webhook.deleted",
            target=locked,
            data={"url": locked.url, "event_types": locked.event_types},
        )
        locked.delete()


def webhook_secret_rotate(*, actor, subscription: WebhookSubscription) -> WebhookSubscription:
    """Give the subscription a new secret. The old one still signs each delivery (a second
    `v1` in the header) for ROTATION_OVERLAP, so the receiver can switch without a gap."""
    authorize(actor, Action.WEBHOOK_MANAGE)
    with transaction.atomic():
        locked = _lock(subscription)
        now = timezone.now()
        locked.previous_secret = locked.secret
        locked.previous_secret_until = now + ROTATION_OVERLAP
        locked.secret = webhook_secret_new()
        locked.updated_at = now
        locked.save(
            update_fields=["secret", "previous_secret", "previous_secret_until", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="webhook.secret_rotated",
            target=locked,
            data={"previous_valid_until": locked.previous_secret_until},
        )
    return _copy(locked, subscription)


def webhook_subscription_enable(*, actor, subscription: WebhookSubscription):
    """Re-enable a disabled subscription (after an automatic disable: once the receiver is
    fixed) and reset its failure count. Deliveries that gave up meanwhile stay given up."""
    authorize(actor, Action.WEBHOOK_MANAGE)
    with transaction.atomic():
        locked = _lock(subscription)
        if not locked.is_active or locked.consecutive_failures:
            before = {"reason": locked.disabled_reason, "failures": locked.consecutive_failures}
            locked.is_active = True
            locked.consecutive_failures = 0
            locked.disabled_at = None
            locked.disabled_reason = ""
            locked.updated_at = timezone.now()
            locked.save(
                update_fields=[
                    "is_active",
                    "consecutive_failures",
                    "disabled_at",
                    "disabled_reason",
                    "updated_at",
                ]
            )
            audit_record(actor=actor, action="webhook.enabled", target=locked, data=before)
    return _copy(locked, subscription)


def webhook_subscription_disable(
    *, actor, subscription: WebhookSubscription, reason: str = ""
) -> WebhookSubscription:
    """Stop sending to the subscription; its open deliveries give up at their next turn."""
    authorize(actor, Action.WEBHOOK_MANAGE)
    reason = (reason or "").strip()[:300] or _("Disabled by %(user)s.") % {
        "user": getattr(actor, "username", None) or _("the system")
    }
    with transaction.atomic():
        locked = _lock(subscription)
        if locked.is_active:
            locked.is_active = False
            locked.disabled_at = timezone.now()
            locked.disabled_reason = reason
            locked.updated_at = locked.disabled_at
            locked.save(update_fields=["is_active", "disabled_at", "disabled_reason", "updated_at"])
            audit_record(
                actor=actor,
                action="webhook.disabled",
                target=locked,
                data={"reason": reason, "automatic": False},
            )
    return _copy(locked, subscription)


def webhook_test_send(*, actor, subscription: WebhookSubscription) -> WebhookDelivery:
    """Queue a `webhook.test` event to this subscription only (whatever its event types);
    the worker sends it like any other delivery and it shows in the delivery log."""
    authorize(actor, Action.WEBHOOK_MANAGE)
    with transaction.atomic():
        locked = _lock(subscription)
        if not locked.is_active:
            raise ApplicationError(
                ErrorCode.CONFLICT,
                _("The subscription is disabled; enable it before sending a test event."),
            )
        (delivery,) = webhook_event_emit_to(
            subscription=locked,
            event_type=EventType.WEBHOOK_TEST,
            data={
                "subscription": {"id": locked.public_id, "url": locked.url},
                "message": "A test event sent from Clientela.",
                "sent_by": getattr(actor, "username", None),
            },
        )
        audit_record(
            actor=actor,
            action="webhook.test_sent",
            target=locked,
            data={"delivery": delivery.public_id},
        )
    return delivery


def webhook_url_clean(url: str) -> str:
    """An absolute http(s) URL with a host, without user name or password."""
    if not isinstance(url, str) or not url.strip():
        raise validation_error("url", _("is required"))
    url = url.strip()
    if len(url) > 2000:
        raise validation_error("url", _("is longer than 2000 characters"))
    if urlsplit(url).scheme.lower() not in {"http", "https"}:
        raise validation_error("url", _("must start with http:// or https://"))
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise validation_error(
            "url", _("%(value)s is not a valid web address") % {"value": repr(url)}
        ) from None
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise validation_error(
            "url",
            _("must not contain a user name or password (the signature authenticates Clientela)"),
        )
    return url


def event_types_clean(event_types: Iterable[str]) -> list[str]:
    """The subscribable event types named, each once, in the registry's order."""
    if isinstance(event_types, str) or event_types is None:
        raise validation_error("event_types", _("must be a list of event types"))
    wanted = set()
    for value in event_types:
        if value not in SUBSCRIBABLE:
            raise validation_error(
                "event_types",
                _("%(value)s is not an event type (one of %(choices)s)")
                % {"value": repr(value), "choices": ", ".join(SUBSCRIBABLE)},
            )
        wanted.add(value)
    if not wanted:
        raise validation_error("event_types", _("choose at least one event type"))
    return [kind.value for kind in SUBSCRIBABLE if kind in wanted]


def _description(value: str) -> str:
    value = (value or "").strip()
    if len(value) > 200:
        raise validation_error("description", _("is longer than 200 characters"))
    return value


def _lock(subscription: WebhookSubscription) -> WebhookSubscription:
    try:
        return WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    except WebhookSubscription.DoesNotExist:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such webhook subscription.")) from None


def _copy(locked: WebhookSubscription, target: WebhookSubscription) -> WebhookSubscription:
    """Bring the caller's object up to date with the row as written."""
    for field in locked._meta.concrete_fields:
        setattr(target, field.attname, getattr(locked, field.attname))
    return target
