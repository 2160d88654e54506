"""Referrals in the demo: ambassadors among the café's and the bank's customers, the
customers they brought (most qualified by their real first purchase, rewarded on both sides
through the loyalty ledger as the live path does), a few still pending and one expired."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from django.db import transaction
from django.utils import timezone

# business -> (ambassadors, qualified referrals, pending referrals, extra codes)
_PLAN = {"cafe": (12, 30, 6, 10), "bank": (8, 16, 4, 6)}
_CANDIDATES = 600


def demo_load(*, business: str, seed: int, now: datetime) -> int:
    """Create codes and referrals; returns the rows created (codes + referrals). Every
    referrer already bought before their referrals; each qualified referral's referred
    customer made their first paid purchase (at or above the programme's minimum) inside the
    window after the referral, and that order qualified it; pending ones are customers who
    have not bought yet, referred within the window before `now`; the expired one, before
    it. Deterministic from `seed`; a second call adds nothing; the agency gets nothing."""
    from clientela.referrals.models import Referral

    if business not in _PLAN or Referral.objects.filter(source="demo").exists():
        return 0
    if timezone.is_naive(now):
        now = timezone.make_aware(now, UTC)
    rng = random.Random(f"referrals:{business}:{seed}")
    n_ambassadors, n_qualified, n_pending, n_extra = _PLAN[business]
    buyers, idle = _candidates()
    from clientela.referrals.selectors import programme_get

    programme = programme_get()
    window = timedelta(days=programme.window_days)
    buyers.sort(key=lambda b: (b[1], b[0]))
    half = buyers[: max(len(buyers) // 2, 1)]
    ambassadors = sorted(rng.sample(half, min(n_ambassadors, len(half))), key=lambda b: b[0])
    taken = {a[0] for a in ambassadors}
    weights = [1.0 / (rank + 1) for rank in range(len(ambassadors))]
    plans: list[tuple] = []  # (referrer, referred, referred_at, order or None, status)
    pool = [b for b in buyers if b[0] not in taken and b[3] >= programme.min_purchase]
    rng.shuffle(pool)
    for party_id, first_at, order_id, _total, order_at in pool:
        if len(plans) >= n_qualified:
            break
        referred_at = first_at - timedelta(days=rng.randint(1, max(programme.window_days - 1, 1)))
        able = [(a, w) for a, w in zip(ambassadors, weights, strict=True) if a[1] < referred_at]
        if not able:
            continue
        referrer = rng.choices([a for a, _w in able], [w for _a, w in able])[0]
        plans.append((referrer[0], party_id, referred_at, (order_id, order_at), "qualified"))
        taken.add(party_id)
    idle = [p for p in idle if p not in taken]
    rng.shuffle(idle)
    for index, party_id in enumerate(idle[: n_pending + 1]):
        expired = index == n_pending
        days = programme.window_days + rng.randint(5, 30) if expired else rng.randint(1, 20)
        referrer = rng.choices(ambassadors, weights)[0]
        status = "expired" if expired else "pending"
        plans.append((referrer[0], party_id, now - timedelta(days=days), None, status))
    extra = [b[0] for b in buyers if b[0] not in taken]
    rng.shuffle(extra)
    code_owners = sorted({a[0] for a in ambassadors} | set(extra[:n_extra]))
    return _write(plans=plans, code_owners=code_owners, programme=programme, window=window, now=now)


def _candidates() -> tuple[list[tuple], list[int]]:
    """(customers who bought: (party id, first paid order time, its id, total, time), the
    first `_CANDIDATES` by id; customers who never bought: party ids). Two queries."""
    from clientela.commerce.models import Order
    from clientela.core.selectors import business_get
    from clientela.parties.models import Party

    customers = Party.objects.filter(current_kind="customer", kind="person").order_by("pk")
    ids = list(customers.filter(orders__status="paid").distinct().values_list("pk", flat=True))
    ids = ids[:_CANDIDATES]
    currency = business_get().currency
    first: dict[int, tuple] = {}
    for payer, at, order_id, total, order_currency in (
        Order.objects.filter(payer_id__in=ids, status="paid")
        .order_by("payer_id", "placed_at", "id")
        .values_list("payer_id", "placed_at", "id", "total", "currency")
    ):
        if payer not in first:
            first[payer] = (payer, at, order_id, total if order_currency == currency else 0, at)
    idle = list(customers.exclude(orders__isnull=False).values_list("pk", flat=True)[:_CANDIDATES])
    return list(first.values()), idle


def _write(*, plans, code_owners, programme, window, now) -> int:
    from clientela.referrals.models import CODE_ALPHABET, CODE_LENGTH, Referral, ReferralCode
    from clientela.referrals.services import referral_rewards_credit

    code_rng = random.Random("referrals:codes:" + ",".join(map(str, code_owners)))
    existing = set(ReferralCode.objects.values_list("code", flat=True))
    owners_with_code = set(ReferralCode.objects.values_list("party_id", flat=True))
    codes = []
    for party_id in code_owners:
        if party_id in owners_with_code:
            continue
        while True:
            text = "".join(code_rng.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
            if text not in existing:
                existing.add(text)
                break
        code = ReferralCode(party_id=party_id, code=text, created_at=now, updated_at=now)
        code.assign_public_id()
        codes.append(code)
    with transaction.atomic():
        ReferralCode.objects.bulk_create(codes)
        by_owner = dict(
            ReferralCode.objects.filter(party_id__in=code_owners).values_list("party_id", "pk")
        )
        rows = []
        for referrer, referred, referred_at, order, status in plans:
            row = Referral(
                referrer_id=referrer,
                referred_id=referred,
                code_id=by_owner[referrer],
                status=status,
                source="demo",
                referred_at=referred_at,
                expires_at=referred_at + window,
                qualified_at=order[1] if order else None,
                order_id=order[0] if order else None,
                rewarded=order is not None,
                created_at=referred_at,
                updated_at=order[1] if order else referred_at,
            )
            row.assign_public_id()
            rows.append(row)
        Referral.objects.bulk_create(rows)
        for row in Referral.objects.filter(source="demo", status="qualified").select_related(
            "referrer", "referred"
        ):
            referral_rewards_credit(referral=row, programme=programme, at=row.qualified_at)
    return len(codes) + len(rows)
