"""/relationships over real HTTP: open, assign, convert both ways, end, journey moves with
guard refusals naming their rule, and the history."""

from __future__ import annotations

from clientela.journeys.models import JourneyTransition
from clientela.parties.models import Relationship
from tests.factories import make_party


def test_open_a_relationship_for_a_prospect(api, users):
    prospect = make_party(given_name="Ines")

    response = api("account_manager").post(
        "/relationships",
        json={
            "party": prospect.public_id,
            "kind": "client",
            "acquisition_channel": "referral",
            "owner": "account_manager",
        },
    )

    body = response.json()
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/relationships/{body['id']}"
    assert (body["party"], body["kind"], body["stage"], body["owner"], body["is_current"]) == (
        prospect.public_id,
        "client",
        "awareness",
        "account_manager",
        True,
    )


def test_opening_a_second_current_relationship_is_409(api, customer):
    response = api("manager").post(
        "/relationships", json={"party": customer.public_id, "kind": "client"}
    )

    assert (response.status_code, response.json()["code"]) == (409, "conflict")
    assert Relationship.objects.filter(party=customer).count() == 1


def test_a_move_the_guards_refuse_is_409_naming_the_rule(api, customer):
    relationship = customer.relationships.get()

    # skipping a stage (consideration -> retention)
    response = api("manager").post(
        f"/relationships/{relationship.public_id}/move", json={"to_stage": "retention"}
    )

    assert response.status_code == 409
    assert response.json() == {
        "code": "transition_refused",
        "message": "Stages cannot be skipped: move to “Purchase” first.",
        "fields": {},
        "rule": "journey.one_step_forward",
        "from_stage": "consideration",
        "to_stage": "retention",
    }
    relationship.refresh_from_db()
    assert relationship.stage == "consideration"


def test_a_client_without_owner_cannot_enter_onboarding(api, users):
    party = make_party(given_name="Lea", relationship_kind="client", stage="purchase")
    relationship = party.relationships.get()

    response = api("manager").post(
        f"/relationships/{relationship.public_id}/move", json={"to_stage": "onboarding"}
    )

    assert (response.status_code, response.json()["rule"]) == (409, "client.owner_required")


def test_a_move_the_guards_allow_changes_the_stage_and_is_recorded(api, customer):
    relationship = customer.relationships.get()
    client = api("manager")

    response = client.post(
        f"/relationships/{relationship.public_id}/move",
        json={"to_stage": "purchase", "reason": "bought"},
    )
    history = client.get(f"/relationships/{relationship.public_id}/transitions").json()

    assert (response.status_code, response.json()["stage"]) == (200, "purchase")
    assert [
        (t["from_stage"], t["to_stage"], t["actor"], t["reason"]) for t in history["items"]
    ] == [
        ("", "consideration", None, ""),
        ("consideration", "purchase", "manager", "bought"),
    ]
    assert history["next"] is None


def test_the_transition_history_pages(api, customer):
    relationship = customer.relationships.get()
    client = api("manager")
    for stage in ("purchase", "retention"):
        client.post(f"/relationships/{relationship.public_id}/move", json={"to_stage": stage})

    first = client.get(f"/relationships/{relationship.public_id}/transitions", params={"limit": 2})
    second = client.get(
        f"/relationships/{relationship.public_id}/transitions",
        params={"limit": 2, "cursor": first.json()["next"]},
    )

    assert [t["to_stage"] for t in first.json()["items"]] == ["consideration", "purchase"]
    assert [t["to_stage"] for t in second.json()["items"]] == ["retention"]
    assert second.json()["next"] is None
    assert JourneyTransition.objects.filter(relationship=relationship).count() == 3


def test_convert_a_customer_into_a_client_and_back(api, users, customer):
    client = api("manager")
    old = customer.relationships.get()

    # customer -> client
    response = client.post(
        f"/relationships/{old.public_id}/convert",
        json={"reason": "wants a dedicated advisor", "owner": "account_manager"},
    )
    new = response.json()
    assert response.status_code == 201
    assert (new["kind"], new["stage"], new["owner"], new["converted_from"]) == (
        "client",
        "consideration",
        "account_manager",
        old.public_id,
    )
    closed = client.get(f"/relationships/{old.public_id}").json()
    assert (closed["status"], closed["is_current"], closed["end_reason"]) == (
        "converted",
        False,
        "wants a dedicated advisor",
    )
    party = client.get(f"/parties/{customer.public_id}").json()
    assert party["current_relationship"]["id"] == new["id"]

    # and client -> customer
    back = client.post(f"/relationships/{new['id']}/convert", json={"reason": "downsized"})
    assert (back.status_code, back.json()["kind"], back.json()["converted_from"]) == (
        201,
        "customer",
        new["id"],
    )

    # converting the closed one again is a conflict
    again = client.post(f"/relationships/{old.public_id}/convert", json={"reason": "again"})
    assert (again.status_code, again.json()["code"]) == (409, "conflict")


def test_a_conversion_without_reason_is_422(api, customer):
    old = customer.relationships.get()

    response = api("manager").post(f"/relationships/{old.public_id}/convert", json={})

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"reason": ["Field required"]},
    )


def test_end_a_relationship(api, customer):
    relationship = customer.relationships.get()

    response = api("manager").post(
        f"/relationships/{relationship.public_id}/end", json={"reason": "moved abroad"}
    )

    assert (response.status_code, response.json()["status"], response.json()["end_reason"]) == (
        200,
        "ended",
        "moved abroad",
    )


def test_assign_and_remove_the_owner(api, users, customer):
    relationship = customer.relationships.get()
    client = api("manager")

    assigned = client.patch(
        f"/relationships/{relationship.public_id}", json={"owner": "account_manager"}
    )
    removed = client.patch(f"/relationships/{relationship.public_id}", json={"owner": None})
    refused = client.patch(f"/relationships/{relationship.public_id}", json={"owner": "viewer"})

    assert (assigned.status_code, assigned.json()["owner"]) == (200, "account_manager")
    assert (removed.status_code, removed.json()["owner"]) == (200, None)
    assert (refused.status_code, refused.json()["fields"]) == (
        422,
        {"owner": [f"{users['viewer']} cannot own relationships (role viewer)"]},
    )


def test_list_relationships_with_filters(api, users, customer, client_of_manager):
    client = api("viewer", "read")
    client_rel = client_of_manager.relationships.get()
    api("manager").post(
        f"/relationships/{customer.relationships.get().public_id}/convert",
        json={"reason": "upgrade"},
    )

    def ids(**params):
        return [r["id"] for r in client.get("/relationships", params=params).json()["items"]]

    all_ids = ids(order_by="started_at")
    assert len(all_ids) == 3
    assert ids(owner="manager") == [client_rel.public_id]
    assert len(ids(party=customer.public_id)) == 2
    assert len(ids(current="false")) == 1
    assert len(ids(kind="client", current="true")) == 2
    assert ids(status="converted") == [
        r.public_id for r in customer.relationships.filter(status="converted")
    ]


def test_the_journeys_and_their_rules(api):
    body = api("viewer", "read").get("/journeys").json()

    assert [(j["kind"], [s["stage"] for s in j["stages"]]) for j in body["journeys"]] == [
        (
            "client",
            ["awareness", "consideration", "purchase", "onboarding", "relationship_management"],
        ),
        ("customer", ["awareness", "consideration", "purchase", "retention"]),
    ]
    assert {
        "journey.stage_exists",
        "journey.current_relationship",
        "journey.one_step_forward",
        "client.owner_required",
    } <= {r["rule"] for r in body["rules"]}
