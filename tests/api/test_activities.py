"""Activities and touchpoints over real HTTP: log one, read the timeline with filters."""

from __future__ import annotations

from datetime import UTC, datetime

from clientela.activities.models import Activity


def test_log_an_activity_on_the_current_relationship(api, users, customer):
    response = api("support_agent").post(
        f"/parties/{customer.public_id}/activities",
        json={
            "kind": "service_call",
            "direction": "inbound",
            "subject": "Card blocked",
            "occurred_at": "2024-05-01T09:30:00+02:00",
            "properties": {"ticket": 42},
        },
    )

    body = response.json()
    activity = Activity.objects.get(public_id=body["id"])
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/activities/{activity.public_id}"
    assert (body["kind"], body["channel"], body["direction"], body["staff"]) == (
        "service_call",
        "phone",
        "inbound",
        "support_agent",
    )
    assert body["relationship"] == customer.relationships.get().public_id
    assert body["properties"] == {"ticket": 42}
    assert activity.occurred_at == datetime(2024, 5, 1, 7, 30, tzinfo=UTC)
    assert api("viewer", "read").get(f"/activities/{activity.public_id}").json() == body


def test_an_external_id_already_recorded_is_409(api, customer):
    client = api("manager")
    path = f"/parties/{customer.public_id}/activities"

    first = client.post(path, json={"kind": "website_visit", "external_id": "ev-1"})
    second = client.post(path, json={"kind": "website_visit", "external_id": "ev-1"})

    assert (first.status_code, second.status_code, second.json()["code"]) == (201, 409, "conflict")
    assert Activity.objects.count() == 1


def test_the_timeline_filters_by_kind_and_time_and_pages(api, customer):
    client = api("manager")
    path = f"/parties/{customer.public_id}/activities"
    made = [
        client.post(path, json={"kind": kind, "occurred_at": f"2024-01-0{day}T08:00:00Z"}).json()
        for day, kind in [(1, "call"), (2, "email"), (3, "call"), (4, "note")]
    ]

    def ids(**params):
        pages, cursor = [], None
        while True:
            query = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
            body = client.get(path, params=query).json()
            pages.append([a["id"] for a in body["items"]])
            cursor = body["next"]
            if not cursor:
                return pages

    assert ids() == [[made[3]["id"], made[2]["id"]], [made[1]["id"], made[0]["id"]]]
    assert ids(kind="call") == [[made[2]["id"], made[0]["id"]]]
    assert ids(
        since="2024-01-02T08:00:00Z", until="2024-01-04T08:00:00Z", order_by="occurred_at"
    ) == [[made[1]["id"], made[2]["id"]]]


def test_an_unknown_activity_kind_is_422(api, customer):
    response = api("manager").post(
        f"/parties/{customer.public_id}/activities", json={"kind": "telepathy"}
    )

    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["kind"]
    assert response.json()["fields"]["kind"][0].startswith("Input should be 'call', 'email'")
