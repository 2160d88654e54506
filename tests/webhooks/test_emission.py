"""Emission: which events the services emit, what they say, and when they are queued.

These tests run on committed transactions (transactional_db), so `on_commit` behaves as in
production: a delivery's task is queued when the change commits, and never when it rolls
back."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clientela.activities.services import activity_log
from clientela.commerce.services import LineIn, catalog_item_create, order_record
from clientela.core.errors import ApplicationError
from clientela.journeys.services import journey_move
from clientela.parties.services import (
    party_update,
    relationship_assign_owner,
    relationship_convert,
    relationship_end,
)
from clientela.webhooks.emission import webhook_event_emit, webhook_events_emit_many
from clientela.webhooks.events import (
    classification_changed_data,
    emit_classification_changed,
    emit_score_changed,
)
from clientela.webhooks.models import SUBSCRIBABLE, WebhookDelivery
from clientela.webhooks.services import webhook_subscription_disable
from tests.factories import make_party

EVERYTHING = [kind.value for kind in SUBSCRIBABLE]


def _iso(value) -> str:
    """How Django's JSON encoder writes a datetime (milliseconds, Z for UTC)."""
    return DjangoJSONEncoder().default(value)


def _data(event_type: str) -> list[dict]:
    return [
        d.payload["data"]
        for d in WebhookDelivery.objects.filter(event_type=event_type).order_by("id")
    ]


def _types() -> list[str]:
    return list(WebhookDelivery.objects.order_by("id").values_list("event_type", flat=True))


def test_party_created_is_emitted_with_the_party_and_its_contacts(staff, subscribe):
    # given a subscription to party.created and relationship.opened
    subscription = subscribe(["party.created", "relationship.opened"])

    # when a person is created with contacts, a tag and a customer relationship
    party = make_party(
        actor=staff["admin"],
        emails=["ana@example.test"],
        phones=["+40 721 000 111"],
        tags=["vip"],
        relationship_kind="customer",
        stage="consideration",
    )

    # then one delivery per event, party.created first, with the exact envelope and data
    created, opened = WebhookDelivery.objects.order_by("id")
    relationship = party.relationships.get()
    assert (created.subscription, created.event_type, created.status, created.attempts) == (
        subscription,
        "party.created",
        "pending",
        0,
    )
    assert created.payload == {
        "id": str(created.event_id),
        "type": "party.created",
        "created_at": _iso(created.created_at),
        "data": {
            "party": {
                "id": party.public_id,
                "kind": "person",
                "display_name": "Ana Popescu",
                "given_name": "Ana",
                "family_name": "Popescu",
                "organisation_name": "",
                "language": "",
                "external_id": None,
                "marketing_consent": False,
                "emails": ["ana@example.test"],
                "phones": ["+40 721 000 111"],
                "tags": ["vip"],
                "created_at": _iso(party.created_at),
                "updated_at": _iso(party.updated_at),
            }
        },
    }
    assert opened.payload["type"] == "relationship.opened"
    assert opened.payload["data"] == {
        "party": {"id": party.public_id, "kind": "person", "display_name": "Ana Popescu"},
        "relationship": {
            "id": relationship.public_id,
            "kind": "customer",
            "status": "active",
            "stage": "consideration",
            "is_current": True,
            "acquisition_channel": "other",
            "owner": None,
            "started_at": _iso(relationship.started_at),
            "ended_at": None,
            "end_reason": "",
            "converted_from": None,
        },
    }
    # and each delivery's task was queued once the change committed
    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert [(t.status, t.args_kwargs["kwargs"]) for t in queued] == [
        (TaskResultStatus.READY, {"delivery_id": created.public_id}),
        (TaskResultStatus.READY, {"delivery_id": opened.public_id}),
    ]


def test_a_rolled_back_change_leaves_no_delivery_and_queues_nothing(staff, subscribe):
    subscribe(["party.created"])

    with pytest.raises(RuntimeError), transaction.atomic():
        make_party(actor=staff["admin"])
        assert WebhookDelivery.objects.count() == 1  # written in the transaction
        raise RuntimeError("the surrounding work failed")

    assert WebhookDelivery.objects.count() == 0
    assert DBTaskResult.objects.count() == 0


