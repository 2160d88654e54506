"""Notifications in the demo: each account manager's inbox holds a few reminders and
warnings about their own clients from the last week, some already read."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

PER_OWNER = 6
READ_SHARE = 0.5


def _kinds():
    """(kind, subject template, body template, desk page) of the demo's notifications."""
    return [
        (
            "checkin_due",
            _("Check-in due with %(name)s"),
            _("It is time to get in touch with %(name)s: the last contact was a month ago."),
        ),
        (
            "contract_renewal",
            _("Contract renewal coming: %(name)s"),
            _("The contract with %(name)s renews soon; the notice deadline is near."),
        ),
        (
            "onboarding_late",
            _("Onboarding task late for %(name)s"),
            _("An onboarding task for %(name)s is past its due date."),
        ),
        (
            "review_negative",
            _("Low review score from %(name)s"),
            _("%(name)s answered the periodic review with a low score: call them."),
        ),
    ]


def demo_load(*, business: str, seed: int, now: datetime) -> int:
    """Create the notifications; returns how many. Up to `PER_OWNER` per account manager,
    about their current active clients (in a fixed order: start time, name, id), each
    created within the 7 days before `now`, about half read, in-app only (the demo sends no
    email). Keys are `demo:<kind>:<relationship id>`, so loading again adds nothing.
    Deterministic from `seed`. `cafe` has no clients: 0."""
    from clientela.notifications.models import Notification
    from clientela.parties.models import Relationship

    if business not in {"agency", "bank"}:
        return 0
    now = now if timezone.is_aware(now) else timezone.make_aware(now, timezone.utc)
    clients = list(
        Relationship.objects.filter(
            kind="client", is_current=True, status="active", owner__isnull=False
        )
        .order_by("owner_id", "started_at", "party__sort_key", "id")
        .values_list("id", "owner_id", "party__public_id", "party__display_name")
    )
    by_owner: dict[int, list] = {}
    for row in clients:
        by_owner.setdefault(row[1], []).append(row)
    rng = random.Random(f"notifications:{seed}")
    kinds = _kinds()
    rows = []
    for owner_id in sorted(by_owner):
        picked = rng.sample(by_owner[owner_id], min(PER_OWNER, len(by_owner[owner_id])))
        for rid, _owner, party_public_id, name in picked:
            kind, subject, body = rng.choice(kinds)
            created = now - timedelta(minutes=rng.randrange(10, 7 * 24 * 60))
            read = rng.random() < READ_SHARE
            row = Notification(
                user_id=owner_id,
                kind=kind,
                subject=(subject % {"name": name})[:300],
                body=body % {"name": name},
                link=reverse("web:party", args=[party_public_id]),
                key=f"demo:{kind}:{rid}",
                read_at=created + timedelta(hours=rng.randrange(1, 24)) if read else None,
                created_at=created,
                updated_at=created,
            )
            row.assign_public_id()
            rows.append(row)
    existing = set(
        Notification.objects.filter(key__in=[row.key for row in rows]).values_list("key", flat=True)
    )
    rows = [row for row in rows if row.key not in existing]
    with transaction.atomic():
        Notification.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
