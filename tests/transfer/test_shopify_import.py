from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from clientela.commerce.models import Order, OrderLine
from clientela.parties.models import Party, Relationship
from clientela.transfer.csv_formats import csv_rows_read
from clientela.transfer.report import RejectedRow
from clientela.transfer.services import shopify_orders_import
from clientela.transfer.shopify import SHOPIFY_COLUMNS, SHOPIFY_REQUIRED

FIXTURE = Path(__file__).parent / "data" / "shopify_orders.csv"
PENDING = RejectedRow(
    6, "Financial Status: 'pending' orders are not paid yet; import them once Shopify says paid"
)


def _rows():
    with open(FIXTURE, newline="", encoding="utf-8-sig") as stream:
        return csv_rows_read(
            stream, columns=SHOPIFY_COLUMNS, required=SHOPIFY_REQUIRED, strict=False
        )


def _lines(name: str) -> list[tuple]:
    return list(
        OrderLine.objects.filter(order__external_id=f"shopify:{name}")
        .order_by("id")
        .values_list(
            "description",
            "quantity",
            "unit_price",
            "amount",
            "payer__display_name",
            "consumer__display_name",
        )
    )


def test_a_pending_order_blocks_the_import_without_skip_invalid(db):
    # when the export (with one pending order) is imported without skip_invalid
    report = shopify_orders_import(actor=None, rows=_rows())

    # then nothing is written and the pending order's line is named
    assert (report.applied, report.rejected, Order.objects.count()) == (False, [PENDING], 0)


def test_shopify_orders_map_to_payers_consumers_lines_and_statuses(db):
    # when the export is imported with skip_invalid
    report = shopify_orders_import(actor=None, rows=_rows(), skip_invalid=True)

    # then four orders are recorded and four parties created (Ana once, for two orders)
    assert (report.created, report.parties_created, report.rejected) == (4, 4, [PENDING])
    assert sorted(Party.objects.values_list("display_name", flat=True)) == [
        "Ana Popescu",
        "Lucía García",
        "Marek Nowak",
        "Zofia Nowak",
    ]
    # the multi-line order keeps both line items and its shipping, totalling Shopify's Total
    first = Order.objects.get(external_id="shopify:#1001")
    assert (first.total, first.status, first.channel, first.currency) == (
        Decimal("39.80"),
        "paid",
        "online",
        "EUR",
    )
    assert first.placed_at == datetime(2024, 3, 4, 9, 15, 22, tzinfo=UTC)
    assert _lines("#1001") == [
        (
            "Ceramic mug - Blue",
            Decimal("2"),
            Decimal("12.50"),
            Decimal("25.00"),
            "Ana Popescu",
            "Ana Popescu",
        ),
        (
            "Coffee beans 250g",
            Decimal("1"),
            Decimal("9.90"),
            Decimal("9.90"),
            "Ana Popescu",
            "Ana Popescu",
        ),
        (
            "Shipping: Standard",
            Decimal("1"),
            Decimal("4.90"),
            Decimal("4.90"),
            "Ana Popescu",
            "Ana Popescu",
        ),
    ]
    # the gift: Marek pays, Zofia (the shipping name) consumes
    assert _lines("#1002") == [
        (
            "Silk scarf - Green",
            Decimal("1"),
            Decimal("45.00"),
            Decimal("45.00"),
            "Marek Nowak",
            "Zofia Nowak",
        ),
    ]
    zofia = Party.objects.get(display_name="Zofia Nowak")
    assert (zofia.relationships.count(), zofia.contact_points.count()) == (0, 0)
    # the refunded order keeps its status
    refunded = Order.objects.get(external_id="shopify:#1003")
    assert (refunded.status, refunded.total) == ("refunded", Decimal("34.90"))
    # payers are customers acquired through the website; consent follows Accepts Marketing
    ana = Party.objects.get(display_name="Ana Popescu")
    assert (ana.marketing_consent, ana.consent_source) == (True, "shopify")
    assert sorted(
        Relationship.objects.values_list("party__display_name", "kind", "acquisition_channel")
    ) == [
        ("Ana Popescu", "customer", "website"),
        ("Lucía García", "customer", "website"),
        ("Marek Nowak", "customer", "website"),
    ]
    assert Order.objects.filter(payer=ana).count() == 2


def test_reimporting_the_shopify_export_changes_nothing(db):
    # given the export imported once
    shopify_orders_import(actor=None, rows=_rows(), skip_invalid=True)

    # when it is imported again
    report = shopify_orders_import(actor=None, rows=_rows(), skip_invalid=True)

    # then every order is unchanged and no gift recipient is created twice
    assert (report.created, report.unchanged, report.parties_created) == (0, 4, 0)
    assert Party.objects.count() == 4
