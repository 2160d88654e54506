"""The customer desk's reads: touchpoints per channel, the journey timeline, the channel mix,
orders by sales channel and the overview's tiles. The retention view's reads are in
`retention.py`.

A *touchpoint* is an activity on any channel but `internal` (notes are not touchpoints):
web visits, social, email campaigns, calls, store visits, chats, meetings.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

INTERNAL = "internal"
RECENT_DAYS = 90


@dataclass(frozen=True)
class ChannelSummary:
    channel: str
    label: str
    count: int  # all time
    count_recent: int  # the last 90 days
    last_at: datetime
    share: float  # of all touchpoints, all time (0..1)
    share_recent: float  # of the last 90 days' touchpoints (0..1; 0 without any)


def channel_label(channel: str) -> str:
    from clientela.activities.models import Channel

    return str(Channel(channel).label) if channel in Channel.values else channel


def touchpoint_summary(*, party_id: int, now: datetime | None = None) -> list[ChannelSummary]:
    """Per channel the party was touched on (every channel but `internal`): the touchpoints
    all time and in the 90 days to `now`, the last one, and each count's share of the
    party's total. Most used channel first (ties: the latest touch first). Two queries."""
    from clientela.activities.models import Activity

    now = now or timezone.now()
    base = Activity.objects.filter(party_id=party_id).exclude(channel=INTERNAL)
    totals = {
        row["channel"]: (row["n"], row["last"])
        for row in base.values("channel").annotate(n=Count("id"), last=Max("occurred_at"))
    }
    recent = dict(
        base.filter(occurred_at__gt=now - timedelta(days=RECENT_DAYS), occurred_at__lte=now)
        .values("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )
    total = sum(n for n, _last in totals.values())
    total_recent = sum(recent.values())
    rows = [
        ChannelSummary(
            channel=channel,
            label=channel_label(channel),
            count=n,
            count_recent=recent.get(channel, 0),
            last_at=last,
            share=n / total if total else 0.0,
            share_recent=recent.get(channel, 0) / total_recent if total_recent else 0.0,
        )
        for channel, (n, last) in totals.items()
    ]
    rows.sort(key=lambda r: (-r.count, -r.last_at.timestamp(), r.channel))
    return rows


@dataclass(frozen=True)
class TimelineItem:
    kind: str  # "touchpoint" | "order"
    at: datetime
    channel: str  # the activity's channel, or the order's sales channel
    label: str  # the activity kind's label, or the order's total with currency
    public_id: str
    status: str = ""  # orders: paid, refunded, cancelled
    status_label: str = ""


@dataclass(frozen=True)
class TimelineDay:
    day: date
    items: list[TimelineItem]


def journey_timeline(*, party_id: int, limit: int = 12) -> list[TimelineDay]:
    """The party's latest `limit` touchpoints and orders (as payer) together, newest first,
    grouped by local day. Two queries."""
    from clientela.activities.models import Activity
    from clientela.commerce.models import Order

    touches = (
        Activity.objects.filter(party_id=party_id)
        .exclude(channel=INTERNAL)
        .order_by("-occurred_at", "-id")
        .values_list("occurred_at", "channel", "kind", "public_id")[:limit]
    )
    orders = (
        Order.objects.filter(payer_id=party_id)
        .order_by("-placed_at", "-id")
        .values_list("placed_at", "channel", "total", "currency", "public_id", "status")[:limit]
    )
    items = [
        TimelineItem("touchpoint", at, channel, _kind_label(kind), public_id)
        for at, channel, kind, public_id in touches
    ] + [
        TimelineItem(
            "order", at, channel, f"{total} {currency}", public_id, status, _status_label(status)
        )
        for at, channel, total, currency, public_id, status in orders
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    days: dict[date, list[TimelineItem]] = {}
    for item in items[:limit]:
        days.setdefault(timezone.localtime(item.at).date(), []).append(item)
    return [TimelineDay(day, day_items) for day, day_items in days.items()]


def _status_label(status: str) -> str:
    from clientela.commerce.models import OrderStatus

    return str(OrderStatus(status).label) if status in OrderStatus.values else status


def _kind_label(kind: str) -> str:
    from clientela.activities.models import ActivityKind

    return str(ActivityKind(kind).label) if kind in ActivityKind.values else kind


def month_starts(*, now: datetime, months: int) -> list[date]:
    """The first days of the last `months` months up to `now`'s (local time), oldest first."""
    local = timezone.localtime(now).date().replace(day=1)
    starts = []
    year, month = local.year, local.month
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


@dataclass(frozen=True)
class ChannelMonth:
    month: date
    channel: str
    touchpoints: int


def channel_mix(*, now: datetime | None = None, months: int = 12) -> list[ChannelMonth]:
    """Touchpoints of the whole business per channel per calendar month (local time), for
    the last `months` months up to `now` (the current month included): one row per month
    and channel with at least one touchpoint, oldest month first, channels by name. One
    query."""
    from clientela.activities.models import Activity

    now = now or timezone.now()
    first = month_starts(now=now, months=months)[0]
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    rows = (
        Activity.objects.filter(occurred_at__gte=since, occurred_at__lte=now)
        .exclude(channel=INTERNAL)
        .annotate(month=TruncMonth("occurred_at"))
        .values("month", "channel")
        .annotate(n=Count("id"))
        .values_list("month", "channel", "n")
    )
    found: dict[tuple[date, str], int] = defaultdict(int)
    for month, channel, n in rows:
        day = month.date() if isinstance(month, datetime) else month
        found[(day, channel)] += n
    return [ChannelMonth(m, c, n) for (m, c), n in sorted(found.items())]


@dataclass(frozen=True)
class SalesChannelLine:
    channel: str
    label: str
    orders: int
    total: Decimal
    currency: str


def orders_by_sales_channel(
    *, now: datetime | None = None, days: int = 365
) -> list[SalesChannelLine]:
    """Paid orders of the `days` days to `now` per sales channel and currency: count and
    total, largest total first. One query."""
    from clientela.commerce.models import Order, SalesChannel

    now = now or timezone.now()
    rows = (
        Order.objects.filter(
            status="paid", placed_at__gt=now - timedelta(days=days), placed_at__lte=now
        )
        .values("channel", "currency")
        .annotate(n=Count("id"), total=Sum("total"))
        .values_list("channel", "currency", "n", "total")
    )
    labels = dict(SalesChannel.choices)
    lines = [
        SalesChannelLine(channel, str(labels.get(channel, channel)), n, _cents(total), cur)
        for channel, cur, n, total in rows
    ]
    lines.sort(key=lambda line: (-line.total, line.channel, line.currency))
    return lines


def _cents(value) -> Decimal:
    """A database sum as money (SQLite sums decimals without their places)."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


def customer_desk_overview(*, now: datetime | None = None) -> dict:
    """The tiles of the other customer desk apps, each from its own overview selector:
    `loyalty`, `rewards`, `coupons`, `referrals`, `support` (dicts as those apps define)."""
    from clientela.coupons.selectors import coupon_overview
    from clientela.loyalty.selectors import loyalty_overview
    from clientela.referrals.selectors import referral_overview
    from clientela.rewards.selectors import rewards_overview
    from clientela.support.selectors import support_overview

    now = now or timezone.now()
    return {
        "loyalty": loyalty_overview(now=now),
        "rewards": rewards_overview(now=now),
        "coupons": coupon_overview(now=now),
        "referrals": referral_overview(now=now),
        "support": support_overview(now=now),
    }
