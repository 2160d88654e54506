"""The retention view's reads: repeat rate (overall and per first-purchase month), the
P(alive) bands of the latest value analysis, and the lapsing customers with a suggested
incentive each.

Definitions (a *customer* here is a party whose current relationship is a customer one):
- **Repeat rate** = customers with 2+ paid orders / customers with 1+ paid order. The cohort
  of a customer is the calendar month (local time) of their first paid order; younger
  cohorts have had less time to come back.
- **P(alive) bands**: the `p_alive` each customer got in the newest succeeded analysis run
  (`analytics.PartyScore`, "clientela analyze"): at risk below `p_alive_at_risk_below`, watch
  below `p_alive_watch_below`, healthy from there on (settings).
- **Lapsing**: a customer with a paid order whose latest paid order is older than
  `lapsing_after_days`, or whose P(alive) is in the at-risk band. Listed by total paid spend,
  largest first (then by party id).
- **Suggested incentive**, the first rule that applies (see `incentive_suggest`).
"""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.customerdesk.selectors import _cents

HIGH_VALUE_SHARE = 0.10  # the top 10% of customers by total paid spend
TIER_NUDGE_PERCENT = 80  # at least this far (percent) towards the next tier


@dataclass(frozen=True)
class Cohort:
    month: date
    customers: int
    repeat_customers: int
    rate: float


@dataclass(frozen=True)
class RepeatRate:
    customers: int
    repeat_customers: int
    rate: float | None  # None without any customer with a paid order
    cohorts: list[Cohort]


def _customer_orders():
    from clientela.commerce.models import Order

    return Order.objects.filter(status="paid", payer__current_kind="customer")


def repeat_rate(*, now: datetime | None = None, months: int = 12) -> RepeatRate:
    """The repeat rate over every customer, and per first-purchase month for the `months`
    months up to `now` (months without a first purchase included, at 0). One query."""
    from clientela.customerdesk.selectors import month_starts

    now = now or timezone.now()
    rows = (
        _customer_orders()
        .values("payer_id")
        .annotate(first=Min("placed_at"), n=Count("id"))
        .values_list("first", "n")
    )
    starts = month_starts(now=now, months=months)
    per_month: OrderedDict[date, list[int]] = OrderedDict((m, [0, 0]) for m in starts)
    customers = repeaters = 0
    for first, n in rows:
        customers += 1
        repeaters += n >= 2
        month = timezone.localtime(first).date().replace(day=1)
        if month in per_month:
            per_month[month][0] += 1
            per_month[month][1] += n >= 2
    cohorts = [
        Cohort(month, total, repeat, repeat / total if total else 0.0)
        for month, (total, repeat) in per_month.items()
    ]
    return RepeatRate(customers, repeaters, repeaters / customers if customers else None, cohorts)


@dataclass(frozen=True)
class Bands:
    run_public_id: str | None  # None: no analysis yet
    run_finished_at: datetime | None
    at_risk: int
    watch: int
    healthy: int
    unscored: int  # customers the run gave no P(alive) (no model, or not scored)
    at_risk_below: float
    watch_below: float
    model_skipped: str = ""  # why the run fitted no customer purchase model ("" when it did)


def _latest_run():
    from clientela.analytics.selectors import run_latest

    return run_latest()


def p_alive_bands(*, settings: dict | None = None) -> Bands:
    """How many current customers fall in each P(alive) band of the latest analysis run;
    all zero with `run_public_id` None before the first run. Two queries."""
    from clientela.analytics.models import PartyScore
    from clientela.customerdesk.settings import customer_desk_settings_get
    from clientela.parties.models import Party

    settings = settings or customer_desk_settings_get()
    low, high = settings["p_alive_at_risk_below"], settings["p_alive_watch_below"]
    run = _latest_run()
    if run is None:
        return Bands(None, None, 0, 0, 0, 0, low, high)
    counts = PartyScore.objects.filter(
        run=run, party__current_kind="customer", p_alive__isnull=False
    ).aggregate(
        at_risk=Count("id", filter=Q(p_alive__lt=low)),
        watch=Count("id", filter=Q(p_alive__gte=low, p_alive__lt=high)),
        healthy=Count("id", filter=Q(p_alive__gte=high)),
    )
    scored = counts["at_risk"] + counts["watch"] + counts["healthy"]
    customers = Party.objects.filter(current_kind="customer").count()
    return Bands(
        run.public_id,
        run.finished_at,
        counts["at_risk"],
        counts["watch"],
        counts["healthy"],
        max(customers - scored, 0),
        low,
        high,
        ((run.fits or {}).get("customer") or {}).get("skipped", ""),
    )


@dataclass(frozen=True)
class Incentive:
    kind: str  # "personal_coupon" | "tier_nudge" | "rewards_reminder" | "win_back_coupon"
    label: str
    why: str


@dataclass(frozen=True)
class LapsingCustomer:
    party_id: int
    public_id: str
    name: str
    last_purchase_at: datetime
    days_since: int
    orders: int
    spent: Decimal
    p_alive: float | None
    reasons: list[str]  # "no_recent_purchase", "p_alive_at_risk"
    incentive: Incentive


