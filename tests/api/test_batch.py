"""POST /events:batch and /orders:batch over real HTTP: per-item outcomes in input order,
idempotent retries, a malformed batch refused whole, parties matched or created, the role
rules of the per-item services, the rate limit, and concurrent duplicate batches."""

from __future__ import annotations

import json
import threading

import httpx
import pytest
from django.db import connection
from django.test import override_settings

from clientela.activities.models import Activity
from clientela.activities.services import activity_log
from clientela.api.schemas.batch import BatchOut
from clientela.commerce.models import CatalogItem, Order, OrderLine
from clientela.commerce.services import catalog_item_create
from clientela.parties.models import Party, Relationship
from tests.factories import make_party

AT = "2024-05-01T09:30:00Z"


def _event(external_id: str, **party) -> dict:
    return {"external_id": external_id, "kind": "website_visit", "occurred_at": AT, **party}


def _order(external_id: str, lines=None, **party) -> dict:
    lines = lines or [{"description": "Coffee", "unit_price": "3.50", "quantity": "2"}]
    return {"external_id": external_id, "currency": "EUR", "lines": lines, **party}


def _outcomes(response) -> list[tuple[str, str]]:
    return [(row["external_id"], row["status"]) for row in response.json()["items"]]


def test_each_event_is_created_unchanged_or_rejected_in_input_order(api, customer):
    client = api("manager")
    known = activity_log(actor=None, party=customer, kind="chat", external_id="web-1")

    response = client.post(
        "/events:batch",
        json={
            "items": [
                _event("web-2", party=customer.public_id),
                _event("web-1", party=customer.public_id),
                _event("web-3", party_email="nobody@example.test"),
                _event("web-4", party="pty_unknown"),
                _event("web-5", party_email="CARMEN@example.test"),
            ]
        },
    )

    body = response.json()
    created = Activity.objects.get(external_id="web-2")
    assert response.status_code == 200
    assert body["totals"] == {"created": 2, "unchanged": 1, "rejected": 2}
    assert body["items"][0] == {
        "index": 0,
        "external_id": "web-2",
        "status": "created",
        "id": created.public_id,
        "party": customer.public_id,
        "error": None,
    }
    assert body["items"][1]["status"] == "unchanged"
    assert body["items"][1]["id"] == known.public_id
    assert body["items"][2]["error"] == {
        "code": "not_found",
        "message": "items[2].party_email: no party with this email "
        "(send create_parties: true to create it)",
        "fields": {
            "items[2].party_email": [
                "no party with this email (send create_parties: true to create it)"
            ]
        },
        "rule": None,
    }
    assert body["items"][3]["error"]["fields"] == {
        "items[3].party": ["no party with id pty_unknown"]
    }
    assert _outcomes(response)[4] == ("web-5", "created")
    assert created.relationship_id == customer.relationships.get().pk
    assert (created.kind, created.channel, created.direction) == ("website_visit", "web", "inbound")
    assert sorted(Activity.objects.values_list("external_id", flat=True)) == [
        "web-1",
        "web-2",
        "web-5",
    ]
    # The body is written directly, not through the response schema: it must still be
    # exactly what the published schema describes, key for key.
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    assert BatchOut.model_validate(body).model_dump(mode="json") == body


def test_the_same_batch_twice_creates_nothing_the_second_time(api, customer):
    client = api("manager")
    batch = {"items": [_event(f"web-{n}", party=customer.public_id) for n in range(3)]}

    first = client.post("/events:batch", json=batch).json()
    second = client.post("/events:batch", json=batch).json()

    assert first["totals"] == {"created": 3, "unchanged": 0, "rejected": 0}
    assert second["totals"] == {"created": 0, "unchanged": 3, "rejected": 0}
    assert [row["id"] for row in second["items"]] == [row["id"] for row in first["items"]]
    assert Activity.objects.count() == 3


def test_an_external_id_of_another_partys_event_is_rejected(api, customer):
    other = make_party(given_name="Other")
    activity_log(actor=None, party=other, kind="chat", external_id="web-1")

    response = api("manager").post(
        "/events:batch", json={"items": [_event("web-1", party=customer.public_id)]}
    )

    assert response.json()["items"][0]["error"] == {
        "code": "conflict",
        "message": "items[0].external_id: is already used for another party",
        "fields": {"items[0].external_id": ["is already used for another party"]},
        "rule": None,
    }
    assert Activity.objects.get().party_id == other.pk


