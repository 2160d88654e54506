"""The bulk paths (batch ingestion of touchpoints and orders, the demo load) write without
emitting webhook events, even when every event is subscribed to."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from clientela.activities.services import TouchpointIn, activity_record_bulk
from clientela.commerce.services import LineIn, order_build_unsaved, order_save_bulk
from clientela.webhooks.models import SUBSCRIBABLE, WebhookDelivery
from tests.factories import make_party

EVERYTHING = [kind.value for kind in SUBSCRIBABLE]


def test_bulk_paths_emit_nothing(staff, subscribe):
    # given a subscription to every event and a party created before it
    admin = staff["admin"]
    party = make_party(actor=admin, relationship_kind="customer")
    subscribe(EVERYTHING)

    # when touchpoints and orders come through the bulk paths
    activity_record_bulk(
        actor=admin,
        items=[
            TouchpointIn(party_id=party.pk, kind="website_visit", occurred_at=timezone.now()),
            TouchpointIn(party_id=party.pk, kind="website_visit", occurred_at=timezone.now()),
        ],
    )
    built = order_build_unsaved(
        payer=party,
        lines=[LineIn(description="Bread", unit_price=Decimal("2"))],
        currency="EUR",
        channel="store",
        status="paid",
        placed_at=None,
        external_id="bulk-1",
    )
    order_save_bulk(actor=admin, orders=[built])

    # then they were written, and nothing was emitted
    assert (party.activities.count(), party.orders.count()) == (2, 1)
    assert WebhookDelivery.objects.count() == 0


def test_the_demo_load_emits_nothing(transactional_db, receiver):
    from clientela.demo import demo_load
    from clientela.parties.models import Party
    from clientela.webhooks.services import webhook_subscription_create

    webhook_subscription_create(actor=None, url=receiver.url, event_types=EVERYTHING)

    demo_load(business="cafe", size="small", parties=60)

    assert Party.objects.count() >= 60
    assert WebhookDelivery.objects.count() == 0
