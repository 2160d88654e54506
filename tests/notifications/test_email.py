"""Emails through the real worker to a real SMTP server on 127.0.0.1: attachments, retries
with back-off, giving up, and exactly once with two workers."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clientela.notifications.delivery import (
    notification_email_attempt,
    notification_emails_resume,
)
from clientela.notifications.models import Notification
from clientela.notifications.services import notification_send
from clientela.notifications.tasks import send_email
from tests.factories import UserFactory

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nEND:VCALENDAR\r\n"


def _waiting_sends() -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            task_path=send_email.module_path, status=TaskResultStatus.READY
        ).order_by("enqueued_at")
    )


@pytest.mark.django_db(transaction=True)
def test_the_worker_emails_the_notification_with_its_attachment(smtp, run_worker):
    # given a notification for a user, with a link and an .ics attachment
    maria = UserFactory(username="maria", email="maria@example.test")
    notification = notification_send(
        key="booking:1",
        kind="booking_confirmed",
        subject="Meeting booked",
        body="Ana booked a meeting.",
        user=maria,
        link="/desk/bookings/",
        attachments=[("meeting.ics", ICS, "text/calendar")],
    )
    assert (notification.email, notification.email_status) == ("maria@example.test", "queued")

    # when the worker runs what is due
    run_worker()

    # then the SMTP server received one email with the body, the absolute link and the file
    (message,) = smtp.messages
    assert (message["Subject"], message["From"], message["To"]) == (
        "Meeting booked",
        "desk@clientela.test",
        "maria@example.test",
    )
    assert message["X-Clientela-Notification"] == notification.public_id
    assert message.get_body(("plain",)).get_content().replace("\r\n", "\n") == (
        "Ana booked a meeting.\n\nhttps://crm.example.test/desk/bookings/"
    )
    (attachment,) = list(message.iter_attachments())
    assert (attachment.get_filename(), attachment.get_content_type()) == (
        "meeting.ics",
        "text/calendar",
    )
    assert attachment.get_payload(decode=True) == ICS
    notification.refresh_from_db()
    assert (
        notification.email_status,
        notification.attempts,
        notification.last_error,
        notification.sent_at is not None,
    ) == ("sent", 1, "", True)

    # and running the worker or the task again sends nothing more
    run_worker()
    assert notification_email_attempt(notification_id=notification.public_id) == "skipped"
    assert len(smtp.messages) == 1


@pytest.mark.django_db(transaction=True)
def test_an_email_refused_for_now_is_retried_later_then_sent(smtp, run_worker, due_now):
    # given an SMTP server answering "451 try later" to the first message
    smtp.refusals = ["451 4.3.0 try later"]
    notification_send(key="k", kind="test", subject="Hello", body="Body", email="a@example.test")

    # when the worker runs
    before = timezone.now()
    run_worker()

    # then the email is queued again, one minute later, with the error kept and a deferred task
    row = Notification.objects.get()
    assert (row.email_status, row.attempts, row.last_error) == (
        "queued",
        1,
        "SMTP 451 4.3.0 try later",
    )
    wait = row.next_attempt_at - before
    assert dt.timedelta(seconds=59) < wait < dt.timedelta(seconds=61)
    (waiting,) = _waiting_sends()
    assert (waiting.run_after, waiting.args_kwargs["kwargs"]) == (
        row.next_attempt_at,
        {"notification_id": row.public_id},
    )
    assert smtp.messages == []

    # when the worker runs again before the wait is over, nothing is sent
    run_worker()
    assert smtp.messages == []

    # when the wait is over
    due_now()
    run_worker()

    # then it is sent, once
    row.refresh_from_db()
    assert (row.email_status, row.attempts, row.last_error) == ("sent", 2, "")
    assert [m["Subject"] for m in smtp.messages] == ["Hello"]


@pytest.mark.django_db(transaction=True)
def test_the_waits_grow_and_the_email_gives_up_after_the_last_attempt(
    smtp, run_worker, due_now, settings
):
    settings.CLIENTELA_EMAIL_MAX_ATTEMPTS = 3
    smtp.refusals = ["451 busy"] * 5
    notification_send(key="k", kind="test", subject="Hello", body="", email="a@example.test")

    waits = []
    for _ in range(2):
        before = timezone.now()
        run_worker()
        row = Notification.objects.get()
        waits.append(round((row.next_attempt_at - before).total_seconds() / 60))
        due_now()
    run_worker()

    row = Notification.objects.get()
    assert waits == [1, 4]
    assert (row.email_status, row.attempts, row.last_error, row.next_attempt_at) == (
        "failed",
        3,
        "SMTP 451 busy",
        None,
    )
    assert (_waiting_sends(), smtp.messages) == ([], [])


@pytest.mark.django_db(transaction=True)
def test_a_recipient_refused_for_good_fails_at_once(smtp, run_worker):
    smtp.refused_recipients = {"gone@example.test"}
    notification_send(key="k", kind="test", subject="Hello", body="", email="gone@example.test")

    run_worker()

    row = Notification.objects.get()
    assert (row.email_status, row.attempts, row.last_error) == (
        "failed",
        1,
        "Recipient refused: 550 5.1.1 no such mailbox",
    )
    assert _waiting_sends() == []


@pytest.mark.django_db(transaction=True)
def test_no_smtp_server_listening_is_retried(smtp, run_worker, settings):
    settings.EMAIL_PORT = 1  # nothing listens there
    notification_send(key="k", kind="test", subject="Hello", body="", email="a@example.test")

    run_worker()

    row = Notification.objects.get()
    assert (row.email_status, row.attempts, row.last_error) == (
        "queued",
        1,
        "Connection refused by the SMTP server.",
    )


@pytest.mark.django_db(transaction=True)
def test_an_email_left_sending_by_a_stopped_worker_is_sent_after_resume(smtp, run_worker):
    # given an email a worker claimed 20 minutes ago and never finished, without a task
    notification = notification_send(
        key="k", kind="test", subject="Left", body="", email="a@example.test"
    )
    DBTaskResult.objects.all().delete()
    long_ago = timezone.now() - dt.timedelta(minutes=20)
    Notification.objects.filter(pk=notification.pk).update(
        email_status="sending", claimed_at=long_ago, attempts=1
    )
    # and a queued one whose task was lost
    lost = notification_send(key="k2", kind="test", subject="Lost", body="", email="b@example.test")
    DBTaskResult.objects.all().delete()
    Notification.objects.filter(pk=lost.pk).update(next_attempt_at=long_ago)

    # when the worker starts (resume) and runs
    assert notification_emails_resume() == 2
    run_worker()

    # then both are sent, once each
    assert sorted(m["Subject"] for m in smtp.messages) == ["Left", "Lost"]
    assert list(Notification.objects.order_by("key").values_list("email_status", "attempts")) == [
        ("sent", 2),
        ("sent", 1),
    ]


@pytest.mark.django_db(transaction=True)
def test_a_recent_sending_email_is_left_to_its_worker(smtp):
    notification = notification_send(
        key="k", kind="test", subject="Busy", body="", email="a@example.test"
    )
    DBTaskResult.objects.all().delete()
    Notification.objects.filter(pk=notification.pk).update(
        email_status="sending", claimed_at=timezone.now() - dt.timedelta(minutes=1)
    )

    assert notification_emails_resume() == 0
    assert Notification.objects.get().email_status == "sending"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_email_at_once_send_it_once(smtp):
    notification = notification_send(
        key="k", kind="test", subject="Once", body="", email="a@example.test"
    )
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait()
            outcomes.append(notification_email_attempt(notification_id=notification.public_id))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["sent", "skipped"]
    assert [m["Subject"] for m in smtp.messages] == ["Once"]
    assert Notification.objects.get().attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_second_attempt_after_the_first_claimed_is_skipped(smtp):
    notification = notification_send(
        key="k", kind="test", subject="Once", body="", email="a@example.test"
    )

    outcomes = [
        notification_email_attempt(notification_id=notification.public_id) for _ in range(2)
    ]

    assert outcomes == ["sent", "skipped"]
    assert len(smtp.messages) == 1
