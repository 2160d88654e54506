"""Loyalty: reads. Plain values and querysets documented as such; nothing here writes,
except `programme_get`, which creates the programme row with its defaults on first use."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone

from clientela.loyalty.models import EntryKind, LoyaltyAccount, PointsEntry, Programme, Tier


def programme_get() -> Programme:
    """The programme (row id=1), created with the business's currency on first use."""
    programme = Programme.objects.filter(pk=1).first()
    if programme is not None:
        return programme
    from clientela.core.models import Business

    business = Business.objects.filter(pk=1).first()
    Programme.objects.get_or_create(
        pk=1, defaults={"currency": business.currency if business else "EUR"}
    )
    return Programme.objects.get(pk=1)  # re-read: decimals as the database holds them


def loyalty_balance(*, party_id: int) -> int:
    """The party's points balance; 0 for a non-member."""
    return (
        LoyaltyAccount.objects.filter(party_id=party_id).values_list("balance", flat=True).first()
        or 0
    )


def loyalty_account_get(*, party_id: int) -> LoyaltyAccount | None:
    """The party's account (with its tier), or None for a non-member."""
    return LoyaltyAccount.objects.select_related("tier").filter(party_id=party_id).first()


def tiers_list() -> list[Tier]:
    return list(Tier.objects.order_by("threshold"))


def earned_in_window(*, account_id: int, as_of: dt.datetime) -> int:
    """Points earned in the programme's tier window ending at `as_of` (see `tiers`)."""
    from clientela.loyalty.tiers import earned_by_account

    return earned_by_account(programme=programme_get(), account_ids=[account_id], as_of=as_of).get(
        account_id, 0
    )


@dataclass(frozen=True)
class TierProgress:
    tier: Tier | None
    next_tier: Tier | None
    earned: int
    to_next: int  # points still to earn for the next tier (0 at the top)
    percent: int  # 0..100 towards the next tier (100 at the top)
    next_review_on: dt.date | None


def tier_progress(*, account: LoyaltyAccount, now: dt.datetime) -> TierProgress:
    """Where the member stands: current tier, earned in the window, the next tier and how
    far away it is."""
    tiers = tiers_list()
    earned = earned_in_window(account_id=account.pk, as_of=now)
    current = next((t for t in tiers if t.pk == account.tier_id), None)
    floor = current.threshold if current else 0
    upcoming = [t for t in tiers if t.threshold > floor]
    following = upcoming[0] if upcoming else None
    if following is None:
        return TierProgress(current, None, earned, 0, 100, account.next_review_on)
    span = following.threshold - floor
    done = max(0, min(earned - floor, span))
    return TierProgress(
        current,
        following,
        earned,
        max(0, following.threshold - earned),
        int(done * 100 / span) if span else 100,
        account.next_review_on,
    )


def points_expiring(*, account_id: int, now: dt.datetime, days: int = 30) -> int:
    """Points of the account's lots expiring within `days` from `now`."""
    return (
        PointsEntry.objects.filter(
            account_id=account_id,
            remaining__gt=0,
            expires_at__gt=now,
            expires_at__lte=now + dt.timedelta(days=days),
        ).aggregate(t=Sum("remaining"))["t"]
        or 0
    )


def loyalty_overview(*, now: dt.datetime) -> dict:
    """Programme totals: members, points_outstanding (sum of balances), points earned and
    redeemed (net of cancelled redemptions) in the 30 days to `now`, and members per tier
    name (every tier listed, 0 included)."""
    since = now - dt.timedelta(days=30)
    totals = LoyaltyAccount.objects.aggregate(members=Count("id"), outstanding=Sum("balance"))
    flows = PointsEntry.objects.filter(occurred_at__gt=since, occurred_at__lte=now).aggregate(
        earned=Sum("points", filter=Q(kind=EntryKind.EARN)),
        redeemed=Sum("points", filter=Q(kind=EntryKind.REDEEM)),
        given_back=Sum("points", filter=Q(kind=EntryKind.REVERSE, related__kind=EntryKind.REDEEM)),
    )
    counts = dict(
        LoyaltyAccount.objects.filter(tier__isnull=False)
        .values("tier__name")
        .annotate(n=Count("id"))
        .values_list("tier__name", "n")
    )
    return {
        "members": totals["members"] or 0,
        "points_outstanding": totals["outstanding"] or 0,
        "points_earned_30d": flows["earned"] or 0,
        "points_redeemed_30d": -(flows["redeemed"] or 0) - (flows["given_back"] or 0),
        "tier_counts": {tier.name: counts.get(tier.name, 0) for tier in tiers_list()},
    }


