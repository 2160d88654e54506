"""Coupons in the demo: for the café and the bank, a campaign batch that is used up, one
that is running, and personal coupons, with redemptions on the demo's own paid orders.

Deterministic from the seed (codes included: drawn from a seeded generator over the same
alphabet as real codes) and idempotent (a second load adds nothing). Written with bulk
inserts. The agency sells to clients, not customers: nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from clientela.coupons.codes import ALPHABET, GROUP_SIZE

THANKS = "Thank you for coming back"


@dataclass(frozen=True)
class _Campaign:
    name: str
    kind: str
    value: str
    prefix: str
    codes: int
    starts: int  # days before now
    ends: int  # days before now (negative: after now)
    used: int  # codes redeemed (once each), or uses of a multi-use code
    min_spend: str | None = None
    multi_use: bool = False


_CAMPAIGNS = {
    "cafe": [
        _Campaign("Summer iced coffee −20%", "percent", "20", "ICED", 40, 150, 90, 40),
        _Campaign("Autumn pastry 2 € off", "fixed", "2.00", "PASTRY", 300, 30, -30, 36, "6.00"),
    ],
    "bank": [
        _Campaign("Welcome bonus 25 €", "fixed", "25.00", "WELCOME", 30, 300, 120, 30, "50.00"),
        _Campaign("Card spend 5% back", "percent", "5", "CARD5", 1, 45, -45, 24, None, True),
    ],
}
_PERSONAL = {"cafe": (8, "percent", "15"), "bank": (5, "fixed", "10.00")}


def demo_load(*, business: str, seed: int, now: datetime) -> int:
    """Create the batches, codes, personal coupons and redemptions; returns the rows
    written. Redemptions use distinct customers' paid orders placed within each batch's
    dates (single-use codes: one code per order)."""
    from clientela.coupons.models import CouponBatch

    if business not in _CAMPAIGNS:
        return 0
    if CouponBatch.objects.filter(name__in=[c.name for c in _CAMPAIGNS[business]]).exists():
        return 0
    rng = random.Random(f"coupons:{business}:{seed}")
    now = now if timezone.is_aware(now) else timezone.make_aware(now, timezone.utc)
    written = 0
    with transaction.atomic():
        for campaign in _CAMPAIGNS[business]:
            written += _campaign(campaign, rng=rng, now=now)
        written += _personal(business, rng=rng, now=now)
    return written


def _codes(rng: random.Random, prefix: str, count: int, taken: set[str]) -> list[str]:
    codes: list[str] = []
    while len(codes) < count:
        groups = ["".join(rng.choice(ALPHABET) for _ in range(GROUP_SIZE)) for _ in range(2)]
        code = "-".join([prefix, *groups]) if prefix else "-".join(groups)
        if code not in taken:
            taken.add(code)
            codes.append(code)
    return codes


def _orders(*, start: datetime, end: datetime, count: int, rng, min_total=None) -> list:
    """`count` paid orders of distinct customers placed in [start, end), drawn by `rng`."""
    from clientela.commerce.models import Order

    rows = Order.objects.filter(
        status="paid", placed_at__gte=start, placed_at__lt=end, relationship__kind="customer"
    )
    if min_total is not None:
        rows = rows.filter(total__gte=min_total)
    first_per_payer: dict[int, tuple] = {}
    for row in rows.order_by("placed_at", "id").values_list(
        "id", "payer_id", "total", "currency", "placed_at"
    ):
        first_per_payer.setdefault(row[1], row)
    candidates = list(first_per_payer.values())
    return rng.sample(candidates, min(count, len(candidates)))


def _campaign(campaign: _Campaign, *, rng, now: datetime) -> int:
    from clientela.coupons.models import Coupon, CouponBatch

    today = timezone.localtime(now).date()
    batch = CouponBatch(
        name=campaign.name,
        kind=campaign.kind,
        value=Decimal(campaign.value),
        currency="EUR" if campaign.kind == "fixed" else "",
        min_spend=Decimal(campaign.min_spend) if campaign.min_spend else None,
        valid_from=today - timedelta(days=campaign.starts),
        valid_to=today - timedelta(days=campaign.ends),
        max_redemptions=None if campaign.multi_use else 1,
        per_customer_limit=1,
        code_count=campaign.codes,
        prefix=campaign.prefix,
        created_at=now - timedelta(days=campaign.starts + 7),
        updated_at=now - timedelta(days=campaign.starts + 7),
    )
    batch.save()
    taken = set(
        Coupon.objects.filter(code__startswith=campaign.prefix).values_list("code", flat=True)
    )
    coupons = []
    for code in _codes(rng, campaign.prefix, campaign.codes, taken):
        row = Coupon(
            batch=batch, code=code, created_at=batch.created_at, updated_at=batch.created_at
        )
        row.assign_public_id()
        coupons.append(row)
    Coupon.objects.bulk_create(coupons, batch_size=2000)
    start = now - timedelta(days=campaign.starts)
    end = min(now, now - timedelta(days=campaign.ends))
    orders = _orders(start=start, end=end, count=campaign.used, rng=rng,
                     min_total=batch.min_spend)  # fmt: skip
    redemptions = _redeem(batch=batch, coupons=coupons, orders=orders)
    return 1 + len(coupons) + redemptions


def _redeem(*, batch, coupons: list, orders: list) -> int:
    from clientela.coupons.models import Coupon, CouponRedemption
    from clientela.coupons.terms import coupon_discount

    rows = []
    for index, (order_id, payer_id, total, currency, placed_at) in enumerate(
        sorted(orders, key=lambda o: (o[4], o[0]))
    ):
        coupon = coupons[0] if batch.max_redemptions is None else coupons[index]
        amount = Decimal(total).quantize(Decimal("0.01"))
        row = CouponRedemption(
            coupon=coupon,
            batch=batch,
            party_id=payer_id,
            order_id=order_id,
            order_amount=amount,
            discount=coupon_discount(kind=batch.kind, value=batch.value, amount=amount),
            currency=batch.currency or currency,
            at=placed_at,
            created_at=placed_at,
            updated_at=placed_at,
        )
        row.assign_public_id()
        rows.append(row)
        coupon.times_redeemed += 1
    CouponRedemption.objects.bulk_create(rows, batch_size=2000)
    Coupon.objects.bulk_update([c for c in coupons if c.times_redeemed], ["times_redeemed"])
    return len(rows)


def _personal(business: str, *, rng, now: datetime) -> int:
    """Personal coupons for recent customers: issued over the last three weeks, valid 30
    days; about half of them redeemed on a later order."""
    from clientela.commerce.models import Order
    from clientela.coupons.models import Coupon, CouponBatch

    count, kind, value = _PERSONAL[business]
    today = timezone.localtime(now).date()
    recent = _orders(start=now - timedelta(days=60), end=now - timedelta(days=21),
                     count=count, rng=rng)  # fmt: skip
    taken = set(Coupon.objects.filter(code__startswith="P-").values_list("code", flat=True))
    written = 0
    for _order, payer_id, _total, _currency, _placed in sorted(recent, key=lambda o: o[0]):
        issued = now - timedelta(days=rng.randint(1, 21))
        issued_day = timezone.localtime(issued).date()
        batch = CouponBatch(
            name="Thank-you coupon",
            kind=kind,
            value=Decimal(value),
            currency="EUR" if kind == "fixed" else "",
            valid_from=issued_day,
            valid_to=issued_day + timedelta(days=29),
            max_redemptions=1,
            per_customer_limit=1,
            code_count=1,
            prefix="P",
            party_id=payer_id,
            note=THANKS,
            created_at=issued,
            updated_at=issued,
        )
        batch.save()
        coupon = Coupon(batch=batch, code=_codes(rng, "P", 1, taken)[0], created_at=issued,
                        updated_at=issued)  # fmt: skip
        coupon.assign_public_id()
        coupon.save()
        written += 2
        if rng.random() < 0.5:
            later = (
                Order.objects.filter(
                    payer_id=payer_id, status="paid", placed_at__gt=issued, placed_at__lte=now
                )  # fmt: skip
                .order_by("placed_at", "id")
                .values_list("id", "payer_id", "total", "currency", "placed_at")
                .first()
            )
            if later is not None and issued_day <= today:
                written += _redeem(batch=batch, coupons=[coupon], orders=[later])
    return written
