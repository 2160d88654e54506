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
- commitment: purchases (paid purchase days, UTC), gap_cv (the coefficient of variation,
  population standard deviation over mean, of the whole days between consecutive purchase
  days; null with fewer than three purchase days);
- for the conversion radar: advice_requests (the interactions with staff the party started:
  questions, asking for advice), support_contacts (service calls and chats), web_actions
  (website visits and campaign clicks: behaviour a triggered email can follow), and the age
  in days at the end of the observation of the first and the last purchase day
  (first_purchase_age_days, last_purchase_age_days; null without a purchase), from which the
  radar computes P(alive).

Everything is counted from the relationship's start to the end of the observation. For the
`current` population (the default: every current relationship) that end is `as_of` when
given, else the latest order, activity or relationship start in the data. The `converted`
population is every customer relationship that ended in a conversion to a client, each
observed up to its own conversion: what the business saw when it decided to convert them,
the examples the radar learns from. Shares without a denominator are 0. Only paid orders
count.
"""

from __future__ import annotations

import datetime as dt

import ibis
import ibis.expr.types as ir

STAFF_KINDS = ("meeting_virtual", "meeting_in_person", "call", "email")
SUPPORT_KINDS = ("service_call", "chat")
WEB_KINDS = ("website_visit", "campaign_click")
POPULATIONS = ("current", "converted", "both")
KEYS = ["party_key", "population"]
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
    "advice_requests",
    "support_contacts",
    "web_actions",
    "first_purchase_age_days",
    "last_purchase_age_days",
)


def classification_features(
    tables: dict[str, ir.Table],
    *,
    as_of: dt.datetime | None = None,
    population: str = "current",
) -> ir.Table:
    """One row per relationship of `population` with the columns in `COLUMNS` (see the
    module); `both` computes the current and the converted populations in one pass over
    the events and adds a `population` column (shares and percentiles are within each)."""
    if population not in POPULATIONS:
        raise ValueError(f"population must be one of {POPULATIONS}")
    wanted = ("current", "converted") if population == "both" else (population,)
    parts = [_base(tables, as_of, name).mutate(population=ibis.literal(name)) for name in wanted]
    base = parts[0] if len(parts) == 1 else parts[0].union(parts[1])
    scope = base.select(*KEYS, "start_s", "end_s")
    joined = base
    for part in (_engagement(tables, scope), _purchases(tables, scope)):
        joined = joined.left_join(part, KEYS).drop("party_key_right", "population_right")
    f = joined
    months = f.months
    zero = ibis.literal(0, type="int64")
    interactions = f.staff_interactions.fill_null(zero)
    contacts = f.staff_contacts.fill_null(zero)
    revenue = f.revenue.fill_null(0.0)
    lines_total = f.lines_total.fill_null(0.0)
    measured = f.select(
        "customer_id",
        "population",
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
        advice_requests=f.inbound.fill_null(zero),
        support_contacts=f.support.fill_null(zero),
        web_actions=f.web.fill_null(zero),
        first_purchase_age_days=(f.end_s - f.first_t) / SECONDS_PER_DAY,
        last_purchase_age_days=(f.end_s - f.last_t) / SECONDS_PER_DAY,
    )
    group = ibis.window(group_by=measured.population)
    total = measured.revenue.sum().over(group)
    cents = measured.revenue.round(2)
    ranked = measured.mutate(
        revenue_share=ibis.cases((total > 0.0, measured.revenue / total), else_=0.0),
        revenue_percentile=ibis.rank()
        .over(group_by=measured.population, order_by=cents)
        .cast("float64")
        / measured.count().over(group).cast("float64"),
    )
    return ranked.select(*COLUMNS, *(["population"] if population == "both" else []))


def _share(part: ir.IntegerValue, whole: ir.IntegerValue) -> ir.FloatingValue:
    return ibis.cases((whole > 0, part.cast("float64") / whole.cast("float64")), else_=0.0)


def _base(tables: dict[str, ir.Table], as_of: dt.datetime | None, population: str) -> ir.Table:
    rel = tables["relationships"]
    if population == "converted":
        done = rel.filter((rel.status == "converted") & (rel.kind == "customer"))
        done = done.filter(done.ended_at.notnull())
        if as_of is not None:
            done = done.filter(done.ended_at <= ibis.literal(as_of))
        return _window(done.mutate(end_s=done.ended_at.epoch_seconds().cast("float64")))
    current = rel.filter(rel.is_current)
    if as_of is not None:
        end = current.mutate(end_s=ibis.literal(as_of.timestamp(), type="float64"))
    else:
        # The order lines (read again below, so the engine can share the scan) carry
        # their order's time; every order has at least one line.
        orders, acts = tables["order_lines"], tables["activities"]
        latest = (
            orders.aggregate(o=orders.placed_at.max())
            .cross_join(acts.aggregate(a=acts.occurred_at.max()))
            .cross_join(rel.aggregate(r=rel.started_at.max()))
        )
        latest = latest.select(
            end_s=ibis.greatest(
                latest.o.epoch_seconds(), latest.a.epoch_seconds(), latest.r.epoch_seconds()
            ).cast("float64")
        )
        end = current.cross_join(latest)
    return _window(end)


def _window(end: ir.Table) -> ir.Table:
    start_s = end.started_at.epoch_seconds().cast("float64")
    return end.select(
        "customer_id",
        "party_key",
        "kind",
        "stage",
        "acquisition_channel",
        start_s=start_s,
        end_s=end.end_s,
        months=ibis.greatest((end.end_s - start_s) / SECONDS_PER_MONTH, 0.0),
    )


def _in_scope(table: ir.Table, scope: ir.Table, at: str) -> ir.Table:
    joined = table.join(scope, "party_key")  # rows in both populations' windows count twice
    moment = joined[at].epoch_seconds().cast("float64")
    return joined.filter((moment >= joined.start_s) & (moment <= joined.end_s))


def _count(condition: ir.BooleanValue) -> ir.IntegerScalar:
    return ibis.cases((condition, 1), else_=0).sum().cast("int64")


def _engagement(tables: dict[str, ir.Table], scope: ir.Table) -> ir.Table:
    """Per party: the staff counts, support and web contacts in one pass over the
    activities, and the staff member with the most interactions."""
    acts = _in_scope(tables["activities"], scope, "occurred_at")
    staff = acts.by_staff.fill_null(False)
    personal = staff & acts.activity.isin(STAFF_KINDS)
    counts = acts.group_by(KEYS).aggregate(
        staff_interactions=_count(personal),
        inbound=_count(personal & (acts.direction == "inbound")),
        staff_contacts=_count(staff & acts.direction.isin(("inbound", "outbound"))),
        proactive=_count(staff & (acts.direction == "outbound")),
        support=_count(acts.activity.isin(SUPPORT_KINDS)),
        web=_count(acts.activity.isin(WEB_KINDS)),
    )
    meetings = acts.filter(personal)
    per_staff = meetings.group_by([*KEYS, "staff_id"]).aggregate(n=meetings.count())
    ranked = per_staff.mutate(
        position=ibis.row_number().over(
            group_by=[per_staff.party_key, per_staff.population],
            order_by=[per_staff.n.desc(), per_staff.staff_id.asc()],
        )
    )
    main = ranked.filter(ranked.position == 0).select(
        main_key=ranked.party_key, main_population=ranked.population, main_staff_id=ranked.staff_id
    )
    with_main = counts.left_join(
        main, (counts.party_key == main.main_key) & (counts.population == main.main_population)
    )
    return with_main.drop("main_key", "main_population")


def _purchases(tables: dict[str, ir.Table], scope: ir.Table) -> ir.Table:
    """Per party, in one ordered pass over the paid order lines: the spend and its
    personalised part, revenue (an order's total is the sum of its lines), purchase days,
    and the gaps in whole UTC days between consecutive purchase days (a purchase day starts
    where a line's day differs from the previous line's: sorting once is much cheaper than
    grouping millions of lines by party and day first)."""
    lines = tables["order_lines"]
    paid = _in_scope(lines.filter(lines.status == "paid"), scope, "placed_at")
    epoch = paid.placed_at.epoch_seconds().cast("float64")
    stamped = paid.mutate(t=epoch, day=(epoch / SECONDS_PER_DAY).floor())
    previous = stamped.day.lag().over(
        group_by=[stamped.party_key, stamped.population], order_by=stamped.t
    )
    marked = stamped.mutate(previous_day=previous)
    new_day = marked.previous_day.isnull() | (marked.day != marked.previous_day)
    gap = ibis.cases((marked.previous_day.notnull() & new_day, marked.day - marked.previous_day))
    first_order_t = ibis.cases((new_day, marked.t))
    personal = ibis.cases((marked.offering == "personalised", marked.amount), else_=0.0)
    return marked.group_by(KEYS).aggregate(
        lines_total=marked.amount.sum(),
        personalised=personal.sum(),
        revenue=marked.amount.sum(),
        purchases=_count(new_day),
        gaps=gap.count().cast("int64"),
        gap_mean=gap.mean(),
        gap_std=gap.std(how="pop"),
        first_t=first_order_t.min(),
        last_t=first_order_t.max(),
    )
