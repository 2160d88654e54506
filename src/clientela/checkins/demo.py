"""Check-ins in the demo: a cadence for every agency or bank client in onboarding or
relationship management, from the clients, owners and timelines already loaded."""

from __future__ import annotations

import random
from datetime import datetime

from django.db import transaction
from django.utils import timezone

# (channel, weight): calls first, then emails, then meetings.
_CHANNELS = (("call", 4), ("email", 3), ("virtual_meeting", 2), ("in_person_meeting", 1))
_FORTNIGHTLY_SHARE = 0.15


def demo_load(*, business: str, seed: int, now: datetime) -> int:
    """Create the cadences; returns how many. 30 days for most clients, 14 for about one
    in seven, channels mixed, each started when its client entered onboarding. The demo's
    owners log a check-in roughly monthly, so against `now` (the end of the demo history)
    some clients are overdue and some due within the week. Deterministic from `seed`: the
    clients are visited in the order of their public-id-free key (start time, name, id).
    `cafe` has no clients: 0."""
    from clientela.checkins.models import CheckinCadence
    from clientela.journeys.models import JourneyTransition
    from clientela.parties.models import Relationship

    if business not in {"agency", "bank"}:
        return 0
    clients = list(
        Relationship.objects.filter(
            kind="client",
            is_current=True,
            status="active",
            stage__in=("onboarding", "relationship_management"),
            checkin_cadence__isnull=True,
        )
        .order_by("started_at", "party__sort_key", "id")
        .values_list("id", "stage_entered_at")
    )
    entered = dict(
        JourneyTransition.objects.filter(
            relationship_id__in=[rid for rid, _ in clients], to_stage="onboarding"
        )
        .order_by("relationship_id", "at")
        .values_list("relationship_id", "at")
    )
    rng = random.Random(f"checkins:{seed}")
    names, weights = zip(*_CHANNELS, strict=True)
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    created_at = now if timezone.is_aware(now) else timezone.make_aware(now, timezone.utc)
    rows = []
    for rid, stage_at in clients:
        start = entered.get(rid, stage_at)
        started_on = min(timezone.localtime(start).date(), today) if start else today
        every_days = 14 if rng.random() < _FORTNIGHTLY_SHARE else 30
        row = CheckinCadence(
            relationship_id=rid,
            every_days=every_days,
            channel=rng.choices(names, weights)[0],
            started_on=started_on,
            created_at=created_at,
            updated_at=created_at,
        )
        row.assign_public_id()
        rows.append(row)
    with transaction.atomic():
        CheckinCadence.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
