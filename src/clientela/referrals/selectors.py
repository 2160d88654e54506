"""Referrals: reads for the pages, the API, the radar and the customer desk overview."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.referrals.models import (
    CODE_ALPHABET,
    Referral,
    ReferralCode,
    ReferralProgramme,
    ReferralStatus,
)

PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}


def programme_get() -> ReferralProgramme:
    """The programme's settings (the single row, created with the defaults on first read)."""
    programme, _created = ReferralProgramme.objects.get_or_create(pk=1)
    return programme


def code_normalize(raw: str) -> str:
    """A typed code as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (raw or "").upper() if ch not in " -")


def code_find(*, code: str) -> ReferralCode | None:
    """The code (active or not) with its party, or None; case and spaces do not matter."""
    normalized = code_normalize(code)
    if not normalized or any(ch not in CODE_ALPHABET for ch in normalized):
        return None
    return ReferralCode.objects.select_related("party").filter(code=normalized).first()


def code_for_party(*, party_id: int) -> ReferralCode | None:
    return ReferralCode.objects.filter(party_id=party_id).first()


def referral_get(*, public_id: str) -> Referral:
    try:
        return Referral.objects.select_related("referrer", "referred", "code", "order").get(
            public_id=public_id
        )
    except Referral.DoesNotExist as exc:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such referral.")) from exc


def referrals_filtered(
    *,
    status: str | None = None,
    referrer_id: int | None = None,
    referred_id: int | None = None,
) -> QuerySet[Referral]:
    """Referrals with their parties, unordered (the caller pages them)."""
    rows = Referral.objects.select_related("referrer", "referred", "code", "order")
    if status:
        rows = rows.filter(status=status)
    if referrer_id is not None:
        rows = rows.filter(referrer_id=referrer_id)
    if referred_id is not None:
        rows = rows.filter(referred_id=referred_id)
    return rows


def referrals_made_by_party(*, party_ids=None) -> dict[int, int]:
    """Qualified referrals made per referrer party id (only referrers with at least one;
    restricted to `party_ids` when given). One query."""
    rows = Referral.objects.filter(status=ReferralStatus.QUALIFIED)
    if party_ids is not None:
        rows = rows.filter(referrer_id__in=list(party_ids))
    return dict(rows.values("referrer_id").annotate(n=Count("id")).values_list("referrer_id", "n"))


def referral_overview(*, now: datetime) -> dict:
    """ambassadors (parties with at least one qualified referral), referred (parties ever
    referred, any status) and qualified_30d (referrals qualified in the 30 days to `now`)."""
    totals = Referral.objects.aggregate(
        referred=Count("id"),
        ambassadors=Count("referrer", filter=Q(status=ReferralStatus.QUALIFIED), distinct=True),
        qualified_30d=Count(
            "id",
            filter=Q(
                status=ReferralStatus.QUALIFIED,
                qualified_at__gt=now - timedelta(days=30),
                qualified_at__lte=now,
            ),
        ),
    )
    return {k: int(totals[k] or 0) for k in ("ambassadors", "referred", "qualified_30d")}


@dataclass(frozen=True)
class Ambassador:
    party_id: int
    public_id: str
    name: str
    code: str | None
    qualified: int
    pending: int
    revenue: Decimal


def leaderboard(*, now: datetime, days: int | None, limit: int = 50) -> list[Ambassador]:
    """Referrers ranked by the referrals qualified in the `days` to `now` (all time with
    None), then by revenue, then by name: each with their pending referrals (now) and the
    revenue their referred customers brought (paid orders placed since each one's referral,
    inside the period). Referrers with neither a qualified referral in the period nor a
    pending one are left out. Three queries."""
    from clientela.commerce.models import Order

    since = now - timedelta(days=days) if days else None
    qualified_filter = Q(status=ReferralStatus.QUALIFIED, qualified_at__lte=now)
    if since is not None:
        qualified_filter &= Q(qualified_at__gt=since)
    counts = (
        Referral.objects.filter(qualified_filter | Q(status=ReferralStatus.PENDING))
        .values("referrer_id")
        .annotate(
            qualified=Count("id", filter=qualified_filter),
            pending=Count("id", filter=Q(status=ReferralStatus.PENDING)),
        )
    )
    counts = {row["referrer_id"]: row for row in counts}
    if not counts:
        return []
    orders = Order.objects.filter(
        status="paid",
        payer__referral_received__referrer_id__in=list(counts),
        placed_at__gte=F("payer__referral_received__referred_at"),
        placed_at__lte=now,
    )
    if since is not None:
        orders = orders.filter(placed_at__gt=since)
    revenue = dict(
        orders.values("payer__referral_received__referrer_id")
        .annotate(total=Sum("total"))
        .values_list("payer__referral_received__referrer_id", "total")
    )
    from clientela.parties.models import Party

    parties = Party.objects.filter(pk__in=list(counts)).select_related("referral_code")
    rows = [
        Ambassador(
            party_id=p.pk,
            public_id=p.public_id,
            name=p.display_name,
            code=getattr(getattr(p, "referral_code", None), "code", None),
            qualified=counts[p.pk]["qualified"],
            pending=counts[p.pk]["pending"],
            revenue=Decimal(revenue.get(p.pk) or 0).quantize(Decimal("0.01")),
        )
        for p in parties
    ]
    rows.sort(key=lambda r: (-r.qualified, -r.revenue, -r.pending, r.name.lower(), r.party_id))
    return rows[:limit]


@dataclass(frozen=True)
class PartyReferrals:
    code: ReferralCode | None
    referred_by: Referral | None
    made: list[Referral]
    pending: int
    qualified: int
    expired: int


def party_referrals(*, party_id: int, limit: int = 10) -> PartyReferrals:
    """What the party card shows: the party's code, the referral that brought them, and the
    latest referrals they made with the counts per status."""
    made = Referral.objects.filter(referrer_id=party_id)
    counts = dict(made.values("status").annotate(n=Count("id")).values_list("status", "n"))
    return PartyReferrals(
        code=code_for_party(party_id=party_id),
        referred_by=Referral.objects.select_related("referrer")
        .filter(referred_id=party_id)
        .first(),
        made=list(made.select_related("referred").order_by("-referred_at", "-id")[:limit]),
        pending=counts.get(ReferralStatus.PENDING, 0),
        qualified=counts.get(ReferralStatus.QUALIFIED, 0),
        expired=counts.get(ReferralStatus.EXPIRED, 0),
    )
