"""The named tables: the same columns, types and rows on every engine."""

from __future__ import annotations

import datetime

import ibis
import pytest

from clientela.analytics.engines import TABLES, engine_open
from clientela.analytics.engines.tables import SCHEMAS
from clientela.core.errors import ApplicationError, ErrorCode
from tests.analytics.pipelines.conftest import at, buy
from tests.analytics.pipelines.frames import assert_rows, day, records

UTC = datetime.UTC


def test_every_named_table_has_the_declared_columns_and_types(open_engine, shop):
    # given the shop; when the engine opens
    engine = open_engine()

    # then every named table is there with exactly the declared schema
    assert sorted(engine.tables) == sorted(TABLES)
    for name in TABLES:
        assert engine.tables[name].schema() == ibis.schema(SCHEMAS[name]), name
    counts = {name: len(engine.execute(engine.tables[name])) for name in TABLES}
    assert counts == {
        "orders": 14,
        "order_lines": 14,
        "activities": 0,
        "relationships": 7,
        "parties": 6,
    }


def test_orders_carry_the_payer_the_relationship_kind_and_the_utc_day(open_engine, shop):
    # given the shop (E converted into a client between its first and second order)
    engine = open_engine()

    # when the orders are read
    orders = records(engine.execute(engine.tables["orders"]), ["placed_at"])
    names = {public_id: name for name, public_id in shop.items()}

    # then each order names its payer, its relationship's kind, UTC time and day, amount
    got = [
        {
            "payer": names[row["customer_id"]],
            "kind": row["kind"],
            "placed_at": row["placed_at"],
            "date": row["date"],
            "amount": row["amount"],
            "status": row["status"],
        }
        for row in orders
    ]
    expected = [
        ("A", "customer", at("2025-01-10"), 10.0, "paid"),
        ("A", "customer", at("2025-01-10", "18:00"), 5.0, "paid"),
        ("E", "customer", at("2025-01-12"), 40.0, "paid"),
        ("B", "customer", at("2025-01-20"), 8.0, "paid"),
        ("D", "client", at("2025-01-31", "23:30"), 400.0, "paid"),
        ("B", "customer", at("2025-02-01"), 50.0, "cancelled"),
        ("C", "customer", at("2025-02-05"), 12.5, "paid"),
        ("A", "customer", at("2025-02-15"), 20.0, "paid"),
        ("E", "client", at("2025-02-20"), 200.0, "paid"),
        ("C", "customer", at("2025-03-01"), 7.5, "paid"),
        ("A", "customer", at("2025-03-20"), 30.0, "paid"),
        ("A", "customer", at("2025-03-21"), 100.0, "refunded"),
        ("E", "client", at("2025-03-25"), 300.0, "paid"),
        ("D", "client", at("2025-03-31"), 400.0, "paid"),
    ]
    assert got == [
        {
            "payer": payer,
            "kind": kind,
            "placed_at": placed_at,
            "date": placed_at.date(),
            "amount": amount,
            "status": status,
        }
        for payer, kind, placed_at, amount, status in expected
    ]
    assert {row["currency"] for row in orders} == {"EUR"}
    assert {row["order_id"][:4] for row in orders} == {"ord_"}


def test_an_order_without_relationship_takes_the_payers_current_kind_else_customer(
    open_engine, shop
):
    # given E's orders lost their relationship (SET NULL), and G, with no relationship, buys
    from clientela.commerce.models import Order
    from clientela.parties.services import party_create

    Order.objects.filter(payer__public_id=shop["E"]).update(relationship=None)
    g = party_create(actor=None, given_name="G", family_name="Test")
    buy(g, "2025-03-02", "3")

    # when the orders are read
    engine = open_engine()
    orders = records(engine.execute(engine.tables["orders"]), ["placed_at"])

    # then E's orders are all client orders (E's current kind), G's a customer order
    kinds = {
        (row["customer_id"], row["date"]): (row["kind"], row["relationship_id"]) for row in orders
    }
    assert kinds[(shop["E"], day("2025-01-12"))] == ("client", None)
    assert kinds[(shop["E"], day("2025-02-20"))] == ("client", None)
    assert kinds[(g.public_id, day("2025-03-02"))] == ("customer", None)


