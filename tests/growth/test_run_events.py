"""Runs tell webhooks what changed: a `classification.changed` event per relationship whose
behaviour changed since the previous run, a `score.changed` event per party whose RFM
segment changed; the first run only sets the baseline, and nothing is written without a
listener."""

from __future__ import annotations

from clientela.analytics.services import analysis_run
from clientela.growth.services import classification_run
from clientela.webhooks.models import WebhookDelivery
from clientela.webhooks.services import webhook_subscription_create


def test_a_changed_behaviour_is_sent_once_and_only_after_the_first_run(small_business, users):
    # given a webhook listening to classification changes, and a first run
    webhook_subscription_create(
        actor=users["admin"], url="http://127.0.0.1:9/hook", event_types=["classification.changed"]
    )
    classification_run(actor=None, business_type="professional_services")
    first = WebhookDelivery.objects.count()

    # when engagement, offering and experience stop counting and it runs again: X (a customer
    # who meets Ana and buys advice) loses its client-like behaviour, and Z (a client with
    # standard orders and one call) gains it (0.63 -> 0.19 and 0.37 -> 0.76); Y stays
    classification_run(
        actor=None,
        business_type="professional_services",
        weights={"engagement": 0.0, "offering": 0.0, "experience": 0.0},
    )

    # then exactly those two changes are sent, with public ids only
    sent = {
        d.payload["data"]["party"]["id"]: d.payload["data"]
        for d in WebhookDelivery.objects.filter(event_type="classification.changed")
    }
    assert first == 0
    assert WebhookDelivery.objects.count() == 2
    x, z = sent[small_business["X"]], sent[small_business["Z"]]
    assert (x["behaves_like"], x["kind"], x["mismatch"]) == (
        {"from": "client", "to": "customer"}, "customer", False,
    )  # fmt: skip
    assert (z["behaves_like"], z["kind"], z["mismatch"]) == (
        {"from": "customer", "to": "client"}, "client", False,
    )  # fmt: skip


def test_nothing_is_written_without_a_listener(small_business):
    classification_run(actor=None, business_type="professional_services")
    classification_run(actor=None, weights={"engagement": 0.0, "offering": 0.0})
    analysis_run(actor=None)
    analysis_run(actor=None)
    assert WebhookDelivery.objects.count() == 0


def test_an_unchanged_segment_sends_nothing_and_a_new_party_is_sent(small_business, users):
    from decimal import Decimal

    from clientela.commerce.services import LineIn, order_record
    from clientela.parties.services import party_create
    from tests.growth.conftest import at

    webhook_subscription_create(
        actor=users["admin"], url="http://127.0.0.1:9/hook", event_types=["score.changed"]
    )
    analysis_run(actor=None)
    analysis_run(actor=None)
    assert WebhookDelivery.objects.count() == 0

    newcomer = party_create(
        actor=None, given_name="N", family_name="Ew", relationship_kind="customer",
        at=at("2025-03-01"),
    )  # fmt: skip
    order_record(
        actor=None, payer=newcomer, currency="EUR", placed_at=at("2025-03-02", "09:00"),
        lines=[LineIn(description="coffee", unit_price=Decimal("5"))],
    )  # fmt: skip
    analysis_run(actor=None)

    sent = {
        d.payload["data"]["party"]["id"]: d.payload["data"] for d in WebhookDelivery.objects.all()
    }
    assert newcomer.public_id in sent
    assert sent[newcomer.public_id]["segment"]["from"] is None
