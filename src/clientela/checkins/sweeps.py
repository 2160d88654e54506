"""Check-ins: the reminder sweep.

When a client's check-in becomes due (due today, or overdue and never reminded for that due
date), its account manager gets one notification, in-app and by email, keyed
`checkin-reminder:{relationship_id}:{due_on}`. Exactly once per due date even when two
workers sweep at the same time: a `CheckinReminder` row (unique per relationship and due
date) is inserted in the same transaction as the notification, so the second sweep's insert
waits for the first to commit and then fails, and sends nothing. A check-in logged later
moves the due date, and the next due date gets its own reminder.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from clientela.checkins.models import CheckinReminder
from clientela.checkins.selectors import CheckinDue, checkins_due


def checkin_reminders_send(*, now: datetime) -> int:
    """Remind the account managers of the check-ins due by today; returns how many
    reminders this call sent."""
    from clientela.accounts.models import User

    today = timezone.localtime(now).date()
    due = [row for row in checkins_due(owner_id=None, today=today, within_days=0) if row.owner_id]
    if not due:
        return 0
    sent_before = set(
        CheckinReminder.objects.filter(
            relationship_id__in=[row.relationship_id for row in due]
        ).values_list("relationship_id", "due_on")
    )
    owners = {user.pk: user for user in User.objects.filter(pk__in={row.owner_id for row in due})}
    sent = 0
    for row in due:
        owner = owners.get(row.owner_id)
        if (row.relationship_id, row.due_on) in sent_before or owner is None or not owner.is_active:
            continue
        if _remind(row=row, owner=owner, now=now):
            sent += 1
    return sent


def _in_language(code: str):
    """The owner's language for the message, or the current one when they chose none."""
    return override(code) if code else nullcontext()


def reminder_key(*, relationship_id: int, due_on) -> str:
    return f"checkin-reminder:{relationship_id}:{due_on.isoformat()}"


def _remind(*, row: CheckinDue, owner, now: datetime) -> bool:
    from django.urls import reverse

    from clientela.notifications.services import notification_send

    try:
        with transaction.atomic():
            CheckinReminder.objects.create(
                relationship_id=row.relationship_id, due_on=row.due_on, sent_at=now
            )
            with _in_language(getattr(owner, "language", "")):
                if row.days_overdue > 0:
                    subject = _("Check-in overdue: %(name)s") % {"name": row.party_name}
                else:
                    subject = _("Check-in due today: %(name)s") % {"name": row.party_name}
                body = _(
                    "Your check-in with %(name)s was due on %(date)s (every %(days)s days)."
                ) % {"name": row.party_name, "date": row.due_on.isoformat(), "days": row.every_days}
            notification_send(
                key=reminder_key(relationship_id=row.relationship_id, due_on=row.due_on),
                kind="checkin_reminder",
                subject=subject,
                body=body,
                user=owner,
                link=reverse("web:party", args=[row.party_public_id]),
            )
    except IntegrityError:
        return False  # another sweep reminded first
    return True
