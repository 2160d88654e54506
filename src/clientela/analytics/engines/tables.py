"""The named input tables every pipeline reads, defined once as Ibis expressions.

`named_tables` turns the raw source tables (`sources.RAW`, the same columns and types on
every engine) into the tables below; because the definition is one Ibis expression, DuckDB,
PostgreSQL and Spark compute the same rows. Every column is cast to the type in `SCHEMAS`.
Ids are the parties' (orders', relationships') public ids, never database keys; the one
exception is `party_key`, the payer's (party's) integer key, for pipelines to join and group
on a number rather than a string within one run (never output). All times are UTC; `date` is
the UTC calendar day of the event.

- `orders`: one row per order. `customer_id` is the payer. `kind` is the kind of the
  relationship the order was placed under; an order without one takes the payer's current
  relationship's kind, and `customer` when the payer has none.
- `order_lines`: one row per line, with its order's id, time, status and kind, the payer
  (`customer_id`) and the consumer (`consumer_id`).
- `activities`: one row per activity; `kind` follows the same rule as orders and the
  activity's own kind is `activity`; `staff_id` is the staff user's database id (users
  have no public id), null when no staff member took part.
- `relationships`: one row per relationship (current or closed); `acquisition_month` is the
  first day of the UTC month of `started_at`.
- `parties`: one row per party; `kind` is the current relationship's kind (null without one).
"""

from __future__ import annotations

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

TS = dt.Timestamp(timezone="UTC", scale=6)

SCHEMAS: dict[str, dict[str, dt.DataType]] = {
    "orders": {
        "order_id": dt.string,
        "customer_id": dt.string,
        "party_key": dt.int64,
        "relationship_id": dt.string,
        "kind": dt.string,
        "placed_at": TS,
        "date": dt.date,
        "amount": dt.float64,
        "currency": dt.string,
        "status": dt.string,
        "channel": dt.string,
    },
    "order_lines": {
        "order_id": dt.string,
        "customer_id": dt.string,
        "party_key": dt.int64,
        "consumer_id": dt.string,
        "kind": dt.string,
        "offering": dt.string,
        "quantity": dt.float64,
        "amount": dt.float64,
        "placed_at": TS,
        "date": dt.date,
        "status": dt.string,
    },
    "activities": {
        "activity_id": dt.string,
        "customer_id": dt.string,
        "party_key": dt.int64,
        "kind": dt.string,
        "activity": dt.string,
        "channel": dt.string,
        "direction": dt.string,
        "by_staff": dt.boolean,
        "staff_id": dt.int64,
        "occurred_at": TS,
        "date": dt.date,
    },
    "relationships": {
        "relationship_id": dt.string,
        "customer_id": dt.string,
        "party_key": dt.int64,
        "kind": dt.string,
        "is_current": dt.boolean,
        "status": dt.string,
        "stage": dt.string,
        "started_at": TS,
        "ended_at": TS,
        "acquisition_channel": dt.string,
        "acquisition_month": dt.date,
        "converted_from_id": dt.string,
    },
    "parties": {
        "customer_id": dt.string,
        "party_kind": dt.string,
        "kind": dt.string,
        "created_at": TS,
    },
}


def named_tables(raw: dict[str, ir.Table]) -> dict[str, ir.Table]:
    """The named tables over the raw source tables `raw` (keys of `sources.RAW`)."""
    party, rel = raw["party"], raw["relationship"]
    current = rel.filter(rel.is_current).select(cur_party=rel.party_id, cur_kind=rel.kind)
    people = party.left_join(current, party.id == current.cur_party).select(
        p_id=party.id,
        customer_id=party.public_id,
        party_kind=party.kind,
        current_kind=current.cur_kind,
        created_at=party.created_at,
    )
    rel_keys = rel.select(r_id=rel.id, r_public=rel.public_id, r_kind=rel.kind)

    order = raw["order"]
    orders = (
        order.join(people, order.payer_id == people.p_id)
        .left_join(rel_keys, order.relationship_id == rel_keys.r_id)
        .select(
            o_id=order.id,
            order_id=order.public_id,
            customer_id=people.customer_id,
            party_key=people.p_id,
            relationship_id=rel_keys.r_public,
            kind=ibis.coalesce(rel_keys.r_kind, people.current_kind, ibis.literal("customer")),
            placed_at=order.placed_at,
            date=order.placed_at.date(),
            amount=order.total,
            currency=order.currency,
            status=order.status,
            channel=order.channel,
        )
    )

    line = raw["line"]
    consumers = people.select(c_id=people.p_id, consumer_id=people.customer_id)
    order_lines = (
        line.join(orders, line.order_id == orders.o_id)
        .join(consumers, line.consumer_id == consumers.c_id)
        .select(
            order_id=orders.order_id,
            customer_id=orders.customer_id,
            party_key=orders.party_key,
            consumer_id=consumers.consumer_id,
            kind=orders.kind,
            offering=line.offering,
            quantity=line.quantity,
            amount=line.amount,
            placed_at=orders.placed_at,
            date=orders.date,
            status=orders.status,
        )
    )

    act = raw["activity"]
    activities = (
        act.join(people, act.party_id == people.p_id)
        .left_join(rel_keys, act.relationship_id == rel_keys.r_id)
        .select(
            activity_id=act.public_id,
            customer_id=people.customer_id,
            party_key=act.party_id,
            kind=ibis.coalesce(rel_keys.r_kind, people.current_kind, ibis.literal("customer")),
            activity=act.kind,
            channel=act.channel,
            direction=act.direction,
            by_staff=act.staff_id.notnull(),
            staff_id=act.staff_id,
            occurred_at=act.occurred_at,
            date=act.occurred_at.date(),
        )
    )

    origin = rel.select(f_id=rel.id, f_public=rel.public_id)
    relationships = (
        rel.join(people, rel.party_id == people.p_id)
        .left_join(origin, rel.converted_from_id == origin.f_id)
        .select(
            relationship_id=rel.public_id,
            customer_id=people.customer_id,
            party_key=rel.party_id,
            kind=rel.kind,
            is_current=rel.is_current,
            status=rel.status,
            stage=rel.stage,
            started_at=rel.started_at,
            ended_at=rel.ended_at,
            acquisition_channel=rel.acquisition_channel,
            acquisition_month=ibis.date(
                rel.started_at.year(), rel.started_at.month(), ibis.literal(1)
            ),
            converted_from_id=origin.f_public,
        )
    )

    parties = people.select(
        "customer_id", "party_kind", kind=people.current_kind, created_at=people.created_at
    )
    built = {
        "orders": orders.drop("o_id"),
        "order_lines": order_lines,
        "activities": activities,
        "relationships": relationships,
        "parties": parties,
    }
    return {name: _typed(table, SCHEMAS[name]) for name, table in built.items()}


def _typed(table: ir.Table, schema: dict[str, dt.DataType]) -> ir.Table:
    return table.select(**{name: table[name].cast(kind) for name, kind in schema.items()})