@dataclass(frozen=True)
class LapsingPage:
    rows: list[LapsingCustomer]
    next_after: tuple[Decimal, int] | None  # (spent, party id) of the last row when more
    high_value_from: Decimal | None  # spend from which a customer is "high value"


def lapsing_customers(
    *,
    now: datetime | None = None,
    limit: int = 25,
    after: tuple[Decimal, int] | None = None,
    settings: dict | None = None,
) -> LapsingPage:
    """One page of lapsing customers (see the module docstring), after the keyset `after`
    = (spent, party id) of the previous page's last row. A constant number of queries per
    page plus the loyalty reads of the page's members."""
    from clientela.analytics.models import PartyScore
    from clientela.customerdesk.settings import customer_desk_settings_get
    from clientela.parties.models import Party

    now = now or timezone.now()
    settings = settings or customer_desk_settings_get()
    cutoff = now - timedelta(days=settings["lapsing_after_days"])
    run = _latest_run()
    low = settings["p_alive_at_risk_below"]
    per_payer = _customer_orders().values("payer_id").annotate(last=Max("placed_at"), n=Count("id"))
    per_payer = per_payer.annotate(spent=Sum("total"))
    condition = Q(last__lt=cutoff)
    if run is not None:
        at_risk = PartyScore.objects.filter(run=run, p_alive__lt=low).values("party_id")
        condition |= Q(payer_id__in=at_risk)
    lapsing = per_payer.filter(condition)
    if after is not None:
        spent, pid = after
        lapsing = lapsing.filter(Q(spent__lt=spent) | Q(spent=spent, payer_id__gt=pid))
    rows = list(
        lapsing.order_by("-spent", "payer_id").values_list("payer_id", "last", "n", "spent")[
            : limit + 1
        ]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    threshold = _high_value_from(per_payer)
    ids = [pid for pid, *_rest in rows]
    parties = {p.pk: p for p in Party.objects.filter(pk__in=ids).only("public_id", "display_name")}
    p_alive = (
        dict(
            PartyScore.objects.filter(run=run, party_id__in=ids).values_list("party_id", "p_alive")
        )
        if run is not None
        else {}
    )
    result = []
    for pid, last, n, spent in rows:
        spent = _cents(spent)
        reasons = []
        if last < cutoff:
            reasons.append("no_recent_purchase")
        if p_alive.get(pid) is not None and p_alive[pid] < low:
            reasons.append("p_alive_at_risk")
        result.append(
            LapsingCustomer(
                party_id=pid,
                public_id=parties[pid].public_id,
                name=parties[pid].display_name,
                last_purchase_at=last,
                days_since=(now - last).days,
                orders=n,
                spent=spent,
                p_alive=p_alive.get(pid),
                reasons=reasons,
                incentive=incentive_suggest(
                    party_id=pid, spent=spent, high_value_from=threshold, now=now
                ),
            )
        )
    last_row = result[-1] if result else None
    return LapsingPage(
        result, (last_row.spent, last_row.party_id) if more and last_row else None, threshold
    )


def _high_value_from(per_payer) -> Decimal | None:
    """The total spend of the customer at the top-10% rank: customers who spent at least
    this much are high-value. None without customers. Two queries."""
    count = per_payer.count()
    if not count:
        return None
    rank = max(math.ceil(count * HIGH_VALUE_SHARE) - 1, 0)
    return _cents(per_payer.order_by("-spent", "payer_id").values_list("spent", flat=True)[rank])


def incentive_suggest(
    *, party_id: int, spent: Decimal, high_value_from: Decimal | None, now: datetime
) -> Incentive:
    """The incentive for a lapsing customer, the first rule that applies:
    1. high value (total paid spend in the top 10% of customers) -> a personal coupon;
    2. a loyalty member at least 80% of the way to the next tier -> a tier nudge;
    3. a loyalty member with points -> a reminder of the rewards they can take;
    4. otherwise -> a win-back coupon."""
    from clientela.loyalty.selectors import loyalty_account_get, tier_progress

    if high_value_from is not None and spent >= high_value_from:
        return Incentive(
            "personal_coupon",
            _("Personal coupon"),
            _("High-value customer: %(spent)s spent, in the top 10%% of customers")
            % {"spent": f"{spent:,.2f}"},
        )
    account = loyalty_account_get(party_id=party_id)
    if account is not None:
        progress = tier_progress(account=account, now=now)
        if progress.next_tier is not None and progress.percent >= TIER_NUDGE_PERCENT:
            return Incentive(
                "tier_nudge",
                _("Tier nudge"),
                _("%(points)s points from %(tier)s")
                % {"points": progress.to_next, "tier": progress.next_tier.name},
            )
        if account.balance > 0:
            return Incentive(
                "rewards_reminder",
                _("Remind of rewards"),
                _("Loyalty member with %(points)s points to spend") % {"points": account.balance},
            )
    return Incentive(
        "win_back_coupon",
        _("Win-back coupon"),
        _("No purchase for a while: a coupon to come back"),
    )
