"""What each relationship's behaviour looks like, measured from the data: the features the
client/customer classification scores.

`classification_features(tables)` is one Ibis expression over the analytics engine's named
tables (`clientela.analytics.engines.tables`), so DuckDB, PostgreSQL and Spark compute the
same rows. One row per current relationship:

- customer_id (the party's public id), kind (the recorded kind), stage,
  acquisition_channel;
- months: the relationship's age at the end of the observation, in months of 30.4375 days;
- engagement: staff_interactions (activities of kind meeting_virtual, meeting_in_person,
  call or email with a staff member), interactions_per_month (over at least one month),
  inbound_share (the share of those interactions the party started), main_staff_id (the
  staff member with the most interactions, the lowest id on a tie; null without one);
- offering: personalised_share, the share of the paid line amounts on personalised lines;
- business volume: revenue (paid orders), revenue_share (of the total revenue of all current
  relationships), revenue_percentile (the share of relationships with strictly less revenue,
  revenues compared to the cent, so equal revenues share a percentile; in [0, 1));
- acquisition: targeted_channel (networking, partnership or referral);
- experience: staff_contacts (staff activities of any kind, inbound or outbound),
  proactive_share (the outbound share of them);
- journey: client_stage (onboarding or relationship management);
- commitment: purchases (paid purchase days), gap_cv (the coefficient of variation, population
  standard deviation over mean, of the days between consecutive purchase days; null with
  fewer than three purchase days or a zero mean).

Everything is counted from the relationship's start to the end of the observation: `as_of`
when given, else the latest order, activity or relationship start in the data. Shares without
a denominator are 0. Only paid orders count.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

STAFF_KINDS = ("meeting_virtual", "meeting_in_person", "call", "email")
TARGETED_CHANNELS = ("networking", "partnership", "referral")
CLIENT_STAGES = ("onboarding", "relationship_management")
SECONDS_PER_DAY = 86_400.0
SECONDS_PER_MONTH = SECONDS_PER_DAY * 30.4375

COLUMNS = (
    "customer_id",
    "kind",
    "stage",
    "acquisition_channel",
    "months",
    "staff_interactions",
    "interactions_per_month",
    "inbound_share",
    "main_staff_id",
    "personalised_share",
    "revenue",
    "revenue_share",
    "revenue_percentile",
    "targeted_channel",
    "staff_contacts",
    "proactive_share",
    "client_stage",
    "purchases",
    "gap_cv",
)


def classification_features(
    tables: dict[str, ir.Table], *, as_of: dt.datetime | None = None
) -> ir.Table:
    """One row per current relationship with the columns in `COLUMNS` (see the module)."""
    base = _base(tables, as_of)
    scope = base.select("customer_id", "start_s", "end_s")
    joined = base
    for part in (_engagement(tables, scope), _spend(tables, scope), _regularity(tables, scope)):
        joined = joined.left_join(part, "customer_id").drop("customer_id_right")
    f = joined
    months = f.months
    zero = ibis.literal(0, type="int64")
    interactions = f.staff_interactions.fill_null(zero)
    contacts = f.staff_contacts.fill_null(zero)
    revenue = f.revenue.fill_null(0.0)
    lines_total = f.lines_total.fill_null(0.0)
    measured = f.select(
        "customer_id",
        "kind",
        "stage",
        "acquisition_channel",
        months=months,
        staff_interactions=interactions,
        interactions_per_month=interactions.cast("float64") / ibis.greatest(months, 1.0),
        inbound_share=_share(f.inbound.fill_null(zero), interactions),
        main_staff_id=f.main_staff_id,
        personalised_share=ibis.cases(
            (lines_total > 0.0, f.personalised.fill_null(0.0) / lines_total), else_=0.0
        ),
        revenue=revenue,
        targeted_channel=f.acquisition_channel.isin(TARGETED_CHANNELS).fill_null(False),
        staff_contacts=contacts,
        proactive_share=_share(f.proactive.fill_null(zero), contacts),
        client_stage=f.stage.isin(CLIENT_STAGES).fill_null(False),
        purchases=f.purchases.fill_null(zero),
        gap_cv=ibis.cases(
            ((f.gaps >= 2) & (f.gap_mean > 0.0), f.gap_std / f.gap_mean), else_=ibis.null("float64")
        ),
    )
    total = measured.revenue.sum().over()
    cents = measured.revenue.round(2)
    ranked = measured.mutate(
        revenue_share=ibis.cases((total > 0.0, measured.revenue / total), else_=0.0),
        revenue_percentile=ibis.rank().over(order_by=cents).cast("float64")
        / measured.count().over().cast("float64"),
    )
    return ranked.select(*COLUMNS)


def _share(part: ir.IntegerValue, whole: ir.IntegerValue) -> ir.FloatingValue:
    return ibis.cases((whole > 0, part.cast("float64") / whole.cast("float64")), else_=0.0)


def _base(tables: dict[str, ir.Table], as_of: dt.datetime | None) -> ir.Table:
    rel = tables["relationships"]
    current = rel.filter(rel.is_current)
    if as_of is not None:
        end = current.mutate(end_s=ibis.literal(as_of.timestamp(), type="float64"))
    else:
        orders, acts = tables["orders"], tables["activities"]
        stamps = (
            orders.select(t=orders.placed_at)
            .union(acts.select(t=acts.occurred_at))
            .union(rel.select(t=rel.started_at))
        )
        latest = stamps.aggregate(end_s=stamps.t.epoch_seconds().cast("float64").max())
        end = current.cross_join(latest)
    start_s = end.started_at.epoch_seconds().cast("float64")
    return end.select(
        "customer_id",
        "kind",
        "stage",
        "acquisition_channel",
        start_s=start_s,
        end_s=end.end_s,
        months=ibis.greatest((end.end_s - start_s) / SECONDS_PER_MONTH, 0.0),
    )


def _in_scope(table: ir.Table, scope: ir.Table, at: str) -> ir.Table:
    joined = table.join(scope, "customer_id")
    moment = joined[at].epoch_seconds().cast("float64")
    return joined.filter((moment >= joined.start_s) & (moment <= joined.end_s))


def _count(condition: ir.BooleanValue) -> ir.IntegerScalar:
    return ibis.cases((condition, 1), else_=0).sum().cast("int64")


def _engagement(tables: dict[str, ir.Table], scope: ir.Table) -> ir.Table:
    acts = _in_scope(tables["activities"], scope, "occurred_at")
    staff = acts.filter(acts.by_staff)
    personal = staff.activity.isin(STAFF_KINDS)
    counts = staff.group_by("customer_id").aggregate(
        staff_interactions=_count(personal),
        inbound=_count(personal & (staff.direction == "inbound")),
        staff_contacts=_count(staff.direction.isin(("inbound", "outbound"))),
        proactive=_count(staff.direction == "outbound"),
    )
    meetings = staff.filter(personal)
    per_staff = meetings.group_by(["customer_id", "staff_id"]).aggregate(n=meetings.count())
    ranked = per_staff.mutate(
        position=ibis.row_number().over(
            group_by=per_staff.customer_id,
            order_by=[per_staff.n.desc(), per_staff.staff_id.asc()],
        )
    )
    main = ranked.filter(ranked.position == 0).select(
        main_customer=ranked.customer_id, main_staff_id=ranked.staff_id
    )
    return counts.left_join(main, counts.customer_id == main.main_customer).drop("main_customer")


def _spend(tables: dict[str, ir.Table], scope: ir.Table) -> ir.Table:
    lines = tables["order_lines"]
    paid = _in_scope(lines.filter(lines.status == "paid"), scope, "placed_at")
    return paid.group_by("customer_id").aggregate(
        lines_total=paid.amount.sum(),
        personalised=ibis.cases((paid.offering == "personalised", paid.amount), else_=0.0).sum(),
    )


def _regularity(tables: dict[str, ir.Table], scope: ir.Table) -> ir.Table:
    orders = tables["orders"]
    paid = _in_scope(orders.filter(orders.status == "paid"), scope, "placed_at")
    days = paid.group_by(["customer_id", "date"]).aggregate(
        t=paid.placed_at.epoch_seconds().cast("float64").min(), amount=paid.amount.sum()
    )
    previous = days.t.lag().over(group_by=days.customer_id, order_by=days.t)
    gaps = days.mutate(gap=(days.t - previous) / SECONDS_PER_DAY)
    return gaps.group_by("customer_id").aggregate(
        revenue=gaps.amount.sum(),
        purchases=gaps.count().cast("int64"),
        gaps=gaps.gap.count().cast("int64"),
        gap_mean=gaps.gap.mean(),
        gap_std=gaps.gap.std(how="pop"),
    )