def test_an_orders_batch_keeps_payer_and_consumer_per_line_and_retries_are_harmless(api, customer):
    client = api("manager")
    spouse = make_party(given_name="Luis", family_name="García", external_id="crm-77")
    catalog_item_create(
        actor=None, sku="SPA", name="Spa day", offering="standardised", unit_price="80"
    )
    batch = {
        "items": [
            _order(
                "shop-1",
                party_email="carmen@example.test",
                lines=[
                    {"sku": "SPA", "consumer_external_id": "crm-77"},
                    {"description": "Gift wrap", "unit_price": "2.50"},
                ],
            ),
            _order("shop-2", party=spouse.public_id),
        ]
    }

    first = client.post("/orders:batch", json=batch)
    second = client.post("/orders:batch", json=batch)

    order = Order.objects.get(external_id="shop-1")
    lines = list(order.lines.order_by("id").values_list("description", "amount", "consumer_id"))
    assert first.json()["totals"] == {"created": 2, "unchanged": 0, "rejected": 0}
    assert second.json()["totals"] == {"created": 0, "unchanged": 2, "rejected": 0}
    assert second.json()["items"][0]["id"] == order.public_id == first.json()["items"][0]["id"]
    assert (order.payer_id, str(order.total), order.relationship_id) == (
        customer.pk,
        "82.50",
        customer.relationships.get().pk,
    )
    assert [(d, str(a), c) for d, a, c in lines] == [
        ("Spa day", "80.00", spouse.pk),
        ("Gift wrap", "2.50", customer.pk),
    ]
    assert (Order.objects.count(), OrderLine.objects.count()) == (2, 3)


def test_an_order_naming_an_unknown_catalogue_item_is_rejected_and_the_others_written(
    api, customer
):
    response = api("manager").post(
        "/orders:batch",
        json={
            "items": [
                _order("shop-1", party=customer.public_id, lines=[{"sku": "NOPE"}]),
                _order("shop-2", party=customer.public_id, lines=[{"item": "itm_gone"}]),
                _order("shop-3", party=customer.public_id),
            ]
        },
    )

    body = response.json()
    assert [row["status"] for row in body["items"]] == ["rejected", "rejected", "created"]
    assert body["items"][0]["error"]["fields"] == {
        "items[0].lines[0].sku": ["no catalogue item with SKU NOPE"]
    }
    assert body["items"][1]["error"]["fields"] == {
        "items[1].lines[0].item": ["no catalogue item itm_gone"]
    }
    assert list(Order.objects.values_list("external_id", flat=True)) == ["shop-3"]
    assert BatchOut.model_validate(body).model_dump(mode="json") == body


def test_a_malformed_batch_is_refused_whole_with_every_error(api, customer):
    response = api("manager").post(
        "/events:batch",
        json={
            "items": [
                _event("web-1", party=customer.public_id),
                {"external_id": "web-2", "kind": "website_visit", "party": customer.public_id},
                {**_event("web-3", party=customer.public_id), "occurred_at": "2024-05-01T09:30"},
                {**_event("web-4", party_email="not-an-email"), "kind": "telepathy"},
                _event("web-5"),
                _event("web-1", party=customer.public_id),
                {**_event("web-7", party=customer.public_id), "colour": "red"},
            ]
        },
    )

    body = response.json()
    assert (response.status_code, body["code"]) == (422, "validation_error")
    assert set(body["fields"]) == {
        "items[1].occurred_at",
        "items[2].occurred_at",
        "items[3].party_email",
        "items[3].kind",
        "items[4]",
        "items[5].external_id",
        "items[6].colour",
    }
    assert body["fields"]["items[1].occurred_at"] == ["Field required"]
    assert body["fields"]["items[2].occurred_at"] == ["Input should have timezone info"]
    assert body["fields"]["items[3].party_email"] == ["is not a valid email address"]
    assert body["fields"]["items[4]"] == [
        "name the party by party, party_email or party_external_id"
    ]
    assert body["fields"]["items[5].external_id"] == ["repeats the external_id of items[0]"]
    assert Activity.objects.count() == 0


def test_a_line_without_price_or_item_refuses_the_orders_batch(api, customer):
    response = api("manager").post(
        "/orders:batch",
        json={"items": [_order("shop-1", party=customer.public_id, lines=[{"description": "x"}])]},
    )

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"items[0].lines[0]": ["unit_price is required without an item or sku"]},
    )
    assert Order.objects.count() == 0


