"""/parties over real HTTP: create, read, the directory's filters and pages, and each
change (names, tags, consent, contact points, memberships)."""

from __future__ import annotations

from datetime import UTC, datetime

from clientela.core.models import AuditEvent
from clientela.parties.models import Party
from tests.factories import make_party


def _walk(client, path: str, **params) -> list[list[str]]:
    """Every page of a list, following `next`, as lists of ids."""
    pages, cursor = [], None
    while True:
        query = {**params, **({"cursor": cursor} if cursor else {})}
        body = client.get(path, params=query).json()
        pages.append([item["id"] for item in body["items"]])
        cursor = body["next"]
        if cursor is None:
            return pages


def test_create_a_person_with_contacts_tags_and_a_relationship(api, users):
    # when an account manager creates a customer they own
    response = api("account_manager").post(
        "/parties",
        json={
            "given_name": "Ana",
            "family_name": "Popescu",
            "emails": ["Ana@Example.test"],
            "phones": ["+40 721 000 111"],
            "tags": ["VIP", "newsletter"],
            "relationship_kind": "customer",
            "acquisition_channel": "search_ad",
            "owner": "account_manager",
            "stage": "consideration",
        },
    )

    # then it is created through the service, with everything, and located
    assert response.status_code == 201
    body = response.json()
    party = Party.objects.get(public_id=body["id"])
    assert response.headers["Location"] == f"/api/v1/parties/{party.public_id}"
    assert response.headers["ETag"].startswith('"')
    assert body["display_name"] == "Ana Popescu"
    assert body["tags"] == ["newsletter", "vip"]
    assert body["contact_points"] == [
        {"kind": "email", "value": "Ana@Example.test", "label": "", "is_primary": True},
        {"kind": "phone", "value": "+40 721 000 111", "label": "", "is_primary": True},
    ]
    current = body["current_relationship"]
    assert (current["kind"], current["stage"], current["status"], current["owner"]) == (
        "customer",
        "consideration",
        "active",
        "account_manager",
    )
    assert AuditEvent.objects.filter(action="party.created", target_id=party.public_id).count() == 1


def test_an_organisation_and_a_membership(api):
    client = api("manager")
    org = client.post("/parties", json={"kind": "organisation", "organisation_name": "Acme"})
    person = client.post("/parties", json={"given_name": "Jan", "family_name": "Kowalski"})

    response = client.post(
        f"/parties/{person.json()['id']}/memberships",
        json={"organisation": org.json()["id"], "role": "decision_maker", "title": "CEO"},
    )

    membership = {
        "person": person.json()["id"],
        "person_name": "Jan Kowalski",
        "organisation": org.json()["id"],
        "organisation_name": "Acme",
        "role": "decision_maker",
        "title": "CEO",
    }
    assert (response.status_code, response.json()) == (201, membership)
    assert client.get(f"/parties/{org.json()['id']}").json()["memberships"] == [membership]
    assert client.get(f"/parties/{person.json()['id']}").json()["memberships"] == [membership]


def test_a_membership_in_a_person_is_refused_naming_the_field(api):
    client = api("manager")
    a = client.post("/parties", json={"given_name": "A"}).json()["id"]
    b = client.post("/parties", json={"given_name": "B"}).json()["id"]

    response = client.post(f"/parties/{a}/memberships", json={"organisation": b, "role": "user"})

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"organisation": ["must be an organisation"]},
    )


def test_get_one_party_with_its_etag(api, customer):
    client = api("viewer", "read")

    first = client.get(f"/parties/{customer.public_id}")
    second = client.get(f"/parties/{customer.public_id}")

    assert first.status_code == 200
    assert first.json()["id"] == customer.public_id
    assert first.json()["display_name"] == "Carmen García"
    assert first.headers["ETag"] == second.headers["ETag"]


def test_the_directory_filters(api, users, customer, client_of_manager, own_client):
    client = api("viewer", "read")
    make_party(given_name="Zoe", family_name="Prospect", tags=["vip"])

    def ids(**params):
        return [p["display_name"] for p in client.get("/parties", params=params).json()["items"]]

    assert ids() == ["Carmen García", "Marek Nowak", "Olga Kowalska", "Zoe Prospect"]
    assert ids(kind="client") == ["Marek Nowak", "Olga Kowalska"]
    assert ids(kind="customer") == ["Carmen García"]
    assert ids(kind="none") == ["Zoe Prospect"]
    assert ids(owner="manager") == ["Marek Nowak"]
    assert ids(tag="VIP") == ["Zoe Prospect"]
    assert ids(q="garc") == ["Carmen García"]
    assert ids(q="marek@ex") == ["Marek Nowak"]
    assert ids(stage="consideration", kind="client") == ["Marek Nowak", "Olga Kowalska"]


def test_an_unknown_owner_in_a_filter_is_422(api):
    response = api("viewer", "read").get("/parties", params={"owner": "nobody"})

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"owner": ["No user named nobody."]},
    )