def test_relationships_keep_the_conversion_and_the_acquisition_month(open_engine, shop):
    # given the shop; when the relationships are read
    engine = open_engine()
    rows = records(engine.execute(engine.tables["relationships"]), ["started_at"])
    e_rows = [row for row in rows if row["customer_id"] == shop["E"]]

    # then E has its closed customer relationship and the client one converted from it
    old, new = e_rows
    assert {k: old[k] for k in ("kind", "is_current", "status", "acquisition_month")} == {
        "kind": "customer",
        "is_current": False,
        "status": "converted",
        "acquisition_month": day("2025-01-01"),
    }
    assert old["ended_at"] == at("2025-02-10")
    assert {
        k: new[k]
        for k in ("kind", "is_current", "status", "acquisition_channel", "acquisition_month")
    } == {
        "kind": "client",
        "is_current": True,
        "status": "active",
        "acquisition_channel": "conversion",
        "acquisition_month": day("2025-02-01"),
    }
    assert new["converted_from_id"] == old["relationship_id"]
    assert new["started_at"] == at("2025-02-10")
    assert [row["acquisition_month"] for row in rows] == [
        day(d)
        for d in (
            "2025-01-01",
            "2025-01-01",
            "2025-01-01",
            "2025-01-01",
            "2025-02-01",
            "2025-02-01",
            "2025-03-01",
        )
    ]


def test_order_lines_activities_and_parties_name_payer_consumer_and_kind(open_engine, shop):
    # given a gift (A pays, F consumes) and an activity logged by staff on D
    from clientela.activities.services import activity_log
    from clientela.commerce.services import LineIn, order_record
    from clientela.parties.models import Party

    a, d, f = (Party.objects.get(public_id=shop[x]) for x in "ADF")
    order_record(
        actor=None,
        payer=a,
        lines=[LineIn(description="gift", unit_price="2.25", quantity="2", consumer=f)],
        currency="EUR",
        placed_at=at("2025-03-30"),
    )
    activity_log(actor=None, party=d, kind="call", occurred_at=at("2025-03-02", "08:15"))

    # when the tables are read
    engine = open_engine()
    lines = records(engine.execute(engine.tables["order_lines"]), ["placed_at"])
    activities = records(engine.execute(engine.tables["activities"]), ["occurred_at"])
    parties = records(engine.execute(engine.tables["parties"]), ["customer_id"])

    # then the gift line has A as payer and F as consumer; the call is a client activity
    gift = lines[-2]
    assert_rows(
        [gift],
        [
            {
                "order_id": gift["order_id"],
                "customer_id": shop["A"],
                "party_key": Party.objects.get(public_id=shop["A"]).pk,
                "consumer_id": shop["F"],
                "kind": "customer",
                "offering": "standardised",
                "quantity": 2.0,
                "amount": 4.5,
                "placed_at": at("2025-03-30"),
                "date": day("2025-03-30"),
                "status": "paid",
            }
        ],
    )
    assert [
        (row["customer_id"], row["kind"], row["activity"], row["channel"], row["date"])
        for row in activities
    ] == [(shop["D"], "client", "call", "phone", day("2025-03-02"))]
    assert activities[0]["occurred_at"] == at("2025-03-02", "08:15")
    assert {row["customer_id"]: row["kind"] for row in parties} == {
        shop["A"]: "customer",
        shop["B"]: "customer",
        shop["C"]: "customer",
        shop["D"]: "client",
        shop["E"]: "client",
        shop["F"]: "customer",
    }
    assert {row["party_kind"] for row in parties} == {"person"}


def test_an_unknown_engine_is_a_validation_error(db):
    with pytest.raises(ApplicationError) as caught:
        engine_open("oracle")

    assert caught.value.code == ErrorCode.VALIDATION
    assert "engine" in caught.value.message
    assert "oracle" in caught.value.message


def test_the_postgres_engine_needs_postgresql_as_the_operational_database(db):
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("the operational database is PostgreSQL here, so the engine opens")
    with pytest.raises(ApplicationError) as caught:
        engine_open("postgres")

    assert caught.value.code == ErrorCode.VALIDATION
    assert caught.value.message.startswith("engine:")
    assert "sqlite" in caught.value.message
