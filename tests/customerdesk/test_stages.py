"""Automatic customer-journey moves from purchases."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from clientela.commerce.services import order_save_bulk_keyed, order_set_status
from clientela.customerdesk.settings import customer_desk_settings_update
from clientela.parties.models import Party, Relationship
from tests.customerdesk.helpers import T0, built, buy, customer, day, transitions

pytestmark = pytest.mark.django_db


def _stage(party) -> tuple[str, str]:
    rel = Relationship.objects.get(party=party, is_current=True)
    return rel.stage, Party.objects.get(pk=party.pk).current_stage


def test_a_first_paid_order_moves_a_customer_in_consideration_to_purchase():
    party = customer(stage="consideration")

    order = buy(party, day(3))

    assert _stage(party) == ("purchase", "purchase")
    assert transitions(party) == [
        ("consideration", "purchase", day(3), f"First purchase (order {order.public_id})")
    ]
    assert Relationship.objects.get(party=party).stage_entered_at == day(3)


def test_from_awareness_the_move_passes_through_consideration_at_the_same_moment():
    party = customer(stage="awareness")

    order = buy(party, day(1))

    reason = f"First purchase (order {order.public_id})"
    assert transitions(party) == [
        ("awareness", "consideration", day(1), reason),
        ("consideration", "purchase", day(1), reason),
    ]
    assert _stage(party) == ("purchase", "purchase")


def test_a_repeat_within_the_window_moves_purchase_to_retention():
    party = customer(stage="consideration")
    buy(party, day(0))

    repeat = buy(party, day(90))  # exactly 90 days later: inside the window

    assert _stage(party) == ("retention", "retention")
    assert transitions(party)[-1] == (
        "purchase", "retention", day(90), f"Repeat purchase (order {repeat.public_id})"
    )  # fmt: skip


def test_a_purchase_after_the_window_is_not_a_repeat():
    party = customer(stage="consideration")
    buy(party, day(0))

    buy(party, day(90, hour=13))  # 90 days and an hour later

    assert _stage(party) == ("purchase", "purchase")
    assert [t[1] for t in transitions(party)] == ["purchase"]


def test_the_window_is_a_setting(admin):
    customer_desk_settings_update(actor=admin, repeat_window_days=30)
    late, soon = customer("Late"), customer("Soon")
    buy(late, day(0))
    buy(soon, day(0))

    buy(late, day(31))
    buy(soon, day(30))

    assert (_stage(late)[0], _stage(soon)[0]) == ("purchase", "retention")


def test_one_batch_out_of_time_order_makes_both_moves_at_their_orders_moments():
    party = customer(stage="consideration")
    orders = [built(party, day(40), "b-2"), built(party, day(10), "b-1")]

    order_save_bulk_keyed(actor=None, orders=orders)

    first, second = orders[1][0], orders[0][0]
    assert transitions(party) == [
        ("consideration", "purchase", day(10), f"First purchase (order {first.public_id})"),
        ("purchase", "retention", day(40), f"Repeat purchase (order {second.public_id})"),
    ]
    assert _stage(party) == ("retention", "retention")


def test_an_older_order_arriving_later_still_makes_a_repeat_with_the_newer_one():
    party = customer(stage="purchase")
    buy(party, day(50))  # already in purchase: one paid order, no repeat
    assert _stage(party)[0] == "purchase"

    buy(party, day(0))  # an earlier order recorded late: 50 days before the other

    assert _stage(party)[0] == "retention"
    assert transitions(party)[-1][:3] == ("purchase", "retention", day(50))


def test_unpaid_orders_move_nothing_and_refunds_move_nothing_back(admin):
    party = customer(stage="consideration")
    buy(party, day(0), status="cancelled")
    assert _stage(party)[0] == "consideration"

    first = buy(party, day(1))
    second = buy(party, day(2))
    order_set_status(actor=admin, order=second, status="refunded")
    order_set_status(actor=admin, order=first, status="refunded")

    assert _stage(party)[0] == "retention"
    assert [t[1] for t in transitions(party)] == ["purchase", "retention"]


def test_a_refunded_order_does_not_count_as_the_earlier_purchase(admin):
    party = customer(stage="purchase")
    earlier = buy(party, day(0))
    order_set_status(actor=admin, order=earlier, status="refunded")

    buy(party, day(5))

    assert _stage(party)[0] == "purchase"


def test_clients_parties_without_relationship_and_retained_customers_are_left_alone():
    client = customer("Client", kind="client")
    prospect = customer("Prospect", kind=None)
    retained = customer("Retained", stage="retention")

    for party in (client, prospect, retained):
        buy(party, day(0))
        buy(party, day(1))

    assert Relationship.objects.get(party=client).stage == "consideration"
    assert not Relationship.objects.filter(party=prospect).exists()
    assert Relationship.objects.get(party=retained).stage == "retention"
    assert transitions(client) == transitions(prospect) == transitions(retained) == []


def test_the_setting_switches_the_moves_off(admin):
    customer_desk_settings_update(actor=admin, auto_stage_moves=False)
    party = customer()

    buy(party, day(0))

    assert _stage(party)[0] == "consideration"


def test_a_move_is_never_recorded_before_the_relationship_entered_its_stage():
    party = customer(stage="consideration")
    rel = Relationship.objects.get(party=party)
    entered = rel.stage_entered_at  # T0 - 400 days

    buy(party, entered - (T0 - entered))  # an order 400 days before the relationship began

    assert transitions(party)[0][2] == entered


def test_a_closed_relationship_is_not_moved(admin):
    from clientela.parties.services import relationship_end

    party = customer()
    relationship_end(actor=admin, relationship=Relationship.objects.get(party=party),
                     reason="moved away")  # fmt: skip

    buy(party, day(0))

    assert Relationship.objects.get(party=party).stage == "consideration"


def test_a_registered_hook_on_entering_purchase_runs_through_journey_move():
    from clientela.journeys import hooks

    seen = []

    @hooks.on_enter("customer", "purchase", name="test.seen")
    def _seen(*, relationship, from_stage, to_stage, actor, at):
        seen.append((relationship.party_id, from_stage, to_stage, at))

    try:
        a, b = customer("A"), customer("B", stage="awareness")
        order_save_bulk_keyed(actor=None, orders=[built(a, day(2), "h-a"), built(b, day(3), "h-b")])
    finally:
        hooks._ON_ENTER.pop(("customer", "purchase", "test.seen"))

    assert sorted(seen) == sorted([
        (a.pk, "consideration", "purchase", day(2)), (b.pk, "consideration", "purchase", day(3)),
    ])  # fmt: skip
    assert (_stage(a)[0], _stage(b)[0]) == ("purchase", "purchase")


def test_a_guard_refusal_skips_the_move_and_keeps_the_order():
    from clientela.commerce.models import Order
    from clientela.journeys.guards import register, unregister

    @register("test.no_retention", description="no retention")
    def _no(move):
        return "no" if move.to_stage == "retention" else None

    try:
        party = customer()
        order_save_bulk_keyed(actor=None, orders=[built(party, day(0), "g-1"),
                                                  built(party, day(1), "g-2")])  # fmt: skip
    finally:
        unregister("test.no_retention")

    assert Order.objects.filter(payer=party).count() == 2
    assert _stage(party)[0] == "purchase"


def _batch_queries(n: int, prefix: str, admin) -> int:
    """The queries the rules make for a batch of `n` orders (half the payers with an
    earlier order): saved with the moves off, then the rules run on the saved batch."""
    from clientela.customerdesk.stages import customer_stages_from_orders

    parties = [customer(f"{prefix}{i}") for i in range(n)]
    for party in parties[::2]:
        buy(party, day(0), key=f"{prefix}-old-{party.pk}")
    customer_desk_settings_update(actor=admin, auto_stage_moves=False)
    orders = [built(p, day(5), f"{prefix}-{p.pk}") for p in parties]
    order_save_bulk_keyed(actor=None, orders=orders)
    customer_desk_settings_update(actor=admin, auto_stage_moves=True)
    with CaptureQueriesContext(connection) as run:
        moved = customer_stages_from_orders(orders=[o for o, _lines in orders], actor=None)
    assert moved == n  # half to purchase, the other half (already in purchase) to retention
    stages = list(Relationship.objects.filter(party__in=parties).values_list("stage", flat=True))
    assert sorted(stages) == sorted(["retention"] * (n // 2) + ["purchase"] * (n // 2))
    return len(run.captured_queries)


def test_a_batch_costs_the_same_queries_for_ten_orders_as_for_sixty(admin):
    # (beyond that the database's own insert/update batch sizes add a query per batch,
    # never one per order)
    assert _batch_queries(10, "s", admin) == _batch_queries(60, "l", admin) == 8