def test_the_task_is_queued_only_when_the_transaction_commits(staff, subscribe):
    subscribe(["party.created"])

    with transaction.atomic():
        make_party(actor=staff["admin"])
        # inside the transaction the delivery exists but nothing is queued yet
        assert (WebhookDelivery.objects.count(), DBTaskResult.objects.count()) == (1, 0)

    delivery = WebhookDelivery.objects.get()
    assert [t.args_kwargs["kwargs"] for t in DBTaskResult.objects.all()] == [
        {"delivery_id": delivery.public_id}
    ]


def test_a_refused_service_call_emits_nothing(staff, subscribe):
    # given a customer in consideration and a subscription to stage changes
    party = make_party(actor=staff["admin"], relationship_kind="customer", stage="consideration")
    subscribe(["journey.stage_changed"])

    # when a move skipping a stage is refused
    with pytest.raises(ApplicationError):
        journey_move(
            actor=staff["admin"], relationship=party.relationships.get(), to_stage="retention"
        )

    # then nothing is emitted
    assert WebhookDelivery.objects.count() == 0


def test_without_subscribers_emission_is_one_query_and_builds_no_payload(
    staff, subscribe, django_assert_num_queries
):
    def never_built():
        pytest.fail("the payload was built although nobody listens")

    # no subscription at all
    with django_assert_num_queries(1):
        assert webhook_event_emit(event_type="party.created", data=never_built) == []
    # a subscription to other events only, and a disabled one to this event
    subscribe(["order.recorded"])
    disabled = subscribe(["party.created"])
    webhook_subscription_disable(actor=staff["admin"], subscription=disabled)
    with django_assert_num_queries(1):
        assert webhook_event_emit(event_type="party.created", data=never_built) == []
    assert WebhookDelivery.objects.count() == 0


def test_each_subscription_gets_only_the_types_it_asked_for(staff, subscribe):
    parties = subscribe(["party.created"])
    everything = subscribe(EVERYTHING)

    make_party(actor=staff["admin"], relationship_kind="customer")

    rows = WebhookDelivery.objects.order_by("id").values_list("subscription", "event_type")
    assert list(rows) == [
        (parties.pk, "party.created"),
        (everything.pk, "party.created"),
        (everything.pk, "relationship.opened"),
    ]
    # one event, one id, whoever receives it
    ids = WebhookDelivery.objects.filter(event_type="party.created").values_list("event_id")
    assert len(set(ids)) == 1


def test_relationship_services_emit_their_events(staff, subscribe):
    # given a customer in consideration, and a subscription to everything
    admin, manager = staff["admin"], staff["manager"]
    party = make_party(actor=admin, relationship_kind="customer", stage="consideration")
    customer = party.relationships.get()
    subscribe(EVERYTHING)
    party_ref = {"id": party.public_id, "kind": "person", "display_name": "Ana Popescu"}

    # when it moves one stage, gets an owner, is converted, and the client relationship ends
    journey_move(actor=admin, relationship=customer, to_stage="purchase", reason="bought")
    relationship_assign_owner(actor=admin, relationship=customer, owner=manager)
    client = relationship_convert(actor=admin, relationship=customer, reason="wants advice")
    relationship_end(actor=admin, relationship=client, reason="moved abroad")

    # then the events come in that order, each saying what happened
    assert _types() == [
        "journey.stage_changed",
        "relationship.owner_changed",
        "relationship.opened",
        "relationship.converted",
        "relationship.ended",
    ]
    (moved,) = _data("journey.stage_changed")
    transition = customer.transitions.order_by("id").last()
    assert {k: v for k, v in moved.items() if k != "relationship"} == {
        "party": party_ref,
        "journey": "customer",
        "from_stage": "consideration",
        "to_stage": "purchase",
        "reason": "bought",
        "actor": "admin",
        "at": _iso(transition.at),
    }
    assert (moved["relationship"]["id"], moved["relationship"]["stage"]) == (
        customer.public_id,
        "purchase",
    )
    (owner,) = _data("relationship.owner_changed")
    assert (owner["owner"], owner["relationship"]["owner"]) == (
        {"from": None, "to": "manager"},
        "manager",
    )
    (converted,) = _data("relationship.converted")
    assert converted["party"] == party_ref
    assert converted["reason"] == "wants advice"
    assert {k: converted["from"][k] for k in ("id", "kind", "status", "is_current")} == {
        "id": customer.public_id,
        "kind": "customer",
        "status": "converted",
        "is_current": False,
    }
    assert {k: converted["to"][k] for k in ("id", "kind", "stage", "converted_from")} == {
        "id": client.public_id,
        "kind": "client",
        "stage": "consideration",
        "converted_from": customer.public_id,
    }
    (ended,) = _data("relationship.ended")
    assert {k: ended["relationship"][k] for k in ("id", "status", "end_reason", "ended_at")} == {
        "id": client.public_id,
        "status": "ended",
        "end_reason": "moved abroad",
        "ended_at": _iso(client.ended_at),
    }


