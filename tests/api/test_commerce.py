"""/catalogue/items and /orders over real HTTP: lines with payer and consumer, idempotent
re-recording, status changes, filters and pages."""

from __future__ import annotations

from clientela.commerce.models import Order, OrderLine
from tests.factories import make_party


def _order(client, payer, external_id=None, **extra):
    body = {
        "payer": payer,
        "currency": "EUR",
        "lines": [{"description": "Coffee", "unit_price": "3.50", "quantity": "2"}],
        **extra,
    }
    if external_id:
        body["external_id"] = external_id
    return client.post("/orders", json=body)


def test_catalogue_items_are_created_read_and_listed(api):
    client = api("manager")

    created = client.post(
        "/catalogue/items",
        json={
            "sku": "SPA-1",
            "name": "Spa day",
            "offering": "standardised",
            "unit_price": "120.5",
            "category": "wellness",
        },
    )
    duplicate = client.post(
        "/catalogue/items",
        json={"sku": "SPA-1", "name": "Other", "offering": "standardised", "unit_price": "1"},
    )
    listed = client.get("/catalogue/items", params={"offering": "standardised"}).json()

    item = created.json()
    assert created.status_code == 201
    assert (item["sku"], item["unit_price"], item["currency"], item["active"]) == (
        "SPA-1",
        "120.50",
        "EUR",
        True,
    )
    assert client.get(f"/catalogue/items/{item['id']}").json() == item
    # (the service finds the duplicate while validating: a 422 naming the field)
    assert (duplicate.status_code, duplicate.json()["fields"]) == (
        422,
        {"sku": ["Catalog item with this Sku already exists."]},
    )
    assert [i["id"] for i in listed["items"]] == [item["id"]]


def test_an_order_keeps_payer_and_consumer_apart_per_line(api, users, customer):
    client = api("manager")
    spouse = make_party(given_name="Luis", family_name="García")
    item = client.post(
        "/catalogue/items",
        json={"sku": "SPA", "name": "Spa day", "offering": "standardised", "unit_price": "80"},
    ).json()

    response = client.post(
        "/orders",
        json={
            "payer": customer.public_id,
            "currency": "eur",
            "channel": "online",
            "placed_at": "2024-06-01T12:00:00Z",
            "lines": [
                {"item": item["id"], "consumer": spouse.public_id},
                {"description": "Gift wrap", "unit_price": "2.50"},
            ],
        },
    )

    order = response.json()
    assert response.status_code == 201
    assert response.headers["Clientela-Outcome"] == "created"
    assert (order["total"], order["currency"], order["channel"], order["status"]) == (
        "82.50",
        "EUR",
        "online",
        "paid",
    )
    assert [
        (line["description"], line["amount"], line["payer"], line["consumer"], line["item"])
        for line in order["lines"]
    ] == [
        ("Spa day", "80.00", customer.public_id, spouse.public_id, item["id"]),
        ("Gift wrap", "2.50", customer.public_id, customer.public_id, None),
    ]
    # the spouse finds it among the orders they consumed from
    consumed = client.get("/orders", params={"party": spouse.public_id}).json()["items"]
    assert [o["id"] for o in consumed] == [order["id"]]


def test_recording_the_same_external_id_again_changes_nothing(api, customer):
    client = api("manager")

    first = _order(client, customer.public_id, "shop-1001")
    second = _order(client, customer.public_id, "shop-1001")

    assert (first.status_code, second.status_code) == (201, 200)
    assert second.headers["Clientela-Outcome"] == "unchanged"
    assert second.json() == first.json()
    assert Order.objects.count() == 1
    assert OrderLine.objects.count() == 1


def test_an_external_id_of_another_payers_order_is_409(api, customer, client_of_manager):
    client = api("manager")
    _order(client, customer.public_id, "shop-1")

    response = _order(client, client_of_manager.public_id, "shop-1")

    assert (response.status_code, response.json()["fields"]) == (
        409,
        {"external_id": ["already used by another payer's order"]},
    )


def test_refund_an_order_then_refunded_is_final(api, customer):
    client = api("manager")
    order = _order(client, customer.public_id).json()

    refunded = client.patch(f"/orders/{order['id']}", json={"status": "refunded"})
    again = client.patch(f"/orders/{order['id']}", json={"status": "paid"})

    assert (refunded.status_code, refunded.json()["status"]) == (200, "refunded")
    assert (again.status_code, again.json()["code"], again.json()["fields"]) == (
        409,
        "conflict",
        {"status": ["final"]},
    )


def test_orders_filter_by_status_time_and_page_in_every_order(api, customer):
    client = api("manager")
    ids = []
    for day in range(1, 6):
        ids.append(
            _order(
                client,
                customer.public_id,
                placed_at=f"2024-03-0{day}T10:00:00Z",
                lines=[{"description": "x", "unit_price": f"{day}.00"}],
            ).json()["id"]
        )
    client.patch(f"/orders/{ids[0]}", json={"status": "cancelled"})

    def walk(**params):
        found, cursor = [], None
        while True:
            body = client.get(
                "/orders", params={**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
            ).json()
            found.append([o["id"] for o in body["items"]])
            cursor = body["next"]
            if not cursor:
                return found

    assert walk() == [[ids[4], ids[3]], [ids[2], ids[1]], [ids[0]]]
    assert walk(order_by="total") == [[ids[0], ids[1]], [ids[2], ids[3]], [ids[4]]]
    assert walk(status="cancelled") == [[ids[0]]]
    assert walk(placed_after="2024-03-02T10:00:00Z", placed_before="2024-03-04T10:00:00Z") == [
        [ids[2], ids[1]]
    ]


def test_an_unknown_catalogue_item_in_a_line_is_422(api, customer):
    response = api("manager").post(
        "/orders",
        json={
            "payer": customer.public_id,
            "currency": "EUR",
            "lines": [{"item": "itm_nothing", "unit_price": "1"}],
        },
    )

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"lines[0].item": ["no catalogue item itm_nothing"]},
    )


def test_a_line_without_item_needs_a_unit_price(api, customer):
    response = api("manager").post(
        "/orders",
        json={"payer": customer.public_id, "currency": "EUR", "lines": [{"description": "x"}]},
    )

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"lines[0].unit_price": ["is required without an item"]},
    )
    assert Order.objects.count() == 0
