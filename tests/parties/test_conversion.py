from decimal import Decimal

import pytest

from clientela.activities.services import activity_log
from clientela.commerce.services import LineIn, order_record
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.journeys.selectors import journey_history
from clientela.parties.models import Relationship
from clientela.parties.selectors import party_relationships
from clientela.parties.services import relationship_convert
from tests.factories import make_party


def test_converting_a_customer_keeps_the_old_journey_orders_and_timeline(admin, account_manager):
    party = make_party(
        relationship_kind="customer", stage="retention", acquisition_channel="walk_in"
    )
    customer = party.relationships.get()
    order, _ = order_record(
        actor=admin,
        payer=party,
        currency="EUR",
        external_id="o-1",
        lines=[LineIn(description="Coffee", unit_price=Decimal("3.50"))],
    )
    activity_log(actor=admin, party=party, kind="store_visit", direction="inbound")

    client = relationship_convert(
        actor=admin,
        relationship=customer,
        owner=account_manager,
        reason="asks for tailored advice every week",
    )

    customer.refresh_from_db()
    assert (customer.status, customer.is_current, customer.end_reason) == (
        "converted",
        False,
        "asks for tailored advice every week",
    )
    assert (client.kind, client.stage, client.is_current, client.owner) == (
        "client",
        "consideration",
        True,
        account_manager,
    )
    assert client.converted_from == customer
    assert client.acquisition_channel == "conversion"
    assert [r.kind for r in party_relationships(party=party)] == ["client", "customer"]
    order.refresh_from_db()
    assert order.relationship == customer
    assert party.activities.get().relationship == customer
    assert [(t.relationship.kind, t.to_stage) for t in journey_history(party_id=party.id)] == [
        ("customer", "retention"),
        ("client", "consideration"),
    ]


def test_a_refused_conversion_leaves_the_customer_current(admin):
    party = make_party(relationship_kind="customer")
    customer = party.relationships.get()
    with pytest.raises(ApplicationError) as info:
        relationship_convert(actor=admin, relationship=customer, stage="onboarding", reason="vip")
    assert info.value.extra["rule"] == "client.owner_required"
    customer.refresh_from_db()
    assert (customer.is_current, customer.status) == (True, "active")
    assert Relationship.objects.filter(party=party).count() == 1


def test_conversion_needs_a_reason(admin):
    customer = make_party(relationship_kind="customer").relationships.get()
    with pytest.raises(ApplicationError) as info:
        relationship_convert(actor=admin, relationship=customer, reason="  ")
    assert info.value.code == ErrorCode.VALIDATION
    assert info.value.extra["fields"] == {"reason": ["say why the relationship is converted"]}


def test_a_client_can_be_moved_back_to_customer(admin, account_manager):
    client = make_party(relationship_kind="client", owner=account_manager).relationships.get()
    customer = relationship_convert(
        actor=admin,
        relationship=client,
        stage="retention",
        reason="only buys standard packages now",
    )
    assert (customer.kind, customer.stage, customer.converted_from) == (
        "customer",
        "retention",
        client,
    )