def test_party_update_says_which_fields_changed(staff, subscribe):
    party = make_party(actor=staff["admin"])
    subscribe(["party.updated"])

    party_update(actor=staff["admin"], party=party, family_name="Ionescu", notes="met at fair")

    (data,) = _data("party.updated")
    assert data["changed"] == ["family_name", "notes"]
    assert (data["party"]["id"], data["party"]["display_name"]) == (party.public_id, "Ana Ionescu")


def test_an_order_is_emitted_once_and_not_on_an_idempotent_replay(staff, subscribe):
    # given a payer, a consumer and a catalogue item
    admin = staff["admin"]
    payer = make_party(actor=admin, relationship_kind="customer")
    spouse = make_party(actor=admin, given_name="Ion")
    item = catalog_item_create(
        actor=admin, sku="TEA-1", name="Tea", offering="standardised", unit_price=Decimal("4.50")
    )
    subscribe(["order.recorded"])
    lines = [
        LineIn(description="", unit_price=Decimal("4.50"), quantity=Decimal("2"), item=item),
        LineIn(description="Gift wrap", unit_price=Decimal("1"), consumer=spouse),
    ]

    # when the order is recorded, then recorded again with the same external id
    order, first = order_record(
        actor=admin, payer=payer, lines=lines, currency="EUR", external_id="shop-1001"
    )
    again, second = order_record(
        actor=admin, payer=payer, lines=lines, currency="EUR", external_id="shop-1001"
    )

    # then exactly one order.recorded event, with lines, payer and consumers by public id
    assert (first, second, again.pk) == ("created", "unchanged", order.pk)
    (data,) = _data("order.recorded")
    assert data == {
        "party": {"id": payer.public_id, "kind": "person", "display_name": "Ana Popescu"},
        "order": {
            "id": order.public_id,
            "external_id": "shop-1001",
            "status": "paid",
            "channel": "store",
            "currency": "EUR",
            "total": "10.00",
            "placed_at": _iso(order.placed_at),
            "relationship": payer.relationships.get().public_id,
            "lines": [
                {
                    "description": "Tea",
                    "item": item.public_id,
                    "sku": "TEA-1",
                    "offering": "standardised",
                    "quantity": "2.000",
                    "unit_price": "4.50",
                    "amount": "9.00",
                    "payer": payer.public_id,
                    "consumer": payer.public_id,
                },
                {
                    "description": "Gift wrap",
                    "item": None,
                    "sku": None,
                    "offering": "standardised",
                    "quantity": "1.000",
                    "unit_price": "1.00",
                    "amount": "1.00",
                    "payer": payer.public_id,
                    "consumer": spouse.public_id,
                },
            ],
        },
    }