def test_a_body_that_is_not_a_batch_is_refused(api):
    client = api("manager")

    not_json = client.post(
        "/events:batch", content=b"{items: ", headers={"Content-Type": "application/json"}
    )
    a_list = client.post("/events:batch", json=[_event("web-1", party="pty_x")])
    empty = client.post("/orders:batch", json={"items": []})

    assert (not_json.status_code, not_json.json()["code"]) == (400, "malformed_json")
    assert (a_list.status_code, a_list.json()["code"]) == (422, "validation_error")
    assert (empty.status_code, list(empty.json()["fields"])) == (422, ["items"])


def test_more_than_ten_thousand_items_are_refused_naming_the_field(api, customer):
    items = [_event(f"web-{n}", party=customer.public_id) for n in range(10_001)]

    response = api("manager").post("/events:batch", json={"items": items})

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"items": ["List should have at most 10000 items after validation, not 10001"]},
    )
    assert Activity.objects.count() == 0


def test_ten_thousand_items_are_accepted_in_one_request(api, customer):
    items = [
        {**_event(f"web-{n}", party=customer.public_id), "properties": {"page": f"/p/{n}"}}
        for n in range(10_000)
    ]

    response = api("manager").post("/events:batch", json={"items": items})

    assert response.json()["totals"] == {"created": 10_000, "unchanged": 0, "rejected": 0}
    assert Activity.objects.count() == 10_000


def test_without_create_parties_unknown_parties_are_rejected_and_nothing_is_created(api):
    response = api("manager").post(
        "/orders:batch", json={"items": [_order("shop-1", party_external_id="shop-c-9")]}
    )

    assert response.json()["items"][0]["error"]["fields"] == {
        "items[0].party_external_id": [
            "no party with this external id (send create_parties: true to create it)"
        ]
    }
    assert (Party.objects.count(), Order.objects.count()) == (0, 0)


def test_with_create_parties_unknown_parties_are_created_once_as_customers(api, customer):
    response = api("manager").post(
        "/events:batch",
        json={
            "create_parties": True,
            "items": [
                _event(
                    "web-1",
                    party_email="Ola@Example.test",
                    party_external_id="shop-c-9",
                    party_given_name="Ola",
                    party_family_name="Nowak",
                ),
                _event("web-2", party_email="ola@example.test"),
                _event("web-3", party_external_id="shop-c-10"),
                _event("web-4", party_email="carmen@example.test"),
            ],
        },
    )

    body = response.json()
    ola = Party.objects.get(external_id="shop-c-9")
    anonymous = Party.objects.get(external_id="shop-c-10")
    assert body["totals"] == {"created": 4, "unchanged": 0, "rejected": 0}
    assert [row["party"] for row in body["items"]] == [
        ola.public_id,
        ola.public_id,
        anonymous.public_id,
        customer.public_id,
    ]
    assert (ola.display_name, list(ola.contact_points.values_list("normalized", flat=True))) == (
        "Ola Nowak",
        ["ola@example.test"],
    )
    assert anonymous.display_name == "shop-c-10"
    assert list(
        Relationship.objects.filter(party__in=[ola, anonymous]).values_list("kind", "is_current")
    ) == [("customer", True), ("customer", True)]
    assert Party.objects.count() == 3


def test_a_read_token_may_not_send_a_batch(api, customer):
    response = api("manager", "read").post(
        "/events:batch", json={"items": [_event("web-1", party=customer.public_id)]}
    )

    assert (response.status_code, response.json()["code"]) == (403, "insufficient_scope")
    assert Activity.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "events", "orders"),
    [
        ("admin", 200, 200),
        ("manager", 200, 200),
        ("account_manager", 200, 200),
        ("support_agent", 200, 403),
        ("marketer", 403, 403),
        ("viewer", 403, 403),
    ],
)
def test_roles_follow_the_per_item_rules(api, customer, role, events, orders):
    client = api(role)

    event = client.post("/events:batch", json={"items": [_event("w", party=customer.public_id)]})
    order = client.post("/orders:batch", json={"items": [_order("o", party=customer.public_id)]})

    assert (event.status_code, order.status_code) == (events, orders)
    if orders == 403:
        assert order.json()["code"] == "permission_denied"
        assert order.json()["message"] == "Your role may not do this (order.record)."
    assert (Activity.objects.count(), Order.objects.count()) == (
        int(events == 200),
        int(orders == 200),
    )


def test_a_support_agent_may_not_create_parties(api, customer):
    response = api("support_agent").post(
        "/events:batch",
        json={"create_parties": True, "items": [_event("w", party=customer.public_id)]},
    )

    assert (response.status_code, response.json()["message"]) == (
        403,
        "Your role may not do this (party.create).",
    )


