"""Coupons: reads for the pages, the API and the customer desk overview."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.coupons.models import Coupon, CouponBatch, CouponRedemption


def coupon_batch_list(*, personal: bool | None = False, active: bool | None = None) -> QuerySet:
    """Batches, newest first: bulk ones (personal=False), personal coupons (True) or both
    (None); with `active`, only (in)active ones."""
    rows = CouponBatch.objects.select_related("party")
    if personal is not None:
        rows = rows.filter(party__isnull=not personal)
    if active is not None:
        rows = rows.filter(is_active=active)
    return rows


def coupon_batch_list_with_usage(*, personal: bool = False) -> QuerySet:
    """`coupon_batch_list` with `codes_used`, `codes_exhausted` (no use left),
    `redemption_count` (still counting) and
    `discount_total` on each batch, in one query (correlated subqueries)."""
    used = (
        Coupon.objects.filter(batch_id=OuterRef("pk"), times_redeemed__gt=0)
        .values("batch_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    exhausted = (
        Coupon.objects.filter(
            batch_id=OuterRef("pk"), times_redeemed__gte=OuterRef("max_redemptions")
        )
        .values("batch_id")
        .annotate(n=Count("id"))
        .values("n")
    )
    live = CouponRedemption.objects.filter(batch_id=OuterRef("pk"), released_at__isnull=True)
    count = live.values("batch_id").annotate(n=Count("id")).values("n")
    total = live.values("batch_id").annotate(s=Sum("discount")).values("s")
    return coupon_batch_list(personal=personal).annotate(
        codes_used=Coalesce(Subquery(used), 0),
        codes_exhausted=Coalesce(Subquery(exhausted), 0),
        redemption_count=Coalesce(Subquery(count), 0),
        discount_total=Subquery(total),
    )


def coupon_batch_get(*, public_id: str) -> CouponBatch:
    batch = CouponBatch.objects.select_related("party").filter(public_id=public_id).first()
    if batch is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such coupon batch."))
    return batch


def coupon_batch_lock(*, public_id: str) -> None:
    """Lock the batch's row for the rest of the transaction (a conditional write)."""
    CouponBatch.objects.select_for_update().filter(public_id=public_id).exists()


def coupon_codes(*, batch: CouponBatch) -> QuerySet:
    """The batch's codes in issue order."""
    return Coupon.objects.filter(batch_id=batch.pk)


def coupon_redemption_list(
    *, batch_id: int | None = None, party_id: int | None = None, include_released: bool = True
) -> QuerySet:
    rows = CouponRedemption.objects.select_related("coupon", "batch", "party", "order")
    if batch_id is not None:
        rows = rows.filter(batch_id=batch_id)
    if party_id is not None:
        rows = rows.filter(party_id=party_id)
    if not include_released:
        rows = rows.filter(released_at__isnull=True)
    return rows


@dataclass(frozen=True)
class BatchReport:
    codes_issued: int
    codes_used: int
    codes_exhausted: int  # codes with no use left
    redemptions: int
    released: int
    redemption_rate: float  # codes used / codes issued, 0..1
    discount_total: Decimal
    per_day: list[tuple[date, int]]  # redemptions that still count, per local day


def coupon_batch_report(*, batch: CouponBatch) -> BatchReport:
    """The batch's usage: codes issued and used (with at least one redemption that still
    counts), redemptions (still counting) and released ones, the rate, the discount given,
    and the redemptions per day. Five queries."""
    issued = Coupon.objects.filter(batch_id=batch.pk).count()
    used = Coupon.objects.filter(batch_id=batch.pk, times_redeemed__gt=0).count()
    exhausted = (
        Coupon.objects.filter(batch_id=batch.pk, times_redeemed__gte=batch.max_redemptions).count()
        if batch.max_redemptions is not None
        else 0
    )
    totals = CouponRedemption.objects.filter(batch_id=batch.pk).aggregate(
        live=Count("id", filter=Q(released_at__isnull=True)),
        released=Count("id", filter=Q(released_at__isnull=False)),
        discount=Sum("discount", filter=Q(released_at__isnull=True)),
    )
    per_day = list(
        CouponRedemption.objects.filter(batch_id=batch.pk, released_at__isnull=True)
        .annotate(day=TruncDate("at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
        .values_list("day", "n")
    )
    return BatchReport(
        codes_issued=issued,
        codes_used=used,
        codes_exhausted=exhausted,
        redemptions=totals["live"] or 0,
        released=totals["released"] or 0,
        redemption_rate=(used / issued) if issued else 0.0,
        discount_total=_cents(totals["discount"]),
        per_day=per_day,
    )


def coupon_codes_csv(*, batch: CouponBatch) -> str:
    """The batch's codes as CSV: code, times redeemed, batch, valid from, valid to."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["code", "times_redeemed", "batch", "valid_from", "valid_to"])
    valid_to = batch.valid_to.isoformat() if batch.valid_to else ""
    for code, times in coupon_codes(batch=batch).values_list("code", "times_redeemed"):
        writer.writerow([code, times, batch.public_id, batch.valid_from.isoformat(), valid_to])
    return out.getvalue()


def coupon_overview(*, now: datetime) -> dict:
    """For the customer desk overview: codes that can be redeemed today (active batch,
    within its dates, uses left), redemptions in the 30 days before `now` that still count,
    and the discount they gave (Decimal)."""
    today = timezone.localtime(now).date()
    live_batches = CouponBatch.objects.filter(is_active=True, valid_from__lte=today).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=today)
    )
    active_codes = Coupon.objects.filter(batch__in=live_batches).filter(
        Q(batch__max_redemptions__isnull=True) | Q(times_redeemed__lt=F("batch__max_redemptions"))
    )
    recent = CouponRedemption.objects.filter(
        released_at__isnull=True, at__gt=now - timedelta(days=30), at__lte=now
    ).aggregate(n=Count("id"), discount=Sum("discount"))
    return {
        "active_codes": active_codes.count(),
        "redemptions_30d": recent["n"] or 0,
        "discount_30d": _cents(recent["discount"]),
    }


def coupon_party_summary(*, party_id: int, limit: int = 10) -> dict:
    """The party card's reads: its personal coupons (newest first, with their code) and its
    recent redemptions."""
    personal = list(
        CouponBatch.objects.filter(party_id=party_id)
        .prefetch_related("coupons")
        .order_by("-created_at", "-id")[:limit]
    )
    redemptions = list(coupon_redemption_list(party_id=party_id)[:limit])
    return {"personal": personal, "redemptions": redemptions}


def _cents(value) -> Decimal:
    """A sum as cents (SQLite sums decimals as floats)."""
    return Decimal(str(value or 0)).quantize(Decimal("0.01"))
