"""Notifications: reads. A person only ever sees their own notifications."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.notifications.models import EmailStatus, Notification, SweepSlot


def notifications_for_user(*, user, unread: bool | None = None) -> QuerySet[Notification]:
    """The user's own notifications, newest first (`unread=True`: only unread ones,
    `False`: only read ones)."""
    rows = Notification.objects.filter(user_id=user.pk)
    if unread is True:
        rows = rows.filter(read_at__isnull=True)
    elif unread is False:
        rows = rows.filter(read_at__isnull=False)
    return rows.order_by("-created_at", "-id")


def notification_unread_count(*, user) -> int:
    """How many of the user's notifications are unread (0 for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


def notification_get_own(*, user, public_id: str) -> Notification:
    """One of the user's notifications; anyone else's is NOT_FOUND (never revealed)."""
    row = Notification.objects.filter(public_id=public_id, user_id=user.pk).first()
    if row is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("Notification not found."))
    return row


@dataclass(frozen=True)
class EmailOverview:
    """What the settings page shows about email: configured or not, the emails by status,
    the latest failures and the last scheduled sweep."""

    enabled: bool
    host: str
    from_email: str
    by_status: dict[str, int]
    recent_failures: list[Notification]
    last_sweep: SweepSlot | None


def email_overview() -> EmailOverview:
    from django.conf import settings

    from clientela.notifications.services import email_enabled

    counts = dict(
        Notification.objects.exclude(email_status=EmailStatus.NONE)
        .values_list("email_status")
        .annotate(n=Count("id"))
        .values_list("email_status", "n")
    )
    return EmailOverview(
        enabled=email_enabled(),
        host=f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}" if email_enabled() else "",
        from_email=settings.DEFAULT_FROM_EMAIL,
        by_status={
            status.value: counts.get(status.value, 0)
            for status in EmailStatus
            if status != EmailStatus.NONE
        },
        recent_failures=list(
            Notification.objects.filter(email_status=EmailStatus.FAILED).order_by(
                "-updated_at", "-id"
            )[:5]
        ),
        last_sweep=SweepSlot.objects.filter(finished_at__isnull=False).first(),
    )