def test_a_recorded_order_s_automatic_journey_moves_are_emitted(staff, subscribe):
    # given a customer in awareness and a subscription to stage changes
    admin = staff["admin"]
    payer = make_party(actor=admin, relationship_kind="customer", stage="awareness")
    subscribe(["journey.stage_changed"])

    # when one paid order is recorded (the customer desk moves the journey on its own)
    order, _outcome = order_record(
        actor=admin,
        payer=payer,
        lines=[LineIn(description="Tea", unit_price=Decimal("4.50"))],
        currency="EUR",
    )

    # then both moves of the first purchase are emitted, in order, made by no one
    reason = f"First purchase (order {order.public_id})"
    assert [(d["from_stage"], d["to_stage"], d["reason"], d["actor"]) for d in
            _data("journey.stage_changed")] == [
        ("awareness", "consideration", reason, None),
        ("consideration", "purchase", reason, None),
    ]  # fmt: skip


def test_an_activity_is_emitted_with_its_staff_and_relationship(staff, subscribe):
    party = make_party(actor=staff["admin"], relationship_kind="client", owner=staff["manager"])
    subscribe(["activity.logged"])

    activity = activity_log(
        actor=staff["support_agent"],
        party=party,
        kind="call",
        direction="inbound",
        subject="Asked about the renewal",
        body="private notes stay out of the payload",
        properties={"duration_s": 300},
    )

    (data,) = _data("activity.logged")
    assert data == {
        "party": {"id": party.public_id, "kind": "person", "display_name": "Ana Popescu"},
        "activity": {
            "id": activity.public_id,
            "kind": "call",
            "channel": "phone",
            "direction": "inbound",
            "occurred_at": _iso(activity.occurred_at),
            "subject": "Asked about the renewal",
            "external_id": None,
            "relationship": party.relationships.get().public_id,
            "staff": "support_agent",
            "properties": {"duration_s": 300},
        },
    }


def test_emit_many_makes_one_event_per_item_for_each_subscription(staff, subscribe):
    first, second = subscribe(["classification.changed"]), subscribe(["classification.changed"])
    items = [
        classification_changed_data(
            party_id=f"pty_{n}",
            run_id="cls_1",
            kind="customer",
            behaves_like="client",
            previous_behaves_like="customer",
            confidence=0.8,
            mismatch=True,
        )
        for n in (1, 2)
    ]

    webhook_events_emit_many(event_type="classification.changed", items=items)

    rows = list(WebhookDelivery.objects.order_by("id"))
    assert [(d.subscription_id, d.payload["data"]["party"]["id"]) for d in rows] == [
        (first.pk, "pty_1"),
        (second.pk, "pty_1"),
        (first.pk, "pty_2"),
        (second.pk, "pty_2"),
    ]
    assert rows[0].event_id == rows[1].event_id != rows[2].event_id == rows[3].event_id


def test_score_and_classification_helpers_emit_plain_values(staff, subscribe):
    subscribe(["score.changed", "classification.changed"])

    emit_score_changed(
        party_id="pty_a",
        run_id="anr_b",
        kind="customer",
        segment="champions",
        previous_segment="at_risk",
        clv_12m=Decimal("120.50"),
        p_alive=0.9,
    )
    emit_classification_changed(
        party_id="pty_a",
        run_id="cls_c",
        kind="customer",
        behaves_like="client",
        previous_behaves_like=None,
        confidence=0.75,
        mismatch=True,
    )

    assert _data("score.changed") == [
        {
            "party": {"id": "pty_a"},
            "run": "anr_b",
            "kind": "customer",
            "segment": {"from": "at_risk", "to": "champions"},
            "clv_12m": "120.50",
            "p_alive": 0.9,
            "expected_purchases_90d": None,
        }
    ]
    assert _data("classification.changed") == [
        {
            "party": {"id": "pty_a"},
            "run": "cls_c",
            "kind": "customer",
            "behaves_like": {"from": None, "to": "client"},
            "confidence": 0.75,
            "mismatch": True,
        }
    ]


def test_an_unknown_event_type_is_refused_naming_it(db):
    with pytest.raises(ApplicationError) as refused:
        webhook_event_emit(event_type="party.deleted", data={})

    assert refused.value.message.startswith(
        "event_type: unknown event type 'party.deleted' (one of party.created, party.updated,"
    )
