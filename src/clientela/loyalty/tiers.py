"""Tiers: evaluated on points EARNED in a rolling window, never on the balance.

Earned(as_of) = the points of `earn` entries that occurred in [as_of - window, as_of],
minus, for those same earn entries, the points a `reverse` took back (a refund: the whole
earn counts as taken back, including what the member had already spent). Redemptions,
expiry and manual adjustments do not change it.

Promotion is immediate: whenever points are earned, a member whose earned total reaches a
higher tier's threshold moves up at once, and the next review is set `review_every_months`
after the promotion. Demotion happens only at a review: on `next_review_on` the tier becomes
whatever the window then supports (up or down), and the next review moves on by
`review_every_months`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Sum
from django.utils import timezone

from clientela.loyalty.ledger import add_months, rows_update
from clientela.loyalty.models import EntryKind, LoyaltyAccount, PointsEntry, Tier


def window_start(*, programme, as_of: dt.datetime) -> dt.datetime:
    return add_months(as_of, -programme.tier_window_months)


def earned_by_account(*, programme, account_ids, as_of: dt.datetime) -> dict[int, int]:
    """Points earned in the window ending at `as_of`, per account id (two queries; accounts
    that earned nothing are absent)."""
    start = window_start(programme=programme, as_of=as_of)
    earned: dict[int, int] = {}
    earns = PointsEntry.objects.filter(
        kind=EntryKind.EARN, occurred_at__gte=start, occurred_at__lte=as_of
    )
    reverses = PointsEntry.objects.filter(
        kind=EntryKind.REVERSE,
        related__kind=EntryKind.EARN,
        related__occurred_at__gte=start,
        related__occurred_at__lte=as_of,
    )
    if account_ids is not None:
        ids = list(account_ids)
        earns = earns.filter(account_id__in=ids)
        reverses = reverses.filter(account_id__in=ids)
    for account_id, total in (
        earns.values("account_id").annotate(t=Sum("points")).values_list("account_id", "t")
    ):
        earned[account_id] = total or 0
    for account_id, total in (
        reverses.values("account_id")
        .annotate(t=Sum("related__points"))
        .values_list("account_id", "t")
    ):
        earned[account_id] = earned.get(account_id, 0) - (total or 0)
    return earned


def tier_for(tiers: list[Tier], earned: int) -> Tier | None:
    """The highest tier whose threshold `earned` reaches (tiers sorted by threshold)."""
    best = None
    for tier in tiers:
        if earned >= tier.threshold:
            best = tier
    return best


def _rank(tier: Tier | None) -> int:
    return -1 if tier is None else tier.threshold


def tiers_promote(*, programme, account_ids, as_of: dt.datetime) -> int:
    """Move up, at once, the given accounts whose earned points reach a higher tier; returns
    how many moved. Never moves anyone down."""
    tiers = list(Tier.objects.order_by("threshold"))
    if not tiers:
        return 0
    ids = list(account_ids)
    earned = earned_by_account(programme=programme, account_ids=ids, as_of=as_of)
    by_id = {tier.pk: tier for tier in tiers}
    changed = []
    review_on = add_months(timezone.localtime(as_of).date(), programme.review_every_months)
    for account in LoyaltyAccount.objects.filter(pk__in=ids).only(
        "id", "tier_id", "tier_since", "next_review_on"
    ):
        target = tier_for(tiers, earned.get(account.pk, 0))
        if _rank(target) > _rank(by_id.get(account.tier_id)):
            account.tier_id = target.pk
            account.tier_since = as_of
            account.next_review_on = review_on
            changed.append(account)
    if changed:
        rows_update(LoyaltyAccount, changed, ["tier", "tier_since", "next_review_on"])
    return len(changed)


def base_tier() -> Tier | None:
    """The tier a new member starts in: the one with threshold 0, if any."""
    return Tier.objects.filter(threshold=0).first()


def tiers_review(*, now: dt.datetime) -> int:
    """Review every member whose `next_review_on` is today or earlier: the tier becomes what
    the window ending `now` supports, and the next review moves on by `review_every_months`
    until it is after today. Returns how many members were reviewed. Idempotent for the
    same day (the reviewed members' next review is in the future)."""
    from clientela.loyalty.selectors import programme_get

    programme = programme_get()
    today = timezone.localtime(now).date()
    tiers = list(Tier.objects.order_by("threshold"))
    reviewed = 0
    while True:
        due = list(
            LoyaltyAccount.objects.filter(next_review_on__lte=today).only(
                "id", "tier_id", "tier_since", "next_review_on"
            )[:2000]
        )
        if not due:
            return reviewed
        earned = earned_by_account(programme=programme, account_ids=[a.pk for a in due], as_of=now)
        for account in due:
            target = tier_for(tiers, earned.get(account.pk, 0))
            if (target.pk if target else None) != account.tier_id:
                account.tier_since = now
            account.tier_id = target.pk if target else None
            following = account.next_review_on
            while following <= today:
                following = add_months(following, programme.review_every_months)
            account.next_review_on = following
        rows_update(LoyaltyAccount, due, ["tier", "tier_since", "next_review_on"])
        reviewed += len(due)
