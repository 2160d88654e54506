import threading
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import connection, connections

from clientela.commerce.models import Order, OrderLine
from clientela.commerce.services import LineIn, Outcome, catalog_item_create, order_record
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent
from tests.factories import make_party

AT = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def _record(actor, payer, **kwargs):
    defaults = {
        "currency": "EUR",
        "placed_at": AT,
        "lines": [LineIn(description="Coffee", unit_price=Decimal("3.50"))],
    }
    defaults.update(kwargs)
    return order_record(actor=actor, payer=payer, **defaults)


def _validation(payer, admin, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        _record(admin, payer, **kwargs)
    assert info.value.code == ErrorCode.VALIDATION
    assert Order.objects.count() == 0
    return info.value


def test_the_same_order_recorded_twice_is_one_order(admin):
    payer = make_party(relationship_kind="customer")

    first, first_outcome = _record(admin, payer, external_id="shop-1")
    again, again_outcome = _record(
        admin,
        payer,
        external_id="shop-1",
        lines=[LineIn(description="Something else", unit_price=Decimal("99"))],
    )

    assert (first_outcome, again_outcome) == (Outcome.CREATED, Outcome.UNCHANGED)
    assert again.pk == first.pk
    assert Order.objects.count() == 1
    assert list(OrderLine.objects.values_list("description", "amount")) == [
        ("Coffee", Decimal("3.50"))
    ]
    assert AuditEvent.objects.filter(action__startswith="order.").count() == 1


def test_a_status_change_on_re_record_is_applied_and_audited(admin):
    payer = make_party(relationship_kind="customer")
    order, _ = _record(admin, payer, external_id="shop-2")

    again, outcome = _record(admin, payer, external_id="shop-2", status="refunded")

    assert (outcome, again.pk) == (Outcome.UPDATED, order.pk)
    assert Order.objects.get(pk=order.pk).status == "refunded"
    event = AuditEvent.objects.get(action="order.status_changed")
    assert (event.actor, event.target_id, event.data) == (
        admin,
        order.public_id,
        {"from": "paid", "to": "refunded"},
    )


def test_a_refunded_order_cannot_become_paid_again(admin):
    payer = make_party(relationship_kind="customer")
    _record(admin, payer, external_id="shop-3", status="refunded")

    with pytest.raises(ApplicationError) as info:
        _record(admin, payer, external_id="shop-3", status="paid")

    assert (info.value.code, info.value.message) == (
        ErrorCode.CONFLICT,
        "status: a refunded order cannot become paid",
    )
    assert Order.objects.get().status == "refunded"


def test_an_external_id_of_another_payers_order_is_a_conflict(admin):
    ana = make_party(relationship_kind="customer")
    ion = make_party(given_name="Ion", relationship_kind="customer")
    _record(admin, ana, external_id="shop-4")

    with pytest.raises(ApplicationError) as info:
        _record(admin, ion, external_id="shop-4", status="refunded")

    assert info.value.code == ErrorCode.CONFLICT
    assert info.value.extra == {
        "fields": {"external_id": ["already used by another payer's order"]}
    }
    assert list(Order.objects.values_list("payer", "status")) == [(ana.pk, "paid")]


def test_total_is_the_sum_of_line_amounts_rounded_half_up(admin):
    payer = make_party(relationship_kind="customer")

    order, _ = _record(
        admin,
        payer,
        lines=[
            LineIn(description="Bolts", unit_price=Decimal("0.125"), quantity=Decimal("1")),
            LineIn(description="Cable", unit_price=Decimal("1.15"), quantity=Decimal("0.5")),
            LineIn(description="Flour", unit_price=Decimal("2.99"), quantity=Decimal("3")),
        ],
    )

    assert list(order.lines.order_by("id").values_list("unit_price", "quantity", "amount")) == [
        (Decimal("0.13"), Decimal("1.000"), Decimal("0.13")),
        (Decimal("1.15"), Decimal("0.500"), Decimal("0.58")),
        (Decimal("2.99"), Decimal("3.000"), Decimal("8.97")),
    ]
    order.refresh_from_db()
    assert order.total == Decimal("9.68")


def test_a_gift_line_keeps_payer_and_consumer_apart(admin):
    payer = make_party(relationship_kind="customer")
    spouse = make_party(given_name="Maria")

    order, _ = _record(
        admin,
        payer,
        lines=[
            LineIn(description="Perfume", unit_price=Decimal("40"), consumer=spouse),
            LineIn(description="Coffee", unit_price=Decimal("3")),
        ],
    )

    assert list(order.lines.order_by("id").values_list("description", "payer", "consumer")) == [
        ("Perfume", payer.pk, spouse.pk),
        ("Coffee", payer.pk, payer.pk),
    ]


@pytest.mark.parametrize(
    ("kwargs", "field", "problem"),
    [
        (
            {"lines": [LineIn(description="x", unit_price=Decimal("-1"))]},
            "lines[0].unit_price",
            "cannot be negative",
        ),
        (
            {"lines": [LineIn(description="x", unit_price=Decimal("1"), quantity=Decimal("0"))]},
            "lines[0].quantity",
            "must be positive",
        ),
        (
            {"lines": [LineIn(description="x", unit_price=1, quantity=Decimal("0.0001"))]},
            "lines[0].quantity",
            "at most 999999999.999 with 3 decimal places",
        ),
        (
            {"lines": [LineIn(description="x", unit_price="abc")]},
            "lines[0].unit_price",
            "'abc' is not a number",
        ),
        (
            {"lines": [LineIn(description="x", unit_price=Decimal("1e13"))]},
            "lines[0].unit_price",
            "cannot be more than 999999999999.99",
        ),
        ({"currency": "euro"}, "currency", "'EURO' is not a three-letter ISO 4217 code"),
        ({"lines": []}, "lines", "an order needs at least one line"),
        ({"placed_at": datetime(2024, 3, 1, 9, 30)}, "placed_at", "needs a time zone"),
        ({"channel": "telepathy"}, "channel", None),
        ({"lines": [LineIn(description=" ", unit_price=1)]}, "lines[0].description", None),
    ],
)
def test_bad_orders_are_refused_naming_the_field(admin, kwargs, field, problem):
    payer = make_party(relationship_kind="customer")

    error = _validation(payer, admin, **kwargs)

    assert list(error.extra["fields"]) == [field]
    if problem is not None:
        assert error.message == f"{field}: {problem}"
        assert error.extra["fields"] == {field: [problem]}


def test_catalogue_item_with_a_taken_sku_is_refused(admin):
    catalog_item_create(
        actor=admin, sku="A-1", name="Audit", offering="personalised", unit_price=10
    )

    with pytest.raises(ApplicationError) as info:
        catalog_item_create(
            actor=admin, sku="A-1", name="Other", offering="standardised", unit_price=1
        )

    assert info.value.code == ErrorCode.VALIDATION
    assert list(info.value.extra["fields"]) == ["sku"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_writers_recording_the_same_external_id_at_once_make_one_order():
    payer = make_party(relationship_kind="customer")
    barrier = threading.Barrier(2)
    results, errors = [], []

    def record():
        try:
            barrier.wait()
            results.append(_record(None, payer, external_id="race-1"))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=record) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    order = Order.objects.get(external_id="race-1")
    assert sorted(outcome for _, outcome in results) == [Outcome.CREATED, Outcome.UNCHANGED]
    assert [o.pk for o, _ in results] == [order.pk, order.pk]
    assert OrderLine.objects.count() == 1


def test_a_status_change_from_a_stale_copy_does_not_overwrite_a_final_status(admin):
    from clientela.commerce.services import order_set_status

    order, _ = _record(admin, make_party(relationship_kind="customer"))
    stale = Order.objects.get(pk=order.pk)
    order_set_status(actor=admin, order=order, status="refunded")

    with pytest.raises(ApplicationError) as info:
        order_set_status(actor=admin, order=stale, status="cancelled")

    assert info.value.message == "status: a refunded order cannot become cancelled"
    assert Order.objects.get(pk=order.pk).status == "refunded"
    assert AuditEvent.objects.filter(action="order.status_changed").count() == 1
