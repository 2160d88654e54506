"""`notification_send`: idempotent per key, in-app only without SMTP, queued on commit."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction
from django_tasks_db.models import DBTaskResult

from clientela.core.errors import ApplicationError
from clientela.core.models import AuditEvent
from clientela.notifications.models import Notification, NotificationAttachment
from clientela.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_send,
)
from clientela.notifications.tasks import send_email


def _send(**kwargs):
    values = {"key": "k", "kind": "checkin_due", "subject": "Check in", "body": "Call Ana."}
    return notification_send(**{**values, **kwargs})


def _email_tasks() -> list[dict]:
    return [
        row.args_kwargs["kwargs"]
        for row in DBTaskResult.objects.filter(task_path=send_email.module_path)
    ]


def test_a_second_send_with_the_same_key_returns_the_first_and_queues_nothing_more(
    users, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = _send(user=users["account_manager"], link="/desk/checkins/")
    with django_capture_on_commit_callbacks(execute=True):
        second = _send(user=users["manager"], subject="Another subject", email="x@example.test")

    assert second.pk == first.pk
    assert (second.subject, second.user_id, second.email) == (
        "Check in",
        users["account_manager"].pk,
        "account_manager@example.test",
    )
    assert Notification.objects.count() == 1
    assert _email_tasks() == [{"notification_id": first.public_id}]
    assert list(
        AuditEvent.objects.filter(action="notification.created").values_list("target_id", "data")
    ) == [
        (
            first.public_id,
            {"kind": "checkin_due", "key": "k", "email_status": "queued"},
        )
    ]


def test_without_smtp_a_notification_is_in_app_only(
    users, settings, django_capture_on_commit_callbacks
):
    settings.CLIENTELA_SMTP_HOST = ""
    with django_capture_on_commit_callbacks(execute=True):
        notification = _send(user=users["account_manager"])

    assert (notification.email_status, notification.next_attempt_at, notification.read_at) == (
        "none",
        None,
        None,
    )
    assert notification.email == "account_manager@example.test"
    assert _email_tasks() == []


def test_an_email_only_notification_needs_no_user(db, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification = _send(email="client@example.test")

    assert (notification.user, notification.email, notification.email_status) == (
        None,
        "client@example.test",
        "queued",
    )
    assert len(_email_tasks()) == 1


def test_a_user_without_an_address_gets_it_in_app_only(users, smtp):
    viewer = users["viewer"]
    viewer.email = ""
    viewer.save()

    assert _send(user=viewer).email_status == "none"


def test_nothing_is_written_or_queued_when_the_callers_transaction_rolls_back(
    users, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            _send(user=users["admin"])
            raise RuntimeError("the caller failed")

    assert (Notification.objects.count(), len(callbacks), _email_tasks()) == (0, 0, [])


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"key": " "}, "key"),
        ({}, "email"),
        ({"email": "not an address"}, "email"),
        ({"email": "a@example.test", "link": "javascript:alert(1)"}, "link"),
        (
            {"email": "a@example.test", "attachments": [("a.ics", "text", "text/calendar")]},
            "attachments",
        ),
        ({"email": "a@example.test", "kind": ""}, "kind"),
    ],
)
def test_bad_input_is_refused_naming_the_field(db, kwargs, field):
    with pytest.raises(ApplicationError) as info:
        _send(**kwargs)

    assert (info.value.code, list(info.value.extra["fields"])) == ("validation_error", [field])
    assert Notification.objects.count() == 0


def test_attachments_keep_their_bytes(db):
    content = bytes(range(256))
    notification = _send(
        email="a@example.test", attachments=[("data.bin", content, "application/octet-stream")]
    )

    (stored,) = NotificationAttachment.objects.filter(notification=notification)
    assert (stored.filename, bytes(stored.content), stored.content_type) == (
        "data.bin",
        content,
        "application/octet-stream",
    )


def test_marking_read_touches_only_ones_own_notifications(users):
    mine = _send(key="a", user=users["account_manager"])
    _send(key="b", user=users["account_manager"])
    theirs = _send(key="c", user=users["manager"])

    with pytest.raises(ApplicationError) as info:
        notification_mark_read(actor=users["account_manager"], public_id=theirs.public_id)
    read = notification_mark_read(actor=users["account_manager"], public_id=mine.public_id)
    again = notification_mark_read(actor=users["account_manager"], public_id=mine.public_id)

    assert info.value.code == "not_found"
    assert read.read_at is not None and again.read_at == read.read_at
    assert notification_mark_all_read(actor=users["account_manager"]) == 1
    assert notification_mark_all_read(actor=users["account_manager"]) == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_sending_the_same_key_at_once_create_one_notification():
    barrier = threading.Barrier(2)
    results, errors = [], []

    def send(subject):
        try:
            barrier.wait()
            with transaction.atomic():
                results.append(_send(email="a@example.test", subject=subject).pk)
        except Exception as exc:  # noqa: BLE001 - the test reports any
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(s,)) for s in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(set(results)) == 1 and len(results) == 2
    assert Notification.objects.count() == 1
