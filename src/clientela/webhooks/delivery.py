"""Sending a delivery: claim, POST, record, retry or give up.

Guarantees:
- at most one worker sends a given attempt: the attempt is claimed by one conditional UPDATE
  (open status, due, no live lease), which two workers cannot both win on SQLite or
  PostgreSQL; a delivery that succeeded or gave up is never claimed again;
- no transaction is held open during the HTTP call (a slow receiver never blocks writers);
- the request is a POST of the frozen payload, signed (`signing`), with a timeout
  (`WEBHOOK_TIMEOUT`), without following redirects; only a 2xx answer is a success;
- a failed attempt is retried after the next wait of `WEBHOOK_RETRY_SCHEDULE` (the retry is
  queued in the same transaction that records the failure); when the waits run out the
  delivery gives up, and after `WEBHOOK_DISABLE_AFTER` deliveries in a row gave up the
  subscription is disabled with the reason and an audit event; any success resets the count;
- a delivery whose subscription was disabled before its turn gives up without being sent.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import logging
import socket
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.core.services import audit_record
from clientela.webhooks.conf import WebhookSettings, webhook_settings
from clientela.webhooks.emission import deliveries_enqueue
from clientela.webhooks.models import (
    OPEN_STATUSES,
    DeliveryStatus,
    WebhookDelivery,
    WebhookSubscription,
)
from clientela.webhooks.signing import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    webhook_signature_header,
)

logger = logging.getLogger(__name__)

USER_AGENT = "Clientela-Webhooks/1"
EXCERPT_CHARS = 1000
ERROR_CHARS = 500


@dataclass(frozen=True)
class AttemptResult:
    ok: bool
    status_code: int | None
    error: str
    excerpt: str
    duration_ms: int


def webhook_delivery_attempt(*, delivery_id: str) -> str:
    """Make one attempt at the delivery and return its outcome (see `tasks.deliver`)."""
    conf = webhook_settings()
    row = (
        WebhookDelivery.objects.select_related("subscription").filter(public_id=delivery_id).first()
    )
    if row is None:
        return "missing"
    if row.status not in OPEN_STATUSES:
        return "skipped"
    now = timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    if not row.subscription.is_active:
        given_up = WebhookDelivery.objects.filter(free, pk=row.pk, status__in=OPEN_STATUSES).update(
            status=DeliveryStatus.GAVE_UP,
            next_attempt_at=None,
            completed_at=now,
            updated_at=now,
            last_error=_("The subscription is disabled; the delivery was not sent."),
        )
        return "gave_up" if given_up else "skipped"
    lease = now + dt.timedelta(seconds=2 * conf.timeout + 60)
    claimed = WebhookDelivery.objects.filter(
        free, pk=row.pk, status__in=OPEN_STATUSES, next_attempt_at__lte=now
    ).update(lease_until=lease, attempts=F("attempts") + 1, last_attempt_at=now, updated_at=now)
    if not claimed:
        return "skipped"
    result = send(subscription=row.subscription, delivery=row, timeout=conf.timeout)
    return _record(delivery_pk=row.pk, lease=lease, result=result, conf=conf)


def webhook_request_body(payload: dict) -> bytes:
    """The exact bytes sent (and signed): compact JSON with sorted keys, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def send(*, subscription: WebhookSubscription, delivery: WebhookDelivery, timeout: float):
    """POST the delivery's payload to the subscription's URL once; never raises for what
    the network or the receiver does."""
    body = webhook_request_body(delivery.payload)
    secrets = [subscription.secret]
    if subscription.previous_secret and (
        subscription.previous_secret_until and subscription.previous_secret_until > timezone.now()
    ):
        secrets.append(subscription.previous_secret)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: webhook_signature_header(
            secrets=secrets, timestamp=int(time.time()), body=body
        ),
        EVENT_HEADER: delivery.event_type,
        DELIVERY_HEADER: delivery.public_id,
    }
    request = urllib.request.Request(subscription.url, data=body, headers=headers, method="POST")
    started = time.monotonic()
    code, error, excerpt = None, "", b""
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            code = response.status
            excerpt = response.read(EXCERPT_CHARS)
    except urllib.error.HTTPError as exc:
        code = exc.code
        if 300 <= code < 400:
            error = _("Redirect to %(location)s not followed.") % {
                "location": exc.headers.get("Location", "?")
            }
        else:
            error = f"HTTP {code} {exc.reason}"
        try:
            excerpt = exc.read(EXCERPT_CHARS)
        except (OSError, http.client.HTTPException):
            excerpt = b""
    except urllib.error.URLError as exc:
        error = _network_error(exc.reason, timeout)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        error = _network_error(exc, timeout)
    duration = int((time.monotonic() - started) * 1000)
    ok = code is not None and 200 <= code < 300 and not error
    if not ok:
        logger.info(
            "Webhook delivery %s to %s failed: %s",
            delivery.public_id,
            subscription.public_id,
            error or code,
        )
    return AttemptResult(
        ok=ok,
        status_code=code,
        error=error[:ERROR_CHARS],
        excerpt=excerpt.decode("utf-8", "replace")[:EXCERPT_CHARS],
        duration_ms=duration,
    )


