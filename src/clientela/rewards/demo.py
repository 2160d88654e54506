"""Rewards in the demo: a catalogue for the café and the bank, and a few redemptions by
the loyalty members (loaded by the loyalty demo before this one) who hold enough points.

Redemptions go through `reward_redeem`, so the points are really spent in the ledger and
discount rewards really issue their personal coupon; every other one that is not a
discount is then handed over.
Deterministic from the seed, idempotent (a second load adds nothing). The agency: nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clientela.core.errors import ApplicationError, ErrorCode

# (name, kind, points, description, stock, valid days from now or None, coupon terms)
_CATALOGUES = {
    "cafe": [
        ("Free filter coffee", "free_item", 150, "Any size, any bean of the day.", None, None,
         None),
        ("Pastry of your choice", "free_item", 250, "From the morning counter.", None, None,
         None),
        ("10% off your next order", "discount", 400, "A personal coupon for one visit.", None,
         None, ("percent", "10", 30)),
        ("Café tote bag", "gift", 900, "Organic cotton, printed in town.", 25, None, None),
        ("Latte art class", "experience", 2500, "Saturday morning with our head barista.", 8,
         60, None),
    ],
    "bank": [
        ("Coffee on us", "free_item", 500, "At the branch café.", None, None, None),
        ("Fee-free month", "discount", 1000, "10 € off your account fees.", None, None,
         ("fixed", "10.00", 60)),
        ("Branded umbrella", "gift", 1500, "Collect at any branch.", 40, None, None),
        ("Cinema tickets for two", "experience", 3000, "Valid at partner cinemas.", 20, 90,
         None),
        ("Airport lounge pass", "experience", 6000, "One visit, one guest included.", 10, None,
         None),
    ],
}  # fmt: skip
_REDEMPTIONS = 6


def demo_load(*, business: str, seed: int, now: datetime) -> int:
    """Create the catalogue and up to six redemptions; returns the rows written (rewards
    and redemptions)."""
    from clientela.rewards.models import Reward

    if business not in _CATALOGUES:
        return 0
    if Reward.objects.exists():
        return 0
    now = now if timezone.is_aware(now) else timezone.make_aware(now, timezone.utc)
    today = timezone.localtime(now).date()
    rng = random.Random(f"rewards:{business}:{seed}")
    rows = []
    for name, kind, points, description, stock, days, coupon in _CATALOGUES[business]:
        row = Reward(
            name=name,
            kind=kind,
            points_cost=points,
            description=description,
            stock=stock,
            valid_to=today + timedelta(days=days) if days else None,
            coupon_kind=coupon[0] if coupon else "",
            coupon_value=Decimal(coupon[1]) if coupon else None,
            coupon_valid_days=coupon[2] if coupon else 30,
            created_at=now,
            updated_at=now,
        )
        row.assign_public_id()
        rows.append(row)
    with transaction.atomic():
        Reward.objects.bulk_create(rows)
        redeemed = _redeem(rewards=rows, rng=rng)
    return len(rows) + redeemed


def _redeem(*, rewards: list, rng: random.Random) -> int:
    from clientela.loyalty.models import LoyaltyAccount
    from clientela.rewards.services import reward_redeem, reward_redemption_fulfil

    cheapest = min(r.points_cost for r in rewards)
    members = list(
        LoyaltyAccount.objects.filter(balance__gte=cheapest)
        .select_related("party")
        .order_by("-balance", "id")[:50]
    )
    chosen = rng.sample(members, min(_REDEMPTIONS, len(members)))
    done = 0
    for account in sorted(chosen, key=lambda a: a.pk):
        affordable = [r for r in rewards if r.points_cost <= account.balance]
        reward = rng.choice(affordable)
        try:
            with transaction.atomic():
                redemption = reward_redeem(actor=None, party=account.party, reward=reward)
        except ApplicationError as exc:  # points expired since the balance was read
            if exc.code != ErrorCode.CONFLICT:
                raise
            continue
        if reward.kind != "discount" and done % 2 == 0:
            reward_redemption_fulfil(actor=None, redemption=redemption)
        done += 1
    return done
