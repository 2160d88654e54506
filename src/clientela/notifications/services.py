"""Notifications: creating them (idempotently) and marking them read.

Sending the email is the worker's part (`delivery`); this module only decides whether an
email is queued and queues it once the surrounding transaction commits.
"""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.core.errors import (
    ApplicationError,
    ErrorCode,
    from_django_validation,
    validation_error,
)
from clientela.core.services import audit_record
from clientela.notifications.models import (
    EmailStatus,
    Notification,
    NotificationAttachment,
)

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


def email_enabled() -> bool:
    """True when an SMTP server is configured (`CLIENTELA_SMTP_HOST`); without one,
    notifications are in-app only and nothing is queued."""
    return bool(getattr(settings, "CLIENTELA_SMTP_HOST", ""))


def notification_send(
    *,
    key: str,
    kind: str,
    subject: str,
    body: str,
    user=None,
    email: str = "",
    link: str = "",
    attachments: list[tuple[str, bytes, str]] | None = None,
) -> Notification:
    """Idempotent per `key` (a second call returns the first Notification and sends nothing
    more). In-app when `user` is given; an email to `email` (or, without it, the user's
    email) is queued on commit and sent by the worker when SMTP is configured, exactly once
    even with several workers, retried with back-off. `link` is a site path or URL.

    Safe to call inside another service's transaction: the row and its email are written
    with it, and the email task is queued only if it commits. Two concurrent calls with the
    same key create one row (the unique key decides; the loser gets the winner's row)."""
    key = (key or "").strip()
    if not key:
        raise validation_error("key", _("is required"))
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing
    address = (email or (getattr(user, "email", "") or "")).strip()
    if user is None and not address:
        raise validation_error("email", _("a notification needs a user or an email address"))
    link = (link or "").strip()
    if link and not link.startswith(("/", "https://", "http://")):
        raise validation_error("link", _("must be a site path or an http(s) URL"))
    files = _attachments_checked(attachments or [])
    queued = email_enabled() and bool(address)
    now = timezone.now()
    notification = Notification(
        user=user,
        email=address,
        kind=kind,
        subject=subject.strip()[:300],
        body=body,
        link=link,
        key=key,
        email_status=EmailStatus.QUEUED if queued else EmailStatus.NONE,
        next_attempt_at=now if queued else None,
        created_at=now,
        updated_at=now,
    )
    try:
        notification.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    with transaction.atomic():
        try:
            with transaction.atomic():
                notification.save()
                NotificationAttachment.objects.bulk_create(
                    NotificationAttachment(
                        notification=notification,
                        filename=name,
                        content=content,
                        content_type=content_type,
                    )
                    for name, content, content_type in files
                )
        except IntegrityError:
            winner = Notification.objects.filter(key=key).first()
            if winner is None:
                raise
            return winner
        audit_record(
            actor=None,
            action="notification.created",
            target=notification,
            data={"kind": kind, "key": key, "email_status": notification.email_status},
        )
        if queued:
            transaction.on_commit(
                partial(notification_emails_enqueue, [notification.public_id]), robust=True
            )
    return notification


def notification_emails_enqueue(public_ids: list[str], run_after=None) -> None:
    """Queue one `send_email` task per notification (deferred to `run_after` when given).
    A duplicate task is harmless: the claim lets one send through."""
    from clientela.notifications.tasks import send_email

    task = send_email.using(run_after=run_after) if run_after is not None else send_email
    for public_id in public_ids:
        task.enqueue(notification_id=public_id)


def notification_mark_read(*, actor, public_id: str) -> Notification:
    """Mark one of the actor's own notifications read (already read: unchanged). Another
    person's notification is NOT_FOUND, never revealed."""
    notification = Notification.objects.filter(public_id=public_id, user_id=actor.pk).first()
    if notification is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("Notification not found."))
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now, updated_at=now
        )
        notification.refresh_from_db(fields=["read_at", "updated_at"])
    return notification


def notification_mark_all_read(*, actor) -> int:
    """Mark every unread notification of the actor read; returns how many changed."""
    now = timezone.now()
    return Notification.objects.filter(user_id=actor.pk, read_at__isnull=True).update(
        read_at=now, updated_at=now
    )


def _attachments_checked(attachments) -> list[tuple[str, bytes, str]]:
    checked = []
    total = 0
    for item in attachments:
        try:
            name, content, content_type = item
        except (TypeError, ValueError):
            raise validation_error(
                "attachments", _("each attachment is (filename, bytes, content type)")
            ) from None
        if not name or not isinstance(content, bytes | bytearray) or "/" not in content_type:
            raise validation_error(
                "attachments", _("each attachment is (filename, bytes, content type)")
            )
        total += len(content)
        checked.append((str(name)[:200], bytes(content), str(content_type)[:100]))
    if total > MAX_ATTACHMENT_BYTES:
        raise validation_error("attachments", _("are too large (10 MB at most)"))
    return checked


def notification_test_email_send(*, actor) -> Notification:
    """Queue a test email to the admin who asked (the settings page's button): shows that
    SMTP and the worker deliver. Admins only; refused when email is off or the admin has no
    address."""
    from clientela.accounts.permissions import Action, authorize

    authorize(actor, Action.SETTINGS_MANAGE)
    if not email_enabled():
        raise validation_error("email", _("email is off: set CLIENTELA_SMTP_HOST"))
    if not actor.email:
        raise validation_error("email", _("your account has no email address"))
    return notification_send(
        key=f"test-email:{actor.pk}:{timezone.now().isoformat()}",
        kind="test_email",
        subject=_("Clientela test email"),
        body=_("This is a test email from Clientela: email sending works."),
        email=actor.email,
    )
