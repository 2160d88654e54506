"""The check-in endpoints over real HTTP."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from clientela.checkins.models import CheckinCadence
from tests.checkins.helpers import client_with_cadence
from tests.factories import make_party


def _today():
    return timezone.localdate()


def test_put_creates_then_replaces_a_cadence_and_get_reads_its_clock(api, users):
    am = users["account_manager"]
    rel = make_party(
        relationship_kind="client", owner=am, stage="consideration"
    ).relationships.get()
    start = _today() - timedelta(days=20)
    client = api("account_manager")

    created = client.put(
        f"/checkins/cadences/{rel.public_id}",
        json={"every_days": 14, "channel": "email", "started_on": start.isoformat()},
    )
    assert created.status_code == 200
    body = created.json()
    assert {k: body[k] for k in ("relationship", "party", "every_days", "channel", "is_active",
                                 "started_on", "last_contact_at", "next_due_on",
                                 "days_overdue")} == {
        "relationship": rel.public_id, "party": rel.party.public_id, "every_days": 14,
        "channel": "email", "is_active": True, "started_on": start.isoformat(),
        "last_contact_at": None, "next_due_on": (start + timedelta(days=14)).isoformat(),
        "days_overdue": 6,
    }  # fmt: skip
    assert body["id"].startswith("cad_")

    replaced = client.put(
        f"/checkins/cadences/{rel.public_id}",
        json={"every_days": 30, "channel": "call", "is_active": False},
        headers={"If-Match": created.headers["ETag"]},
    )
    read = api("viewer", "read").get(f"/checkins/cadences/{rel.public_id}")
    assert replaced.status_code == 200
    assert read.json() == replaced.json()
    assert read.headers["ETag"] == replaced.headers["ETag"]
    assert (read.json()["every_days"], read.json()["channel"], read.json()["is_active"],
            read.json()["started_on"]) == (30, "call", False, start.isoformat())  # fmt: skip


def test_a_stale_etag_is_412_and_changes_nothing(api, users):
    rel = client_with_cadence(owner=users["manager"], every_days=30, started_on=_today())
    client = api("manager")
    etag = client.get(f"/checkins/cadences/{rel.public_id}").headers["ETag"]
    client.put(f"/checkins/cadences/{rel.public_id}", json={"every_days": 20, "channel": "call"})

    stale = client.put(
        f"/checkins/cadences/{rel.public_id}",
        json={"every_days": 10, "channel": "call"},
        headers={"If-Match": etag},
    )

    assert stale.status_code == 412
    assert CheckinCadence.objects.get().every_days == 20


def test_cadence_errors(api, users):
    theirs = client_with_cadence(owner=users["manager"], every_days=30, started_on=_today())
    customer = make_party(relationship_kind="customer", stage="consideration").relationships.get()
    am = api("account_manager")

    denied = am.put(f"/checkins/cadences/{theirs.public_id}",
                    json={"every_days": 5, "channel": "call"})  # fmt: skip
    too_long = api("admin").put(f"/checkins/cadences/{theirs.public_id}",
                                json={"every_days": 367, "channel": "call"})  # fmt: skip
    missing = am.get(f"/checkins/cadences/{customer.public_id}")
    not_client = api("admin").put(f"/checkins/cadences/{customer.public_id}",
                                  json={"every_days": 5, "channel": "call"})  # fmt: skip
    read_only = api("admin", "read").put(f"/checkins/cadences/{theirs.public_id}",
                                         json={"every_days": 5, "channel": "call"})  # fmt: skip

    assert (denied.status_code, denied.json()["code"]) == (403, "permission_denied")
    assert too_long.status_code == 422
    assert "every_days" in str(too_long.json()["fields"])
    assert (missing.status_code, missing.json()["code"]) == (404, "not_found")
    assert (not_client.status_code, not_client.json()["fields"]) == (
        422, {"relationship": ["only clients have a check-in cadence"]},
    )  # fmt: skip
    assert read_only.status_code == 403
    assert CheckinCadence.objects.get().every_days == 30


def test_logging_through_the_api_resets_the_clock(api, users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=10, started_on=_today() - timedelta(days=40))
    client = api("account_manager")
    assert client.get(f"/checkins/cadences/{rel.public_id}").json()["days_overdue"] == 30

    logged = client.post(f"/checkins/{rel.public_id}/log",
                         json={"channel": "virtual_meeting", "note": "Roadmap"})  # fmt: skip

    assert logged.status_code == 201
    body = logged.json()
    assert (body["relationship"], body["kind"], body["next_due_on"]) == (
        rel.public_id, "meeting_virtual", (_today() + timedelta(days=10)).isoformat(),
    )  # fmt: skip
    activity = rel.party.activities.get()
    assert (activity.public_id, activity.body, activity.staff_id) == (body["activity"], "Roadmap",
                                                                      am.pk)  # fmt: skip
    after = client.get(f"/checkins/cadences/{rel.public_id}").json()
    assert (after["days_overdue"], after["next_due_on"]) == (-10, body["next_due_on"])


def test_a_plain_activity_logged_through_the_api_also_resets_the_clock(api, users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=10, started_on=_today() - timedelta(days=40))
    yesterday = timezone.now() - timedelta(days=1)

    api("support_agent").post(
        f"/parties/{rel.party.public_id}/activities",
        json={"kind": "service_call", "direction": "inbound", "occurred_at": yesterday.isoformat()},
    )

    body = api("account_manager").get(f"/checkins/cadences/{rel.public_id}").json()
    assert body["days_overdue"] == -9


def test_logging_is_refused_by_the_activity_rules(api, users):
    rel = client_with_cadence(owner=users["manager"], every_days=10, started_on=_today())

    denied = api("account_manager").post(f"/checkins/{rel.public_id}/log", json={"channel": "call"})
    marketer = api("marketer").post(f"/checkins/{rel.public_id}/log", json={"channel": "call"})
    bad = api("admin").post(f"/checkins/{rel.public_id}/log", json={"channel": "fax"})
    extra = api("admin").post(f"/checkins/{rel.public_id}/log",
                              json={"channel": "call", "colour": "red"})  # fmt: skip

    assert [denied.status_code, marketer.status_code, bad.status_code, extra.status_code] == [
        403, 403, 422, 422,
    ]  # fmt: skip
    assert rel.party.activities.count() == 0


def test_due_lists_overdue_and_soon_filtered_by_owner_and_paginated(api, users):
    am, manager = users["account_manager"], users["manager"]
    today = _today()
    a = client_with_cadence(
        owner=am, name="Alpha", every_days=10, started_on=today - timedelta(days=15)
    )  # 5 days overdue
    b = client_with_cadence(
        owner=am, name="Beta", every_days=10, started_on=today - timedelta(days=7)
    )  # due in 3 days
    client_with_cadence(owner=am, name="Gamma", every_days=30, started_on=today)  # not due
    c = client_with_cadence(
        owner=manager, name="Delta", every_days=10, started_on=today - timedelta(days=10)
    )  # due today
    client = api("viewer", "read")

    everyone = client.get("/checkins/due").json()
    mine = client.get("/checkins/due", params={"owner": "account_manager"}).json()
    narrow = client.get("/checkins/due", params={"within_days": 0}).json()
    first = client.get("/checkins/due", params={"limit": 2}).json()
    second = client.get("/checkins/due", params={"limit": 2, "cursor": first["next"]}).json()
    unknown = client.get("/checkins/due", params={"owner": "nobody"})

    assert [r["party_name"] for r in everyone["items"]] == ["Ana Alpha", "Ana Delta", "Ana Beta"]
    assert everyone["next"] is None
    assert everyone["items"][0] == {
        "relationship": a.public_id, "party": a.party.public_id, "party_name": "Ana Alpha",
        "owner": "account_manager", "channel": "call", "every_days": 10, "last_contact_at": None,
        "due_on": (today - timedelta(days=5)).isoformat(), "days_overdue": 5,
    }  # fmt: skip
    assert [r["relationship"] for r in mine["items"]] == [a.public_id, b.public_id]
    assert [r["relationship"] for r in narrow["items"]] == [a.public_id, c.public_id]
    assert [r["relationship"] for r in first["items"] + second["items"]] == [
        a.public_id, c.public_id, b.public_id,
    ]  # fmt: skip
    assert second["next"] is None
    assert (unknown.status_code, list(unknown.json()["fields"])) == (422, ["owner"])


def test_anonymous_callers_are_refused(anonymous, users):
    rel = client_with_cadence(owner=users["manager"], every_days=10, started_on=_today())

    assert anonymous.get("/checkins/due").status_code == 401
    assert anonymous.get(f"/checkins/cadences/{rel.public_id}").status_code == 401
    assert (
        anonymous.post(f"/checkins/{rel.public_id}/log", json={"channel": "call"}).status_code
        == 401
    )
