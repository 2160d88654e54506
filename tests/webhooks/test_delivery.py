"""Delivery through the real worker to a real HTTP receiver on 127.0.0.1: signature,
headers, retries with back-off, timeout, redirects, auto-disable, and no double sending."""

from __future__ import annotations

import datetime as dt
import json
import socket
import threading
import time

import pytest
from django.db import connection
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from clientela.core.models import AuditEvent
from clientela.webhooks.delivery import webhook_deliveries_resume, webhook_delivery_attempt
from clientela.webhooks.emission import deliveries_enqueue
from clientela.webhooks.models import WebhookDelivery, WebhookSubscription
from clientela.webhooks.services import (
    webhook_secret_rotate,
    webhook_subscription_create,
    webhook_subscription_enable,
)
from clientela.webhooks.signing import webhook_signature_verify
from tests.factories import make_party
from tests.webhooks.receiver import Reply


def _due_now() -> None:
    """Let the waits pass: every waiting attempt (delivery and its task) becomes due."""
    past = timezone.now() - dt.timedelta(seconds=1)
    WebhookDelivery.objects.exclude(next_attempt_at=None).update(next_attempt_at=past)
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=past)


def test_a_delivery_is_posted_signed_and_recorded(staff, subscribe, receiver, run_worker):
    # given a subscription and a party created (its delivery queued on commit)
    subscription = subscribe(["party.created"])
    party = make_party(actor=staff["admin"])
    delivery = WebhookDelivery.objects.get()

    # when the worker runs what is due
    before = time.time()
    run_worker()

    # then the receiver got one POST with the frozen payload, signed with the secret
    (request,) = receiver.requests
    assert request.path == "/hooks/clientela"
    assert json.loads(request.body) == delivery.payload
    assert request.body == json.dumps(
        delivery.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    assert (
        request.headers["Content-Type"],
        request.headers["Clientela-Event"],
        request.headers["Clientela-Delivery"],
    ) == ("application/json", "party.created", delivery.public_id)
    assert request.signature_ok is True
    signed_at = webhook_signature_verify(
        secret=subscription.secret,
        header=request.headers["Clientela-Signature"],
        body=request.body,
    )
    assert int(before) <= signed_at <= int(time.time())
    assert json.loads(request.body)["data"]["party"]["id"] == party.public_id
    # and the delivery log says it succeeded at the first attempt
    delivery.refresh_from_db()
    assert (
        delivery.status,
        delivery.attempts,
        delivery.last_response_code,
        delivery.last_error,
        delivery.response_excerpt,
        delivery.next_attempt_at,
        delivery.lease_until,
    ) == ("succeeded", 1, 200, "", "ok", None, None)
    assert delivery.completed_at is not None and delivery.duration_ms is not None
    assert DBTaskResult.objects.get().return_value == {
        "delivery": delivery.public_id,
        "outcome": "succeeded",
    }


def test_a_500_is_retried_after_the_back_off_then_succeeds(
    staff, subscribe, receiver, run_worker, fast_settings
):
    # given a receiver that fails once with a 500, then accepts
    subscribe(["party.created"])
    receiver.reply(Reply(500, body=b"database is down"), Reply(200))
    make_party(actor=staff["admin"])
    delivery = WebhookDelivery.objects.get()

    # when the worker runs: the first attempt fails
    run_worker()

    # then the failure is logged and the next attempt waits one minute, queued for then
    delivery.refresh_from_db()
    assert (
        delivery.status,
        delivery.attempts,
        delivery.last_response_code,
        delivery.last_error,
        delivery.response_excerpt,
    ) == ("failed", 1, 500, "HTTP 500 Internal Server Error", "database is down")
    assert delivery.next_attempt_at - delivery.updated_at == dt.timedelta(minutes=1)
    waiting = DBTaskResult.objects.get(status=TaskResultStatus.READY)
    assert (waiting.run_after, waiting.args_kwargs["kwargs"]) == (
        delivery.next_attempt_at,
        {"delivery_id": delivery.public_id},
    )
    # and a worker running before the wait is over sends nothing
    run_worker()
    assert len(receiver.requests) == 1

    # when the wait has passed and the worker runs again
    _due_now()
    run_worker()

    # then the second attempt succeeded: same delivery id and body, a fresh valid signature
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        "succeeded",
        2,
        200,
    )
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["Clientela-Delivery"] == second.headers["Clientela-Delivery"]
    assert (first.signature_ok, second.signature_ok) == (True, True)