def test_pagination_walks_every_party_once_in_each_order(api, users):
    # given seven parties created at known, distinct times
    names = ["Gina", "Bea", "Fay", "Ada", "Eve", "Cy", "Dan"]
    parties = [
        make_party(given_name=name, family_name="X", at=datetime(2024, 1, day + 1, tzinfo=UTC))
        for day, name in enumerate(names)
    ]
    by_creation = [p.public_id for p in parties]
    by_name = [p.public_id for p in sorted(parties, key=lambda p: p.given_name)]
    client = api("viewer", "read")

    # then pages of 3 cover each order exactly, whatever the ordering
    assert _walk(client, "/parties", limit=3) == [by_name[:3], by_name[3:6], by_name[6:]]
    assert _walk(client, "/parties", limit=3, order_by="created_at") == [
        by_creation[:3],
        by_creation[3:6],
        by_creation[6:],
    ]
    newest = by_creation[::-1]
    assert _walk(client, "/parties", limit=3, order_by="-created_at") == [
        newest[:3],
        newest[3:6],
        newest[6:],
    ]


def test_patch_changes_only_the_fields_sent(api, customer):
    response = api("manager").patch(
        f"/parties/{customer.public_id}", json={"family_name": "Lopez", "notes": "Prefers email"}
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["display_name"], body["notes"], body["given_name"]) == (
        "Carmen Lopez",
        "Prefers email",
        "Carmen",
    )
    customer.refresh_from_db()
    assert (customer.family_name, customer.notes) == ("Lopez", "Prefers email")


def test_patch_with_an_explicit_null_name_is_422(api, customer):
    response = api("manager").patch(f"/parties/{customer.public_id}", json={"given_name": None})

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"given_name": ["must be text"]},
    )


def test_tags_are_replaced_and_the_etag_changes(api, customer):
    client = api("marketer")
    before = client.get(f"/parties/{customer.public_id}").headers["ETag"]

    response = client.put(f"/parties/{customer.public_id}/tags", json={"tags": ["Gold", "gold"]})

    assert (response.status_code, response.json()["tags"]) == (200, ["gold"])
    assert response.headers["ETag"] != before
    assert [t.name for t in customer.tags.all()] == ["gold"]


def test_consent_is_recorded_with_its_source(api, customer):
    at = "2024-05-01T10:00:00+00:00"

    response = api("marketer").put(
        f"/parties/{customer.public_id}/consent",
        json={"consent": True, "source": "newsletter form", "at": at},
    )

    body = response.json()
    assert response.status_code == 200
    assert (body["marketing_consent"], body["consent_source"]) == (True, "newsletter form")
    customer.refresh_from_db()
    assert customer.consent_at == datetime(2024, 5, 1, 10, tzinfo=UTC)


def test_consent_with_a_time_without_zone_is_422(api, customer):
    response = api("marketer").put(
        f"/parties/{customer.public_id}/consent",
        json={"consent": True, "source": "form", "at": "2024-05-01T10:00:00"},
    )

    assert (response.status_code, response.json()["fields"]) == (
        422,
        {"at": ["Input should have timezone info"]},
    )


def test_a_contact_point_is_added_and_a_duplicate_is_409(api, customer):
    client = api("manager")
    path = f"/parties/{customer.public_id}/contact-points"

    added = client.post(path, json={"kind": "phone", "value": "+48 600 100 200", "label": "work"})
    again = client.post(path, json={"kind": "phone", "value": "+48600100200"})

    assert (added.status_code, added.json()) == (
        201,
        {"kind": "phone", "value": "+48 600 100 200", "label": "work", "is_primary": True},
    )
    assert (again.status_code, again.json()["code"], again.json()["fields"]) == (
        409,
        "conflict",
        {"phone": ["already recorded"]},
    )


def test_one_party_reads_exactly_as_the_directory_lists_it(api, users):
    # The party read has its own lean query path; the directory builds the same
    # representation from model instances. Both must agree, key for key.
    client = api("manager")
    person = client.post(
        "/parties",
        json={
            "given_name": "Ana",
            "family_name": "Popescu",
            "emails": ["ana@example.test", "ana.p@example.test"],
            "phones": ["+40 721 000 111"],
            "tags": ["vip", "newsletter"],
            "relationship_kind": "customer",
            "owner": "account_manager",
        },
    ).json()["id"]
    for name, role in (("Beta", "payer"), ("Acme", "decision_maker")):
        org = client.post("/parties", json={"kind": "organisation", "organisation_name": name})
        client.post(
            f"/parties/{person}/memberships",
            json={"organisation": org.json()["id"], "role": role, "title": "CFO"},
        )
    acme = client.get("/parties", params={"q": "Acme"}).json()["items"][0]["id"]

    for public_id, name in ((person, "Ana"), (acme, "Acme")):
        one = client.get(f"/parties/{public_id}")
        listed = client.get("/parties", params={"q": name}).json()["items"]
        assert [p["id"] for p in listed] == [public_id]
        assert one.json() == listed[0]
    body = client.get(f"/parties/{person}").json()
    assert {(m["organisation_name"], m["role"], m["title"]) for m in body["memberships"]} == {
        ("Acme", "decision_maker", "CFO"),
        ("Beta", "payer", "CFO"),
    }
    assert body["current_relationship"]["owner"] == "account_manager"
    assert len(body["contact_points"]) == 3
