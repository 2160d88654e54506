"""Sending a notification's email: claim, send, record, retry or give up.

Guarantees:
- at most one worker sends a given attempt: the row is claimed by one conditional UPDATE
  (queued and due -> sending), which two workers cannot both win on SQLite or PostgreSQL;
- no transaction is held open while talking to the SMTP server;
- a failed attempt goes back to `queued` with an exponentially growing wait
  (`CLIENTELA_EMAIL_RETRY_SECONDS` x 4^(attempt-1), default 60 s: 1 min, 4 min, 16 min, ...)
  and a deferred task; after `CLIENTELA_EMAIL_MAX_ATTEMPTS` (default 5) attempts, or when
  the server refuses every recipient for good (5xx), it is `failed` with the error kept;
- a row left `sending` by a worker that stopped is queued again by
  `notification_emails_resume` (the worker calls it on start and on every sweep tick).
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.notifications.models import EmailStatus, Notification

logger = logging.getLogger(__name__)

ERROR_CHARS = 500
SENDING_STALE_AFTER = dt.timedelta(minutes=15)


def email_max_attempts() -> int:
    return int(getattr(settings, "CLIENTELA_EMAIL_MAX_ATTEMPTS", 5))


def email_retry_wait(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failed attempt (1-based)."""
    base = float(getattr(settings, "CLIENTELA_EMAIL_RETRY_SECONDS", 60))
    return dt.timedelta(seconds=base * 4 ** max(attempts - 1, 0))


def notification_email_attempt(*, notification_id: str) -> str:
    """Make one attempt at the notification's email and return its outcome (see
    `tasks.send_email`)."""
    from clientela.notifications.services import email_enabled

    now = timezone.now()
    row = Notification.objects.filter(public_id=notification_id).first()
    if row is None:
        return "missing"
    claimed = Notification.objects.filter(
        pk=row.pk, email_status=EmailStatus.QUEUED, next_attempt_at__lte=now
    ).update(
        email_status=EmailStatus.SENDING,
        attempts=F("attempts") + 1,
        claimed_at=now,
        updated_at=now,
    )
    if not claimed:
        return "skipped"
    row.refresh_from_db()
    if not email_enabled():
        error, permanent = _("Email is not configured (CLIENTELA_SMTP_HOST is empty)."), True
    else:
        error, permanent = _send(row)
    return _record(row=row, claimed_at=now, error=error, permanent=permanent)


def notification_email_message(row: Notification, *, connection=None) -> EmailMessage:
    """The email for a notification: subject, body with the link made absolute, and the
    attachments."""
    body = row.body
    if row.link:
        link = row.link if row.link.startswith("http") else settings.CLIENTELA_BASE_URL + row.link
        body = f"{body}\n\n{link}" if body else link
    message = EmailMessage(
        subject=row.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[row.email],
        connection=connection,
        headers={"X-Clientela-Notification": row.public_id},
    )
    for attachment in row.attachments.all():
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    return message


def notification_emails_resume(*, older_than: dt.timedelta = dt.timedelta(minutes=5)) -> int:
    """Queue again the emails a stopped worker left: rows `sending` for longer than
    `SENDING_STALE_AFTER` go back to `queued`, and every queued row overdue by `older_than`
    gets a task (its own was lost). A duplicate task is harmless: the claim lets one
    attempt through. Returns how many were queued."""
    from clientela.notifications.services import notification_emails_enqueue

    now = timezone.now()
    Notification.objects.filter(
        email_status=EmailStatus.SENDING, claimed_at__lt=now - SENDING_STALE_AFTER
    ).update(email_status=EmailStatus.QUEUED, next_attempt_at=now - older_than, updated_at=now)
    overdue = list(
        Notification.objects.filter(
            email_status=EmailStatus.QUEUED, next_attempt_at__lte=now - older_than
        ).values_list("public_id", flat=True)
    )
    notification_emails_enqueue(overdue)
    return len(overdue)


def _send(row: Notification) -> tuple[str, bool]:
    """Send the email once: ("", False) on success, else (error, permanent)."""
    try:
        connection = get_connection(fail_silently=False)
        sent = notification_email_message(row, connection=connection).send()
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _message in exc.recipients.values()]
        detail = "; ".join(f"{code} {_text(msg)}" for code, msg in exc.recipients.values())
        return _("Recipient refused: %(detail)s") % {"detail": detail}, all(
            code >= 500 for code in codes
        )
    except smtplib.SMTPResponseException as exc:
        return f"SMTP {exc.smtp_code} {_text(exc.smtp_error)}", False
    except TimeoutError:
        return _("Timed out talking to the SMTP server."), False
    except ConnectionRefusedError:
        return _("Connection refused by the SMTP server."), False
    except (OSError, smtplib.SMTPException) as exc:
        return f"{type(exc).__name__}: {exc}", False
    if not sent:
        return _("The email backend sent nothing."), False
    return "", False


def _record(*, row: Notification, claimed_at, error: str, permanent: bool) -> str:
    now = timezone.now()
    mine = Notification.objects.filter(
        pk=row.pk, email_status=EmailStatus.SENDING, claimed_at=claimed_at
    )
    if not error:
        mine.update(
            email_status=EmailStatus.SENT,
            sent_at=now,
            last_error="",
            next_attempt_at=None,
            claimed_at=None,
            updated_at=now,
        )
        return "sent"
    logger.info("Email of notification %s failed: %s", row.public_id, error)
    error = error[:ERROR_CHARS]
    if permanent or row.attempts >= email_max_attempts():
        mine.update(
            email_status=EmailStatus.FAILED,
            last_error=error,
            next_attempt_at=None,
            claimed_at=None,
            updated_at=now,
        )
        return "failed"
    from clientela.notifications.services import notification_emails_enqueue

    retry_at = now + email_retry_wait(row.attempts)
    if mine.update(
        email_status=EmailStatus.QUEUED,
        last_error=error,
        next_attempt_at=retry_at,
        claimed_at=None,
        updated_at=now,
    ):
        notification_emails_enqueue([row.public_id], run_after=retry_at)
    return "queued"


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
