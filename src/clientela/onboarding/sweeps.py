"""The late-task sweep: each task that became late is announced once, to its assignee and to
the client's account manager when that is someone else.

Exactly once, even with two workers: a task is claimed by a conditional update of
`late_notified_at` (only the worker whose update changed the row sends), and the
notification keys (`onboarding-late:<task id>[:owner]`) make a repeat a no-op as well.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from clientela.onboarding.models import PlanTask
from clientela.onboarding.selectors import onboarding_tasks_to_announce


def onboarding_late_sweep(*, now: datetime) -> int:
    """Send the late-task notifications due at `now`; return how many were sent."""
    from clientela.notifications.services import notification_send

    today = timezone.localdate(now)
    users = get_user_model().objects
    sent = 0
    for late in onboarding_tasks_to_announce(today=today):
        task = PlanTask.objects.filter(public_id=late.task_public_id).values("id").first()
        if task is None:
            continue
        with transaction.atomic():
            claimed = PlanTask.objects.filter(
                id=task["id"], late_notified_at__isnull=True, done_at__isnull=True
            ).update(late_notified_at=now)
            if not claimed:
                continue
            from clientela.parties.models import Relationship

            owner_id = (
                Relationship.objects.filter(pk=late.relationship_id)
                .values_list("owner_id", flat=True)
                .first()
            )
            link = reverse("onboarding:plan", args=[late.plan_public_id])
            recipients = []
            if late.assignee_id:
                recipients.append((late.assignee_id, f"onboarding-late:{task['id']}"))
            if owner_id and owner_id != late.assignee_id:
                recipients.append((owner_id, f"onboarding-late:{task['id']}:owner"))
            for user_id, key in recipients:
                user = users.filter(pk=user_id, is_active=True).first()
                if user is None:
                    continue
                with override(getattr(user, "language", None) or "en"):
                    subject = _("Onboarding task late: %(task)s (%(client)s)") % {
                        "task": late.title,
                        "client": late.party_name,
                    }
                    body = _(
                        "The onboarding task “%(task)s” for %(client)s was due on %(due)s."
                    ) % {"task": late.title, "client": late.party_name, "due": late.due_on}
                notification_send(
                    key=key,
                    kind="onboarding.task_late",
                    subject=subject,
                    body=body,
                    user=user,
                    link=link,
                )
                sent += 1
    return sent
