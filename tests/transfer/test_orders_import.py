from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from clientela.commerce.models import Order, OrderLine
from clientela.parties.models import Party, Relationship
from clientela.transfer.report import RejectedRow
from clientela.transfer.services import orders_import
from tests.factories import make_party
from tests.transfer.helpers import rows_of

ORDERS = """
    external_id,placed_at,payer_email,consumer_email,currency,channel,status,description,quantity,unit_price
    o-1,2024-05-01T10:00:00,ana@example.com,,EUR,store,paid,Espresso,2,2.50
    o-1,,,ion@example.com,,,,Croissant,1,3.20
    o-2,2024-05-02T09:30:00+02:00,ion@example.com,,EUR,online,refunded,Beans,1,12
"""


def _parties():
    ana = make_party(given_name="Ana", family_name="Popescu", emails=["ana@example.com"])
    ion = make_party(given_name="Ion", family_name="Ionescu", emails=["ion@example.com"])
    return ana, ion


def test_rows_with_the_same_external_id_are_lines_of_one_order(db):
    # given two known parties
    ana, ion = _parties()

    # when the orders file is imported
    report = orders_import(actor=None, rows=rows_of("orders", ORDERS))

    # then two orders exist: o-1 with two lines (one consumed by Ion), o-2 refunded
    assert (report.applied, report.created, report.rejected) == (True, 2, [])
    first = Order.objects.get(external_id="o-1")
    assert (first.payer, first.total, first.currency, first.channel, first.status) == (
        ana,
        Decimal("8.20"),
        "EUR",
        "store",
        "paid",
    )
    assert first.placed_at == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert list(
        OrderLine.objects.filter(order=first)
        .order_by("id")
        .values_list("description", "amount", "payer_id", "consumer_id")
    ) == [
        ("Espresso", Decimal("5.00"), ana.pk, ana.pk),
        ("Croissant", Decimal("3.20"), ana.pk, ion.pk),
    ]
    second = Order.objects.get(external_id="o-2")
    assert (second.status, second.total, second.placed_at) == (
        "refunded",
        Decimal("12.00"),
        datetime(2024, 5, 2, 7, 30, tzinfo=UTC),
    )


def test_reimporting_orders_changes_nothing(db):
    # given the file imported once
    _parties()
    orders_import(actor=None, rows=rows_of("orders", ORDERS))

    # when it is imported again
    report = orders_import(actor=None, rows=rows_of("orders", ORDERS))

    # then both orders are unchanged
    assert (report.created, report.unchanged, report.updated) == (0, 2, 0)
    assert OrderLine.objects.count() == 3


def test_a_status_change_on_reimport_updates_the_order(db):
    # given o-1 recorded as paid
    _parties()
    orders_import(actor=None, rows=rows_of("orders", ORDERS))

    # when a later file says it was refunded
    report = orders_import(
        actor=None,
        rows=rows_of(
            "orders",
            """
            external_id,placed_at,payer_email,currency,status,description,unit_price
            o-1,2024-05-01T10:00:00,ana@example.com,EUR,refunded,Espresso,2.50
            """,
        ),
    )

    # then the order is updated to refunded
    assert (report.updated, Order.objects.get(external_id="o-1").status) == (1, "refunded")


def test_unknown_payer_rejects_the_order_unless_parties_may_be_created(db):
    # given no party with the payer's email
    rows = rows_of(
        "orders",
        """
        external_id,placed_at,payer_email,payer_name,currency,channel,description,unit_price
        w-1,2024-05-01T10:00:00Z,new@example.com,Eva Maria Lupu,EUR,online,Tea,4
        w-2,2024-05-03T10:00:00Z,new@example.com,,EUR,online,Tea,4
        """,
    )

    # when imported without --create-parties, then both orders are rejected with the reason
    refused = orders_import(actor=None, rows=rows)
    reason = (
        "payer_email: no party has the email 'new@example.com' "
        "(give --create-parties to create it as a customer)"
    )
    assert refused.rejected == [RejectedRow(2, reason), RejectedRow(3, reason)]
    assert (refused.applied, Order.objects.count()) == (False, 0)

    # when imported with create_parties, then one customer is created and pays both
    report = orders_import(actor=None, rows=rows, create_parties=True)
    assert (report.created, report.parties_created) == (2, 1)
    eva = Party.objects.get()
    assert (eva.given_name, eva.family_name) == ("Eva Maria", "Lupu")
    assert list(Relationship.objects.values_list("kind", "acquisition_channel")) == [
        ("customer", "website")
    ]
    assert sorted(Order.objects.values_list("payer_id", flat=True)) == [eva.pk, eva.pk]


def test_one_bad_line_rejects_its_whole_order_and_reports_every_problem(db):
    # given a file with a bad quantity in o-1, a payer conflict, and a bad currency
    _parties()
    rows = rows_of(
        "orders",
        """
        external_id,placed_at,payer_email,currency,description,quantity,unit_price
        o-1,2024-05-01T10:00:00,ana@example.com,EUR,Espresso,two,2.50
        o-1,,,,Croissant,1,3.20
        o-2,2024-05-01T10:00:00,ana@example.com,EUR,Tea,1,3
        o-2,,ion@example.com,,Cake,1,4
        o-3,yesterday,ana@example.com,EURO,Cake,1,4
        o-4,2024-05-01T10:00:00,ana@example.com,EUR,Cake,1,4
        """,
    )

    # when imported with skip_invalid
    report = orders_import(actor=None, rows=rows, skip_invalid=True)

    # then only o-4 is recorded; every other line is rejected with its reason
    assert report.rejected == [
        RejectedRow(2, "quantity: 'two' is not a number"),
        RejectedRow(3, "order 'o-1' has a rejected line (line 2)"),
        RejectedRow(4, "order 'o-2' has a rejected line (line 5)"),
        RejectedRow(
            5,
            "payer_email: differs from line 4 of the same order (leave it blank or repeat it)",
        ),
        RejectedRow(6, "placed_at: 'yesterday' is not an ISO 8601 date and time"),
    ]
    assert list(Order.objects.values_list("external_id", flat=True)) == ["o-4"]