def test_the_waits_follow_the_schedule_and_then_the_delivery_gives_up(
    staff, subscribe, receiver, run_worker, fast_settings
):
    # given a schedule of 1m, 5m (three attempts) and a receiver that always fails
    subscription = subscribe(["party.created"])
    receiver.default = Reply(503)
    make_party(actor=staff["admin"])
    delivery = WebhookDelivery.objects.get()

    # when every attempt is made as soon as it is due
    waits = []
    for _attempt in range(3):
        run_worker()
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            waits.append(delivery.next_attempt_at - delivery.updated_at)
        _due_now()

    # then the waits were 1 and 5 minutes, and after the third attempt it gave up
    assert waits == [dt.timedelta(minutes=1), dt.timedelta(minutes=5)]
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("gave_up", 3, None)
    assert len(receiver.requests) == 3
    # and nothing is queued any more; one delivery gave up, so the count is 1
    assert not DBTaskResult.objects.filter(status=TaskResultStatus.READY).exists()
    subscription.refresh_from_db()
    assert (subscription.consecutive_failures, subscription.is_active) == (1, True)


def test_a_slow_receiver_times_out(staff, subscribe, receiver, run_worker, fast_settings):
    # given a timeout of 0.5 s and a receiver that answers after 3 s
    subscribe(["party.created"])
    receiver.reply(Reply(200, delay=3))
    make_party(actor=staff["admin"])

    # when the worker sends
    started = time.monotonic()
    run_worker()

    # then the attempt failed as a timeout, without a response code, well before 3 s
    assert time.monotonic() - started < 2.5
    delivery = WebhookDelivery.objects.get()
    assert (
        delivery.status,
        delivery.attempts,
        delivery.last_response_code,
        delivery.last_error,
    ) == ("failed", 1, None, "Timed out after 0.5 s.")
    assert delivery.duration_ms >= 450


def test_a_redirect_is_not_followed(staff, subscribe, receiver, run_worker, fast_settings):
    subscribe(["party.created"])
    elsewhere = receiver.url.replace("/hooks/clientela", "/elsewhere")
    receiver.reply(Reply(302, headers={"Location": elsewhere}))
    make_party(actor=staff["admin"])

    run_worker()

    assert [r.path for r in receiver.requests] == ["/hooks/clientela"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.last_response_code, delivery.last_error) == (
        "failed",
        302,
        f"Redirect to {elsewhere} not followed.",
    )


def test_a_refused_connection_is_a_failed_attempt(staff, fast_settings):
    # given a subscription to a local port where nothing listens
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    webhook_subscription_create(
        actor=staff["admin"], url=f"http://127.0.0.1:{port}/hook", event_types=["party.created"]
    )
    make_party(actor=staff["admin"])
    delivery = WebhookDelivery.objects.get()

    # when it is attempted
    outcome = webhook_delivery_attempt(delivery_id=delivery.public_id)

    # then the attempt failed, saying why, and waits for the next one
    delivery.refresh_from_db()
    assert (outcome, delivery.status, delivery.last_response_code, delivery.last_error) == (
        "failed",
        "failed",
        None,
        "Connection refused.",
    )


def test_repeated_failures_disable_the_subscription_with_reason_and_audit(
    staff, subscribe, receiver, run_worker, settings
):
    # given no retries, disabling after 3 deliveries in a row gave up, a receiver that fails
    settings.WEBHOOK_RETRY_SCHEDULE = "none"
    settings.WEBHOOK_DISABLE_AFTER = "3"
    subscription = subscribe(["party.created"])
    receiver.default = Reply(500)

    # when four parties are created and the worker runs
    for name in ("Ana", "Bea", "Cai", "Dan"):
        make_party(actor=staff["admin"], given_name=name)
    run_worker()

    # then three deliveries were sent and gave up, and the subscription is disabled
    subscription.refresh_from_db()
    reason = (
        "Disabled automatically: 3 deliveries in a row failed "
        "(last: HTTP 500 Internal Server Error)."
    )
    assert (subscription.is_active, subscription.consecutive_failures) == (False, 3)
    assert subscription.disabled_reason == reason
    assert subscription.disabled_at is not None
    assert len(receiver.requests) == 3
    # and the fourth was not sent at all
    statuses = list(WebhookDelivery.objects.order_by("id").values_list("status", "last_error"))
    assert statuses == [
        ("gave_up", "HTTP 500 Internal Server Error"),
        ("gave_up", "HTTP 500 Internal Server Error"),
        ("gave_up", "HTTP 500 Internal Server Error"),
        ("gave_up", "The subscription is disabled; the delivery was not sent."),
    ]
    audit = AuditEvent.objects.get(action="webhook.disabled")
    assert (audit.actor, audit.target_id, audit.data) == (
        None,
        subscription.public_id,
        {"reason": reason, "consecutive_failures": 3, "automatic": True},
    )
    # and new events are no longer delivered to it
    make_party(actor=staff["admin"], given_name="Eva")
    assert WebhookDelivery.objects.count() == 4

    # when the admin re-enables it, the count starts again
    webhook_subscription_enable(actor=staff["admin"], subscription=subscription)
    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 0)
    assert subscription.disabled_reason == ""


