"""Loyalty in the demo: the café's and the bank's programmes (three tiers, earning rules, a
bonus campaign), most customers with orders as members, their points earned from their
existing orders half-month by half-month (dated at the order times), a few redemptions
each month and the expiry and tier-review runs twice a month, so the statements show every
kind of line.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import transaction

MEMBER_SHARE = 0.85
REDEMPTIONS_PER_MONTH = 4

_SETUP = {
    "cafe": {
        "programme": {
            "name": "Café Aroma Club",
            "base_rate": Decimal("1"),
            "min_spend": Decimal("2.00"),
            "expiry_months": 12,
            "tier_window_months": 12,
            "review_every_months": 6,
        },
        "tiers": (
            ("Bean", 0, Decimal("1"), "Birthday drink"),
            ("Silver", 120, Decimal("1.1"), "10% more points, free refill"),
            ("Gold", 300, Decimal("1.25"), "25% more points, a free drink a month"),
        ),
        "rules": (
            {"kind": "category", "category": "pastry", "extra_per_unit": Decimal("1")},
            {"kind": "category", "category": "retail", "multiplier": Decimal("2")},
            {"kind": "channel", "channel": "online", "multiplier": Decimal("1.5")},
        ),
        "campaign": ("Autumn double points", Decimal("2"), 0, "coffee"),
        "reward": (50, "Free cappuccino"),
    },
    "bank": {
        "programme": {
            "name": "Meridian Rewards",
            "base_rate": Decimal("1"),
            "min_spend": Decimal("1.00"),
            "expiry_months": 12,
            "tier_window_months": 12,
            "review_every_months": 12,
        },
        "tiers": (
            ("Classic", 0, Decimal("1"), "Points on every fee"),
            ("Premier", 150, Decimal("1.2"), "Fee-free transfers"),
            ("Private", 600, Decimal("1.5"), "A dedicated representative"),
        ),
        "rules": (
            {"kind": "category", "category": "cards", "extra_per_unit": Decimal("1")},
            {"kind": "channel", "channel": "online", "multiplier": Decimal("2")},
        ),
        "campaign": ("Card month", Decimal("1"), 25, "cards"),
        "reward": (60, "Annual card fee waiver"),
    },
}


def demo_load(*, business: str, seed: int, now: datetime) -> int:
    """Set up the programme and run its history; returns the rows created (tiers, rules,
    campaign, accounts and ledger entries). Deterministic from `seed` and `now`;
    idempotent (a second call finds the tiers and adds nothing); `agency`: 0."""
    from clientela.commerce.models import Order, OrderStatus
    from clientela.loyalty.configure import (
        campaign_create,
        programme_update,
        rule_create,
        tier_create,
    )
    from clientela.loyalty.models import LoyaltyAccount, PointsEntry, Tier
    from clientela.loyalty.selectors import programme_get

    setup = _SETUP.get(business)
    if setup is None or Tier.objects.exists() or LoyaltyAccount.objects.exists():
        return 0
    from clientela.core.models import Business

    currency = Business.objects.filter(pk=1).values_list("currency", flat=True).first() or "EUR"
    rows = 0
    with transaction.atomic():
        programme_update(actor=None, currency=currency, auto_enrol=False, active=True,
                         **setup["programme"])  # fmt: skip
        for position, (name, threshold, multiplier, benefits) in enumerate(setup["tiers"], 1):
            tier_create(actor=None, name=name, threshold=threshold, position=position,
                        multiplier=multiplier, benefits=benefits)  # fmt: skip
        for rule in setup["rules"]:
            rule_create(actor=None, **rule)
        orders = Order.objects.filter(status=OrderStatus.PAID, currency=currency)
        last = orders.order_by("-placed_at").values_list("placed_at", flat=True).first()
        end = min(now, last) if last else now
        name, multiplier, bonus, category = setup["campaign"]
        campaign_create(actor=None, name=name, starts_on=(end - timedelta(days=45)).date(),
                        ends_on=(end - timedelta(days=15)).date(), multiplier=multiplier,
                        bonus_points=bonus, category=category)  # fmt: skip
        rows += len(setup["tiers"]) + len(setup["rules"]) + 1
        rows += _enrol(seed=seed, orders=orders, programme=programme_get())
    _history(seed=seed, orders=orders, now=now, reward=setup["reward"])
    programme_update(actor=None, auto_enrol=True)
    return rows + PointsEntry.objects.count()


def _enrol(*, seed: int, orders, programme) -> int:
    """Most payers with a paid order become members, enrolled at their first order."""
    from django.db.models import Min
    from django.utils import timezone

    from clientela.loyalty.ledger import add_months
    from clientela.loyalty.models import LoyaltyAccount
    from clientela.loyalty.tiers import base_tier

    rng = random.Random(f"loyalty:{seed}")
    tier = base_tier()
    first = list(
        orders.filter(payer__current_kind="customer")
        .values("payer_id").annotate(first=Min("placed_at")).order_by("payer_id")
        .values_list("payer_id", "first")
    )  # fmt: skip
    accounts = []
    for party_id, enrolled_at in first:
        if rng.random() >= MEMBER_SHARE:
            continue
        account = LoyaltyAccount(
            party_id=party_id, enrolled_at=enrolled_at, tier=tier, tier_since=enrolled_at,
            next_review_on=add_months(timezone.localtime(enrolled_at).date(),
                                      programme.review_every_months),
            created_at=enrolled_at, updated_at=enrolled_at,
        )  # fmt: skip
        account.assign_public_id()
        accounts.append(account)
    LoyaltyAccount.objects.bulk_create(accounts, batch_size=2000)
    return len(accounts)


def _history(*, seed: int, orders, now: datetime, reward: tuple[int, str]) -> None:
    """Half-month by half-month up to `now`: earn the orders of the half (tiers promoted as
    of its end), then the expiry run at its end; at the end of each month a few members
    redeem a reward; then the tier review. The ledger is written in date order."""
    from clientela.loyalty.models import LoyaltyAccount
    from clientela.loyalty.services import points_earn_orders, points_expire_due, points_redeem
    from clientela.loyalty.tiers import tiers_review

    first = orders.order_by("placed_at").values_list("placed_at", flat=True).first()
    if first is None:
        return
    rng = random.Random(f"loyalty-history:{seed}")
    points, label = reward
    start = datetime(first.year, first.month, 1, tzinfo=UTC)
    while start <= now:
        end = min(_next_half(start), now + timedelta(microseconds=1))
        ids = list(
            orders.filter(placed_at__gte=start, placed_at__lt=end).order_by("id")
            .values_list("id", flat=True)
        )  # fmt: skip
        half_end = end - timedelta(microseconds=1)  # the end of the half-month
        points_earn_orders(actor=None, order_ids=ids, at=half_end)
        # expire first: a member whose points all lapse at this moment has nothing to redeem
        points_expire_due(now=half_end)
        if start.day == 16 or end > now:
            rich = list(
                LoyaltyAccount.objects.filter(balance__gte=points * 2)
                .order_by("id").select_related("party")[:200]
            )  # fmt: skip
            for account in rng.sample(rich, min(REDEMPTIONS_PER_MONTH, len(rich))):
                points_redeem(actor=None, party=account.party, points=points, reference=label,
                              at=half_end)  # fmt: skip
        tiers_review(now=half_end)
        start = end


def _next_half(moment: datetime) -> datetime:
    """The 16th of the month after the 1st, the 1st of the next month after the 16th."""
    if moment.day < 16:
        return moment.replace(day=16)
    return moment.replace(day=1, year=moment.year + moment.month // 12, month=moment.month % 12 + 1)
