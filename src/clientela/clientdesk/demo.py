"""The client desk in the demo: backups for some agency and bank clients, and
`desk_demo_load`, which fills every desk app in order."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime
from importlib import import_module

from django.db import transaction
from django.utils import timezone

# The desk apps whose demo data `desk_demo_load` loads, in this order (a later app reads an
# earlier one's rows: onboarding plans start from contracts, check-ins from the timeline,
# the notifications tell account managers about what the others left due).
# Loyalty before rewards (redemptions spend points); referrals after coupons; support last
# among the customer desk's apps; notifications last of all (they point at the rest).
DEMO_APPS = (
    "contracts",
    "onboarding",
    "checkins",
    "reviews",
    "booking",
    "customerdesk",
    "loyalty",
    "rewards",
    "coupons",
    "referrals",
    "support",
    "notifications",
)
BACKUP_SHARE = 0.2


def demo_load(*, business: str, seed: int, now: datetime) -> int:
    """Name a backup for about one client in five (current, active, with an owner): another
    active account manager, chosen from `seed`. Returns the backups created; `cafe` (no
    clients) gets none, nor does a second load (once any backup exists). Deterministic:
    clients in (start, name, id) order, staff by username."""
    from clientela.accounts.models import User
    from clientela.clientdesk.models import RelationshipBackup
    from clientela.parties.models import Relationship

    if business not in {"agency", "bank"} or RelationshipBackup.objects.exists():
        return 0
    staff = list(
        User.objects.filter(is_active=True, role="account_manager")
        .order_by("username")
        .values_list("id", flat=True)
    )
    if len(staff) < 2:
        return 0
    clients = Relationship.objects.filter(
        kind="client", is_current=True, status="active", owner__isnull=False
    ).order_by("started_at", "party__sort_key", "id")
    rng = random.Random(f"clientdesk:{seed}")
    created_at = now if timezone.is_aware(now) else timezone.make_aware(now, timezone.utc)
    rows = []
    for rid, owner_id in clients.values_list("id", "owner_id"):
        if rng.random() >= BACKUP_SHARE:
            continue
        choices = [u for u in staff if u != owner_id]
        row = RelationshipBackup(
            relationship_id=rid,
            user_id=rng.choice(choices),
            created_at=created_at,
            updated_at=created_at,
        )
        row.assign_public_id()
        rows.append(row)
    with transaction.atomic():
        RelationshipBackup.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def desk_demo_load(
    *,
    business: str,
    seed: int,
    now: datetime,
    progress: Callable[[str, int, int], None] | None = None,
) -> dict[str, int]:
    """Load every desk app's demo data in the order of `DEMO_APPS`, then the backups;
    `{app: rows created}`. `progress(step, done, total)` after each app."""
    total = len(DEMO_APPS) + 1
    counts: dict[str, int] = {}
    for done, app in enumerate(DEMO_APPS, start=1):
        load = import_module(f"clientela.{app}.demo").demo_load
        counts[app] = load(business=business, seed=seed, now=now)
        if progress is not None:
            progress("desks", done, total)
    counts["clientdesk"] = demo_load(business=business, seed=seed, now=now)
    if progress is not None:
        progress("desks", total, total)
    return counts
