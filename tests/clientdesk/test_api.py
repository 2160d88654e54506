"""The desk API over real HTTP: backups, reassignment, health, workload, morning list,
settings."""

from __future__ import annotations

import pytest

from clientela.clientdesk.settings import desk_settings_get
from clientela.parties.models import Party, Relationship
from tests.factories import UserFactory, make_party

pytestmark = pytest.mark.django_db(transaction=True)


def _client(users, name="Ana", owner="account_manager", stage="consideration"):
    party = make_party(given_name=name, relationship_kind="client", owner=users[owner], stage=stage)
    return Relationship.objects.get(party=party)


def test_backups_over_http(api, users):
    rel = _client(users)
    path = f"/desk/relationships/{rel.public_id}/backups"
    assert api("viewer", "write").post(path, json={"user": "manager"}).status_code == 403
    response = api("account_manager").post(path, json={"user": "manager"})
    assert response.status_code == 201
    body = response.json()
    assert body["user"] == "manager"
    assert body["id"].startswith("bku_")
    listed = api("viewer", "read").get(path)
    assert listed.status_code == 200
    assert [b["user"] for b in listed.json()] == ["manager"]
    again = api("manager").post(path, json={"user": "manager"})
    assert again.status_code == 409
    owner = api("manager").post(path, json={"user": "account_manager"})
    assert owner.status_code == 422
    assert list(owner.json()["fields"]) == ["user"]
    unknown = api("manager").post(path, json={"user": "nobody"})
    assert unknown.status_code == 422
    assert api("manager").delete(path, params={"user": "manager"}).status_code == 204
    assert api("manager").get(path).json() == []
    assert api("manager").get("/desk/relationships/rel_missing/backups").status_code == 404


def test_reassign_over_http_is_all_or_nothing(api, users):
    one, two = _client(users, "One"), _client(users, "Two")
    ended = _client(users, "Old")
    Relationship.objects.filter(pk=ended.pk).update(is_current=False)
    body = {"to_owner": "manager", "relationships": [one.public_id, ended.public_id]}
    response = api("manager").post("/desk/reassign", json=body)
    assert response.status_code == 409
    assert set(Relationship.objects.values_list("owner__username", flat=True)) == {
        "account_manager"
    }
    denied = api("account_manager").post(
        "/desk/reassign", json={"to_owner": "manager", "relationships": [one.public_id]}
    )
    assert denied.status_code == 403
    response = api("manager").post(
        "/desk/reassign", json={"to_owner": "manager", "from_owner": "account_manager"}
    )
    assert response.status_code == 200
    assert response.json() == {"moved": [one.public_id, two.public_id]}
    assert list(
        Party.objects.filter(pk__in=[one.party_id, two.party_id]).values_list(
            "current_owner__username", flat=True
        )
    ) == ["manager", "manager"]


def test_health_workload_and_morning_over_http(api, users):
    rel = _client(users)
    health = api("viewer", "read").get("/desk/health", params={"relationship": rel.public_id})
    assert health.status_code == 200
    assert health.json() == {
        "relationship": rel.public_id,
        "party": rel.party.public_id,
        "score": 100,
        "band": "good",
        "reasons": [
            "0 open issues: 0 late onboarding tasks, 0 negative reviews without a follow-up"
        ],
        "components": {"issues": 1.0},
    }
    assert api("viewer").get("/desk/health", params={"relationship": "rel_x"}).status_code == 404
    lines = api("account_manager", "read").get("/desk/workload").json()
    assert [(line["username"], line["clients"]) for line in lines] == [("account_manager", 1)]
    everyone = api("manager", "read").get("/desk/workload").json()
    assert {line["username"]: line["clients"] for line in everyone} == {"account_manager": 1}
    morning = api("account_manager", "read").get("/desk/morning")
    assert morning.status_code == 200
    assert morning.json()["owner"] == "account_manager"
    assert morning.json()["counts"] == {
        "checkins": 0,
        "renewals": 0,
        "falling": 0,
        "negative": 0,
        "late_tasks": 0,
        "at_risk": 0,
    }
    assert api("manager").get("/desk/morning", params={"owner": "ghost"}).status_code == 422


def test_settings_over_http(api, users):
    got = api("viewer", "read").get("/desk/settings")
    assert got.status_code == 200
    assert got.json()["checkin_every_days"] == 30
    assert got.headers["ETag"]
    assert api("manager").patch("/desk/settings", json={"checkin_every_days": 7}).status_code == 403
    bad = api("admin").patch("/desk/settings", json={"checkin_channel": "fax"})
    assert bad.status_code == 422
    changed = api("admin").patch("/desk/settings", json={"checkin_every_days": 7})
    assert changed.status_code == 200
    assert changed.json()["checkin_every_days"] == 7
    assert desk_settings_get()["checkin_every_days"] == 7


def test_backup_of_another_colleague_then_reassign_drops_the_backup(api, users):
    rel = _client(users)
    colleague = UserFactory(username="colleague", role="account_manager")
    path = f"/desk/relationships/{rel.public_id}/backups"
    assert api("manager").post(path, json={"user": colleague.username}).status_code == 201
    response = api("manager").post(
        "/desk/reassign", json={"to_owner": "colleague", "relationships": [rel.public_id]}
    )
    assert response.status_code == 200
    assert api("manager").get(path).json() == []