@dataclass(frozen=True)
class MemberRow:
    account: LoyaltyAccount
    party_public_id: str
    party_name: str
    earned: int


def members_page(
    *, q: str = "", tier: str = "", cursor: str | None = None, size: int = 50, now=None
) -> tuple[list[MemberRow], str | None]:
    """One page of members in name order (keyset on the party's sort key and id), filtered
    by a name prefix `q` and a tier public id `tier` ("none" = without a tier), each with
    the points earned in the tier window ending `now`. Four queries per page."""
    from clientela.api.pagination import decode_cursor, encode_cursor
    from clientela.loyalty.tiers import earned_by_account
    from clientela.parties.text import fold, prefix_upper_bound

    qs = LoyaltyAccount.objects.select_related("party", "tier")
    term = fold(q or "")
    if term:
        bound = prefix_upper_bound(term)
        qs = qs.filter(
            Q(
                party__sort_key__gte=term,
                party__sort_key__lt=bound,
                party__sort_key__startswith=term,
            )
            | Q(
                party__family_key__gte=term,
                party__family_key__lt=bound,
                party__family_key__startswith=term,
            )
        )
    if tier == "none":
        qs = qs.filter(tier__isnull=True)
    elif tier:
        qs = qs.filter(tier__public_id=tier)
    tag = f"loyalty-members:{term}:{tier}"
    if cursor:
        key, last_id = decode_cursor(cursor, tag, [str, int])
        qs = qs.filter(party__sort_key__gte=key).filter(
            Q(party__sort_key__gt=key) | Q(party_id__gt=last_id)
        )
    rows = list(qs.order_by("party__sort_key", "party_id")[: size + 1])
    more, rows = len(rows) > size, rows[:size]
    earned = (
        earned_by_account(
            programme=programme_get(), account_ids=[a.pk for a in rows], as_of=now or _now()
        )
        if rows
        else {}
    )
    last = rows[-1] if rows else None
    return (
        [MemberRow(a, a.party.public_id, a.party.display_name, earned.get(a.pk, 0)) for a in rows],
        encode_cursor(tag, [last.party.sort_key, last.party_id]) if more and last else None,
    )


def statement_entries(
    *, account_id: int, cursor: str | None = None, size: int = 50
) -> tuple[list[PointsEntry], str | None]:
    """One page of the member's ledger, newest first (by id: the order the balance ran
    in), with each entry's actor and related entry."""
    from clientela.api.pagination import decode_cursor, encode_cursor

    qs = PointsEntry.objects.filter(account_id=account_id).select_related(
        "actor", "related", "order"
    )
    tag = f"loyalty-statement:{account_id}"
    if cursor:
        (before,) = decode_cursor(cursor, tag, [int])
        qs = qs.filter(id__lt=before)
    rows = list(qs.order_by("-id")[: size + 1])
    more, rows = len(rows) > size, rows[:size]
    return rows, encode_cursor(tag, [rows[-1].pk]) if more and rows else None


def cancelled_redemptions(*, entry_ids: list[int]) -> set[int]:
    """Which of these redeem entries were given back."""
    return set(
        PointsEntry.objects.filter(
            kind=EntryKind.REVERSE, related_id__in=entry_ids, related__kind=EntryKind.REDEEM
        ).values_list("related_id", flat=True)
    )


def _now() -> dt.datetime:
    return timezone.now()