def webhook_deliveries_resume(*, older_than: dt.timedelta = dt.timedelta(minutes=5)) -> int:
    """Queue again every open delivery overdue by `older_than` and not in flight: its task was
    lost (a worker died mid-attempt, or the process ended between commit and queueing).
    A duplicate task is harmless: the claim lets one attempt through. Returns how many."""
    now = timezone.now()
    overdue = list(
        WebhookDelivery.objects.filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now),
            status__in=OPEN_STATUSES,
            next_attempt_at__lte=now - older_than,
        ).values_list("public_id", flat=True)
    )
    deliveries_enqueue(overdue)
    return len(overdue)


def _record(*, delivery_pk: int, lease: dt.datetime, result: AttemptResult, conf) -> str:
    now = timezone.now()
    with transaction.atomic():
        row = WebhookDelivery.objects.select_for_update().filter(pk=delivery_pk).first()
        if row is None:
            return "missing"
        if row.lease_until != lease or row.status not in OPEN_STATUSES:
            return "skipped"  # our lease ran out and another worker took the delivery over
        row.lease_until = None
        row.last_response_code = result.status_code
        row.last_error = result.error
        row.response_excerpt = result.excerpt
        row.duration_ms = result.duration_ms
        row.updated_at = now
        if result.ok:
            row.status = DeliveryStatus.SUCCEEDED
            row.next_attempt_at = None
            row.completed_at = now
            WebhookSubscription.objects.filter(
                pk=row.subscription_id, consecutive_failures__gt=0
            ).update(consecutive_failures=0)
        elif row.attempts < conf.max_attempts:
            row.status = DeliveryStatus.FAILED
            row.next_attempt_at = now + conf.retry_waits[row.attempts - 1]
            retry_at, public_id = row.next_attempt_at, row.public_id
            transaction.on_commit(lambda: deliveries_enqueue([public_id], run_after=retry_at))
        else:
            row.status = DeliveryStatus.GAVE_UP
            row.next_attempt_at = None
            row.completed_at = now
            _count_failure(subscription_id=row.subscription_id, result=result, conf=conf)
        row.save(
            update_fields=[
                "lease_until",
                "last_response_code",
                "last_error",
                "response_excerpt",
                "duration_ms",
                "updated_at",
                "status",
                "next_attempt_at",
                "completed_at",
            ]
        )
    return str(row.status)


def _count_failure(*, subscription_id: int, result: AttemptResult, conf: WebhookSettings):
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription_id)
    subscription.consecutive_failures += 1
    fields = ["consecutive_failures"]
    if subscription.is_active and subscription.consecutive_failures >= conf.disable_after:
        last = result.error or f"HTTP {result.status_code}"
        subscription.is_active = False
        subscription.disabled_at = timezone.now()
        subscription.disabled_reason = (
            _("Disabled automatically: %(count)d deliveries in a row failed (last: %(error)s).")
            % {"count": subscription.consecutive_failures, "error": last}
        )[:300]
        subscription.updated_at = subscription.disabled_at
        fields += ["is_active", "disabled_at", "disabled_reason", "updated_at"]
        audit_record(
            actor=None,
            action="webhook.disabled",
            target=subscription,
            data={
                "reason": subscription.disabled_reason,
                "consecutive_failures": subscription.consecutive_failures,
                "automatic": True,
            },
        )
    subscription.save(update_fields=fields)


def _network_error(reason, timeout: float) -> str:
    if isinstance(reason, TimeoutError | socket.timeout):
        return _("Timed out after %(seconds)s s.") % {"seconds": f"{timeout:g}"}
    if isinstance(reason, ConnectionRefusedError):
        return _("Connection refused.")
    return (
        f"{type(reason).__name__}: {reason}" if isinstance(reason, BaseException) else str(reason)
    )


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A 3xx answer is returned as an error, not followed: the signed request goes to the
    URL the admin configured and nowhere else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)
