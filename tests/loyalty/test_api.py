"""The loyalty API over real HTTP."""

from __future__ import annotations

import pytest

from tests.loyalty.helpers import customer

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_programme_is_read_and_replaced_with_if_match(api):
    marketer = api("marketer")
    first = marketer.get("/loyalty/programme")
    body = {
        "name": "Café club",
        "currency": "eur",
        "base_rate": "1.5",
        "min_spend": "5.00",
        "expiry_months": 12,
        "auto_enrol": True,
        "active": True,
        "tier_window_months": 12,
        "review_every_months": 6,
    }

    put = marketer.put("/loyalty/programme", json=body, headers={"If-Match": first.headers["ETag"]})
    stale = marketer.put(
        "/loyalty/programme", json=body, headers={"If-Match": first.headers["ETag"]}
    )
    viewer = api("viewer").put("/loyalty/programme", json=body)

    assert first.json()["active"] is False
    assert put.status_code == 200
    assert {k: put.json()[k] for k in ("name", "currency", "base_rate", "active")} == {
        "name": "Café club",
        "currency": "EUR",
        "base_rate": "1.5000",
        "active": True,
    }
    assert (stale.status_code, viewer.status_code) == (412, 403)


def test_rules_campaigns_and_tiers_are_created_listed_changed_and_deleted(api):
    client = api("manager")

    online = {"kind": "channel", "channel": "online", "multiplier": "1.5"}
    spring = {"name": "Spring", "starts_on": "2025-03-01", "ends_on": "2025-03-31",
              "bonus_points": 5}  # fmt: skip
    rule = client.post("/loyalty/rules", json=online)
    duplicate = client.post("/loyalty/rules", json={"kind": "channel", "channel": "online"})
    campaign = client.post("/loyalty/campaigns", json=spring)
    backwards = client.post(
        "/loyalty/campaigns", json={**spring, "starts_on": "2025-04-01", "ends_on": "2025-03-01"}
    )
    tier = client.post("/loyalty/tiers", json={"name": "Gold", "threshold": 500})
    patched = client.patch(f"/loyalty/tiers/{tier.json()['id']}", json={"threshold": 400})
    deleted = client.delete(f"/loyalty/campaigns/{campaign.json()['id']}")

    assert (rule.status_code, campaign.status_code, tier.status_code) == (201, 201, 201)
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "conflict")
    assert list(duplicate.json()["fields"]) == ["kind"]
    same_name = client.post("/loyalty/tiers", json={"name": "Gold", "threshold": 900})
    assert (same_name.status_code, list(same_name.json()["fields"])) == (409, ["name"])
    assert backwards.status_code == 422
    assert patched.json()["threshold"] == 400
    assert deleted.status_code == 204
    assert [t["name"] for t in client.get("/loyalty/tiers").json()["items"]] == ["Gold"]
    assert client.get("/loyalty/campaigns").json()["items"] == []
    assert client.get(f"/loyalty/rules/{rule.json()['id']}").json()["multiplier"] == "1.500"


def test_a_member_is_enrolled_credited_redeemed_and_their_statement_read(api):
    party = customer()
    manager, clerk = api("manager"), api("support_agent")

    enrolled = clerk.post("/loyalty/members", json={"party": party.public_id})
    credit = manager.post(
        f"/loyalty/members/{party.public_id}/credit",
        json={"points": 100, "reason": "Welcome", "key": "welcome"},
    )
    redeem = clerk.post(
        f"/loyalty/members/{party.public_id}/redeem",
        json={"points": 60, "reference": "Mug", "key": "order-1"},
    )
    short = clerk.post(
        f"/loyalty/members/{party.public_id}/redeem", json={"points": 41, "reference": "Mug"}
    )
    denied = clerk.post(
        f"/loyalty/members/{party.public_id}/adjust", json={"points": 5, "note": "x"}
    )
    cancel = clerk.post(f"/loyalty/entries/{redeem.json()['id']}/cancel", json={})
    member = clerk.get(f"/loyalty/members/{party.public_id}")
    entries = clerk.get(f"/loyalty/members/{party.public_id}/entries", params={"limit": 2})
    older = clerk.get(
        f"/loyalty/members/{party.public_id}/entries", params={"cursor": entries.json()["next"]}
    )

    assert (enrolled.status_code, credit.status_code, redeem.status_code) == (201, 201, 201)
    assert (short.status_code, list(short.json()["fields"])) == (409, ["points"])
    assert denied.status_code == 403
    assert cancel.status_code == 201 and cancel.json()["related"] == redeem.json()["id"]
    assert (member.json()["balance"], member.json()["earned_in_window"]) == (100, 100)
    assert [(e["kind"], e["points"], e["balance_after"]) for e in entries.json()["items"]] == [
        ("reverse", 60, 100),
        ("redeem", -60, 40),
    ]
    assert [(e["kind"], e["points"]) for e in older.json()["items"]] == [("earn", 100)]
    assert older.json()["next"] is None


def test_a_non_member_is_not_found_and_an_unknown_party_cannot_be_enrolled(api):
    party = customer()
    client = api("admin")

    assert client.get(f"/loyalty/members/{party.public_id}").status_code == 404
    unknown = client.post("/loyalty/members", json={"party": "pty_nope"})
    assert (unknown.status_code, list(unknown.json()["fields"])) == (422, ["party"])


def test_rules_campaigns_and_tiers_honour_if_match(api):
    client = api("manager")
    made = {
        "rules": client.post("/loyalty/rules", json={"kind": "channel", "channel": "online"}),
        "campaigns": client.post(
            "/loyalty/campaigns",
            json={
                "name": "Spring",
                "starts_on": "2025-03-01",
                "ends_on": "2025-03-31",
                "bonus_points": 5,
            },
        ),  # fmt: skip
        "tiers": client.post("/loyalty/tiers", json={"name": "Gold", "threshold": 500}),
    }
    change = {"rules": {"multiplier": "2"}, "campaigns": {"bonus_points": 7},
              "tiers": {"threshold": 400}}  # fmt: skip
    for resource, created in made.items():
        path = f"/loyalty/{resource}/{created.json()['id']}"
        stale = client.get(path).headers["ETag"]
        first = client.patch(path, json=change[resource], headers={"If-Match": stale})
        second = client.patch(path, json=change[resource], headers={"If-Match": stale})
        fresh = client.patch(path, json=change[resource],
                             headers={"If-Match": first.headers["ETag"]})  # fmt: skip

        assert (first.status_code, second.status_code, fresh.status_code) == (200, 412, 200)
        assert second.json()["code"] == "precondition_failed"
