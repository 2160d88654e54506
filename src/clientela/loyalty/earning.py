"""Earning points from orders.

The formula, per paid order of a member (the payer earns):

- An order whose currency is not the programme's, or whose total is below the programme's
  minimum spend, earns nothing. At or above the minimum the whole amount earns.
- Each line earns `amount x (base_rate + category extra) x category multiplier x channel
  multiplier x tier multiplier x campaign multipliers`, where the category rule is the one
  for the line's catalogue item category, the channel rule the one for the order's sales
  channel, the tier the member's tier when the points are credited, and the campaign
  multipliers those of every active campaign running on the order's date (business time
  zone, both ends inclusive) whose category (if set) is the line's and whose channel (if
  set) is the order's. A missing rule counts as extra 0, multiplier 1. An order without
  lines earns on its total as one uncategorised line.
- The order's points are the sum over its lines, floored to a whole number once, plus the
  fixed `bonus_points` of every campaign running that day whose channel (if set) is the
  order's and, if it names a category, that has at least one line in it. Never negative.

`points_earn_orders` is set-based: per chunk of 2,000 orders it runs a constant number of
queries (orders, lines, the accounts locked, existing keys, one bulk insert, one bulk
balance update, the tier check) whatever the chunk holds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from django.db import transaction
from django.utils import timezone

from clientela.loyalty.ledger import add_months, lot_expiry, rows_update
from clientela.loyalty.models import (
    Campaign,
    EarningRule,
    EntryKind,
    LoyaltyAccount,
    PointsEntry,
    RuleKind,
    Tier,
)

CHUNK = 2000
ONE = Decimal("1")
ZERO = Decimal("0")


@dataclass
class EarningContext:
    """What the formula needs, loaded once per call (three queries)."""

    base_rate: Decimal
    min_spend: Decimal
    currency: str
    category_rules: dict[str, EarningRule] = field(default_factory=dict)
    channel_rules: dict[str, EarningRule] = field(default_factory=dict)
    campaigns: list[Campaign] = field(default_factory=list)
    tier_multipliers: dict[int, Decimal] = field(default_factory=dict)


def context_load(*, programme) -> EarningContext:
    ctx = EarningContext(
        base_rate=programme.base_rate, min_spend=programme.min_spend, currency=programme.currency
    )
    for rule in EarningRule.objects.filter(active=True):
        if rule.kind == RuleKind.CATEGORY:
            ctx.category_rules[rule.category] = rule
        else:
            ctx.channel_rules[rule.channel] = rule
    ctx.campaigns = list(Campaign.objects.filter(active=True))
    ctx.tier_multipliers = dict(Tier.objects.values_list("id", "multiplier"))
    return ctx


def order_points(
    *,
    ctx: EarningContext,
    total: Decimal,
    currency: str,
    channel: str,
    placed_at: dt.datetime,
    lines: list[tuple[Decimal, str]],
    tier_multiplier: Decimal = ONE,
) -> int:
    """The points one order earns (see the module docstring); `lines` are (amount,
    category) pairs."""
    if currency != ctx.currency or total < ctx.min_spend:
        return 0
    if not lines:
        lines = [(total, "")]
    day = timezone.localtime(placed_at).date()
    running = [
        c
        for c in ctx.campaigns
        if c.starts_on <= day <= c.ends_on and (not c.channel or c.channel == channel)
    ]
    channel_rule = ctx.channel_rules.get(channel)
    channel_mult = channel_rule.multiplier if channel_rule else ONE
    raw = ZERO
    categories = set()
    for amount, category in lines:
        categories.add(category or "")
        rule = ctx.category_rules.get(category) if category else None
        rate = ctx.base_rate + (rule.extra_per_unit if rule else ZERO)
        mult = channel_mult * tier_multiplier * (rule.multiplier if rule else ONE)
        for campaign in running:
            if not campaign.category or campaign.category == category:
                mult *= campaign.multiplier
        raw += amount * rate * mult
    points = int(raw.to_integral_value(rounding=ROUND_FLOOR))
    for campaign in running:
        if not campaign.category or campaign.category in categories:
            points += campaign.bonus_points
    return max(points, 0)


def earn_orders(*, programme, order_ids: list[int], at: dt.datetime, actor) -> int:
    """Credit the orders' points (see `services.points_earn_orders`); returns the number of
    entries created."""
    ctx = context_load(programme=programme)
    ids = sorted({int(i) for i in order_ids})
    created = 0
    for start in range(0, len(ids), CHUNK):
        with transaction.atomic():
            created += _earn_chunk(
                programme=programme, ctx=ctx, ids=ids[start : start + CHUNK], at=at, actor=actor
            )
    return created


def _earn_chunk(*, programme, ctx: EarningContext, ids: list[int], at, actor) -> int:
    from clientela.commerce.models import Order, OrderLine, OrderStatus
    from clientela.loyalty.tiers import base_tier, tiers_promote

    orders = list(
        Order.objects.filter(pk__in=ids, status=OrderStatus.PAID, currency=ctx.currency)
        .order_by("placed_at", "id")
        .values_list("id", "payer_id", "placed_at", "channel", "total", "currency")
    )
    orders = [o for o in orders if o[4] >= ctx.min_spend]
    if not orders:
        return 0
    payers = sorted({o[1] for o in orders})
    accounts = {
        a.party_id: a
        for a in LoyaltyAccount.objects.select_for_update()
        .filter(party_id__in=payers)
        .order_by("id")
        .only("id", "party_id", "balance", "tier_id")
    }
    missing = [p for p in payers if p not in accounts]
    if missing and programme.auto_enrol:
        first_order = {}
        for o in orders:
            first_order.setdefault(o[1], o[2])
        tier = base_tier()
        new = []
        for party_id in missing:
            enrolled_at = first_order[party_id]
            account = LoyaltyAccount(
                party_id=party_id,
                enrolled_at=enrolled_at,
                tier=tier,
                tier_since=enrolled_at if tier else None,
                next_review_on=add_months(
                    timezone.localtime(enrolled_at).date(), programme.review_every_months
                ),
            )
            account.assign_public_id()
            new.append(account)
        LoyaltyAccount.objects.bulk_create(new, ignore_conflicts=True, batch_size=1000)
        for a in (
            LoyaltyAccount.objects.select_for_update()
            .filter(party_id__in=missing)
            .order_by("id")
            .only("id", "party_id", "balance", "tier_id")
        ):
            accounts[a.party_id] = a
    orders = [o for o in orders if o[1] in accounts]
    if not orders:
        return 0
    done = set(
        PointsEntry.objects.filter(key__in=[f"earn:order:{o[0]}" for o in orders]).values_list(
            "key", flat=True
        )
    )
    orders = [o for o in orders if f"earn:order:{o[0]}" not in done]
    if not orders:
        return 0
    lines: dict[int, list[tuple[Decimal, str]]] = defaultdict(list)
    for order_id, amount, category in OrderLine.objects.filter(
        order_id__in=[o[0] for o in orders]
    ).values_list("order_id", "amount", "item__category"):
        lines[order_id].append((amount, category or ""))
    entries, touched = [], {}
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    for order_id, payer_id, placed_at, channel, total, currency in orders:
        account = accounts[payer_id]
        points = order_points(
            ctx=ctx,
            total=total,
            currency=currency,
            channel=channel,
            placed_at=placed_at,
            lines=lines.get(order_id, []),
            tier_multiplier=ctx.tier_multipliers.get(account.tier_id, ONE),
        )
        if points <= 0:
            continue
        account.balance += points
        touched[account.pk] = account
        entry = PointsEntry(
            account_id=account.pk,
            kind=EntryKind.EARN,
            points=points,
            balance_after=account.balance,
            occurred_at=placed_at,
            expires_at=lot_expiry(programme=programme, at=placed_at),
            remaining=points,
            order_id=order_id,
            actor_id=actor_id,
            key=f"earn:order:{order_id}",
        )
        entry.assign_public_id()
        entries.append(entry)
    if not entries:
        return 0
    PointsEntry.objects.bulk_create(entries, batch_size=1000)
    now = timezone.now()
    for account in touched.values():
        account.updated_at = now
    rows_update(LoyaltyAccount, list(touched.values()), ["balance", "updated_at"])
    tiers_promote(programme=programme, account_ids=list(touched), as_of=at)
    return len(entries)