def test_a_success_resets_the_failure_count(staff, subscribe, receiver, run_worker, settings):
    settings.WEBHOOK_RETRY_SCHEDULE = "none"
    settings.WEBHOOK_DISABLE_AFTER = "3"
    subscription = subscribe(["party.created"])
    receiver.reply(Reply(500), Reply(500), Reply(200), Reply(500))

    for name in ("Ana", "Bea", "Cai", "Dan"):
        make_party(actor=staff["admin"], given_name=name)
    run_worker()

    subscription.refresh_from_db()
    assert (subscription.is_active, subscription.consecutive_failures) == (True, 1)
    assert list(WebhookDelivery.objects.order_by("id").values_list("status", flat=True)) == [
        "gave_up",
        "gave_up",
        "succeeded",
        "gave_up",
    ]


def test_a_succeeded_delivery_is_never_sent_again(staff, subscribe, receiver, run_worker):
    subscribe(["party.created"])
    make_party(actor=staff["admin"])
    run_worker()
    delivery = WebhookDelivery.objects.get()

    # when its task runs again (queued twice, or an overdue resume)
    deliveries_enqueue([delivery.public_id])
    run_worker()

    assert len(receiver.requests) == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    outcomes = sorted(t.return_value["outcome"] for t in DBTaskResult.objects.all())
    assert outcomes == ["skipped", "succeeded"]


def test_after_a_rotation_both_secrets_sign_for_a_day(staff, subscribe, receiver, run_worker):
    subscription = subscribe(["party.created"])
    old = subscription.secret
    webhook_secret_rotate(actor=staff["admin"], subscription=subscription)
    receiver.secrets = [subscription.secret]
    make_party(actor=staff["admin"])

    run_worker()

    (request,) = receiver.requests
    header = request.headers["Clientela-Signature"]
    assert header.count("v1=") == 2
    for secret in (subscription.secret, old):
        webhook_signature_verify(secret=secret, header=header, body=request.body)
    # and once the overlap is over, only the new secret signs
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        previous_secret_until=timezone.now() - dt.timedelta(seconds=1)
    )
    make_party(actor=staff["admin"], given_name="Bea")
    run_worker()
    assert receiver.requests[1].headers["Clientela-Signature"].count("v1=") == 1


def test_an_overdue_delivery_whose_task_was_lost_is_resumed(staff, subscribe, receiver, run_worker):
    # given a delivery whose task vanished (the process died between commit and queueing)
    subscribe(["party.created"])
    make_party(actor=staff["admin"])
    DBTaskResult.objects.all().delete()
    WebhookDelivery.objects.update(next_attempt_at=timezone.now() - dt.timedelta(minutes=10))

    # when the overdue deliveries are resumed and the worker runs
    assert webhook_deliveries_resume() == 1
    run_worker()

    # then it was delivered
    assert WebhookDelivery.objects.get().status == "succeeded"
    assert len(receiver.requests) == 1
    # and nothing is overdue any more
    assert webhook_deliveries_resume() == 0


def _worker(worker_id: str) -> threading.Thread:
    def run():
        try:
            Worker(
                queue_names=["default"],
                interval=0,
                batch=True,
                backend_name="default",
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            ).run()
        finally:
            connection.close()

    return threading.Thread(target=run)


def test_two_workers_never_send_the_same_delivery_twice(staff, subscribe, receiver):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: SQLite's in-memory test database cannot be shared by two "
            "worker threads writing at once (SQLITE_LOCKED); the claim is one conditional "
            "UPDATE, which SQLite serialises anyway"
        )
    # given one delivery with two tasks for it, and a receiver that takes a second to answer
    subscribe(["party.created"])
    receiver.default = Reply(200, delay=1.0)
    make_party(actor=staff["admin"])
    delivery = WebhookDelivery.objects.get()
    deliveries_enqueue([delivery.public_id])
    assert DBTaskResult.objects.filter(status=TaskResultStatus.READY).count() == 2

    # when two workers run at the same time
    workers = [_worker("worker-a"), _worker("worker-b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)

    # then each took one task, but the receiver got exactly one request
    assert len(receiver.requests) == 1
    tasks = list(DBTaskResult.objects.all())
    assert sorted(w for t in tasks for w in t.worker_ids) == ["worker-a", "worker-b"]
    assert sorted(t.return_value["outcome"] for t in tasks) == ["skipped", "succeeded"]
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)


def test_two_concurrent_attempts_claim_once(staff, subscribe, receiver):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: see test_two_workers_never_send_the_same_delivery_twice")
    subscribe(["party.created"])
    receiver.default = Reply(200, delay=0.5)
    make_party(actor=staff["admin"])
    delivery = WebhookDelivery.objects.get()
    start = threading.Barrier(8)
    outcomes = []

    def attempt():
        try:
            start.wait()
            outcomes.append(webhook_delivery_attempt(delivery_id=delivery.public_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["skipped"] * 7 + ["succeeded"]
    assert len(receiver.requests) == 1
