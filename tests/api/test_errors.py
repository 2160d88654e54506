"""One error shape for every failure, over real HTTP: malformed JSON, unknown fields and
values, unknown ids and paths, wrong methods, bad cursors and limits, unstorable text."""

from __future__ import annotations

from clientela.parties.models import Party


def test_malformed_json_is_400(api):
    response = api().post(
        "/parties", content=b'{"given_name": "Ana"', headers={"Content-Type": "application/json"}
    )

    assert (response.status_code, response.json()) == (
        400,
        {"code": "malformed_json", "message": "The request body is not valid JSON.", "fields": {}},
    )


def test_an_unknown_field_and_an_unknown_value_are_422_naming_each_field(api):
    response = api().post("/parties", json={"kind": "robot", "nickname": "R2"})

    assert response.status_code == 422
    assert response.json() == {
        "code": "validation_error",
        "message": "The input is invalid: kind: Input should be 'person' or 'organisation'; "
        "nickname: Extra inputs are not permitted",
        "fields": {
            "kind": ["Input should be 'person' or 'organisation'"],
            "nickname": ["Extra inputs are not permitted"],
        },
    }
    assert Party.objects.count() == 0


def test_a_nested_error_names_the_line_and_its_field(api, customer):
    response = api().post(
        "/orders",
        json={
            "payer": customer.public_id,
            "currency": "EUR",
            "lines": [
                {"description": "ok", "unit_price": "1.00"},
                {"description": "bad", "unit_price": "1.00", "quantity": "0"},
            ],
        },
    )

    assert response.status_code == 422
    assert response.json()["fields"] == {"lines[1].quantity": ["Input should be greater than 0"]}


def test_a_business_rule_error_from_a_service_keeps_its_field(api):
    # a person needs a name: the service says so, naming the field
    response = api().post("/parties", json={"kind": "person"})

    assert (response.status_code, response.json()) == (
        422,
        {
            "code": "validation_error",
            "message": "given_name: a person needs a given or family name",
            "fields": {"given_name": ["a person needs a given or family name"]},
        },
    )


def test_an_unknown_id_in_the_path_is_404(api):
    response = api().get("/parties/pty_doesnotexist")

    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "message": "No such party.", "fields": {}},
    )


def test_an_unknown_id_in_the_body_is_422_naming_the_field(api):
    response = api().post(
        "/orders",
        json={
            "payer": "pty_doesnotexist",
            "currency": "EUR",
            "lines": [{"description": "x", "unit_price": "1.00"}],
        },
    )

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"payer": ["No such party."]},
    )


def test_an_unknown_path_is_404_in_the_same_shape(api):
    response = api().get("/no-such-thing/at/all")

    assert (response.status_code, response.json()) == (
        404,
        {"code": "not_found", "message": "There is no such API endpoint.", "fields": {}},
    )


def test_a_wrong_method_is_405_with_allow(api):
    response = api().delete("/parties")

    assert response.status_code == 405
    assert response.json() == {
        "code": "method_not_allowed",
        "message": "This endpoint does not accept DELETE.",
        "fields": {},
    }
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "POST"}


def test_a_cursor_from_another_list_or_made_up_is_422(api, customer):
    client = api()
    # given a real cursor of the orders list
    for n in range(2):
        client.post(
            "/orders",
            json={
                "payer": customer.public_id,
                "currency": "EUR",
                "lines": [{"description": f"item {n}", "unit_price": "1.00"}],
            },
        )
    orders_cursor = client.get("/orders", params={"limit": 1}).json()["next"]
    assert orders_cursor

    answers = [
        client.get("/relationships", params={"cursor": orders_cursor}),
        client.get("/parties", params={"cursor": orders_cursor}),
        client.get("/orders", params={"cursor": orders_cursor, "order_by": "total"}),
        client.get("/orders", params={"cursor": "not a cursor"}),
    ]

    assert [(r.status_code, r.json()["fields"]) for r in answers] == [
        (422, {"cursor": ["is not a cursor this list produced"]}),
        (422, {"cursor": ["is not a cursor this directory produced"]}),
        (422, {"cursor": ["is not a cursor this list produced"]}),
        (422, {"cursor": ["is not a cursor this list produced"]}),
    ]


def test_limit_is_between_1_and_200(api):
    client = api()

    answers = [client.get("/parties", params={"limit": n}) for n in (0, 201, 200)]

    assert [r.status_code for r in answers] == [422, 422, 200]
    assert answers[1].json()["fields"] == {"limit": ["Input should be less than or equal to 200"]}


def test_text_the_database_cannot_store_is_422_naming_the_field(api):
    response = api().post("/parties", json={"given_name": "A\u0000B"})

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"given_name": ["must not contain the NUL character"]},
    )
    assert Party.objects.count() == 0


def test_a_body_that_is_not_an_object_is_422(api):
    response = api().post("/parties", json=["not", "an", "object"])

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"body": ["Input should be a valid dictionary or object to extract fields from"]},
    )