def test_an_account_manager_has_another_managers_client_rejected_per_item(
    api, customer, client_of_manager, own_client
):
    response = api("account_manager").post(
        "/events:batch",
        json={
            "items": [
                _event("w-1", party=customer.public_id),
                _event("w-2", party=client_of_manager.public_id),
                _event("w-3", party=own_client.public_id),
            ]
        },
    )

    body = response.json()
    assert [row["status"] for row in body["items"]] == ["created", "rejected", "created"]
    assert body["items"][1]["error"]["code"] == "permission_denied"
    assert sorted(Activity.objects.values_list("external_id", flat=True)) == ["w-1", "w-3"]


@override_settings(API_RATE="2/minute")
def test_the_rate_limit_counts_a_batch_as_one_request(api, customer):
    client = api("manager")
    batch = {"items": [_event(f"w-{n}", party=customer.public_id) for n in range(50)]}

    statuses = [client.post("/events:batch", json=batch).status_code for _ in range(3)]

    assert statuses == [200, 200, 429]


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite's write lock serialises whole batches, and the live server shares one "
    "in-memory test database connection across threads: requests cannot overlap there",
)
def test_concurrent_identical_batches_create_each_item_once(base_url, users, customer):
    from clientela.api.services import token_create

    _token, secret = token_create(actor=None, user=users["manager"], name="t", scope="write")
    events = {
        "create_parties": True,
        "items": [_event(f"w-{n}", party_email=f"p{n % 40}@example.test") for n in range(400)],
    }
    orders = {
        "create_parties": True,
        "items": [_order(f"o-{n}", party_external_id=f"c-{n % 30}") for n in range(200)],
    }
    results: list[tuple[str, dict]] = []
    barrier = threading.Barrier(8)

    def post(path: str, batch: dict) -> None:
        with httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {secret}"}, timeout=60
        ) as client:
            barrier.wait()
            response = client.post(path, json=batch)
            results.append((path, response.json()))

    threads = [
        threading.Thread(target=post, args=(path, batch))
        for path, batch in [("/events:batch", events), ("/orders:batch", orders)] * 4
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for path, size in (("/events:batch", 400), ("/orders:batch", 200)):
        bodies = [body for p, body in results if p == path]
        assert len(bodies) == 4
        assert sum(body["totals"]["created"] for body in bodies) == size
        assert all(body["totals"]["rejected"] == 0 for body in bodies)
        ids = {tuple(row["id"] for row in body["items"]) for body in bodies}
        assert len(ids) == 1  # every response names the same rows
    assert Activity.objects.count() == 400
    assert (Order.objects.count(), OrderLine.objects.count()) == (200, 200)
    assert Party.objects.count() == 1 + 40 + 30
    assert CatalogItem.objects.count() == 0


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=2_000)
def test_a_body_over_the_size_limit_is_413_and_writes_nothing(api, customer):
    items = [_event(f"web-{n}", party=customer.public_id) for n in range(40)]

    response = api("manager").post("/events:batch", json={"items": items})

    assert (response.status_code, response.json()["code"]) == (413, "payload_too_large")
    assert Activity.objects.count() == 0


def test_text_the_database_cannot_store_refuses_the_batch(api, customer):
    items = [
        {**_event("web-1", party=customer.public_id), "subject": "a\x00b"},
        {**_event("web-2", party=customer.public_id), "properties": {"q": "\ud800"}},
    ]

    response = api("manager").post(
        "/events:batch",
        content=json.dumps({"items": items}).encode(),
        headers={"Content-Type": "application/json"},
    )

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {
            "items[0]": ["subject: must not contain the NUL character"],
            "items[1]": ["properties: is not valid Unicode text"],
        },
    )
    assert Activity.objects.count() == 0


def test_escaped_text_that_is_storable_is_accepted_exactly(api, customer):
    # A surrogate pair (an emoji written as two escapes) and a literal backslash before
    # "u0000" look like the unstorable escapes at first sight: the items are then checked
    # one by one, and pass.
    items = [
        {**_event("web-1", party=customer.public_id), "subject": "Caf\u00e9 \U0001f600"},
        {**_event("web-2", party=customer.public_id), "properties": {"q": "\\u0000"}},
    ]

    response = api("manager").post(
        "/events:batch",
        content=json.dumps({"items": items}).encode(),
        headers={"Content-Type": "application/json"},
    )

    assert response.json()["totals"] == {"created": 2, "unchanged": 0, "rejected": 0}
    assert Activity.objects.get(external_id="web-1").subject == "Caf\u00e9 \U0001f600"
    assert Activity.objects.get(external_id="web-2").properties == {"q": "\\u0000"}
