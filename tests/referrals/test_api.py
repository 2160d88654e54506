"""The referral endpoints over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from clientela.referrals.models import Referral
from tests.factories import make_party

AT = "2026-03-01T12:00:00+00:00"


def test_programme_get_and_put_with_etag(api, users):
    client = api("marketer")
    first = client.get("/referrals/programme")
    assert first.status_code == 200
    assert first.json()["currency"] == "EUR"

    body = {
        "is_active": True, "referrer_points": 250, "referred_points": 125,
        "min_purchase": "15.00", "window_days": 45, "yearly_cap": 10,
    }  # fmt: skip
    put = client.put("/referrals/programme", json=body, headers={"If-Match": first.headers["ETag"]})
    stale = client.put(
        "/referrals/programme", json=body, headers={"If-Match": first.headers["ETag"]}
    )
    refused = api("viewer").put("/referrals/programme", json=body)

    assert put.status_code == 200
    assert {k: put.json()[k] for k in body} == {**body, "min_purchase": "15.00"}
    assert stale.status_code == 412
    assert refused.status_code == 403


def test_codes_are_created_once_and_read_back(api, users):
    ana = make_party(given_name="Ana")
    client = api("support_agent")

    first = client.post("/referrals/codes", json={"party": ana.public_id})
    again = client.post("/referrals/codes", json={"party": ana.public_id})
    read = client.get(f"/referrals/codes/{first.json()['code']}")
    unknown = client.post("/referrals/codes", json={"party": "pty_nope"})

    assert (first.status_code, again.status_code, read.status_code) == (201, 200, 200)
    assert first.json() == again.json() == read.json()
    assert first.json()["link"] == f"/r/{first.json()['code']}/"
    assert unknown.status_code == 422
    assert list(unknown.json()["fields"]) == ["party"]


def test_claims_create_referrals_and_refusals_name_the_reason(api, users):
    ana, bob = make_party(given_name="Ana"), make_party(given_name="Bob")
    client = api("manager")
    code = client.post("/referrals/codes", json={"party": ana.public_id}).json()["code"]
    bob_code = client.post("/referrals/codes", json={"party": bob.public_id}).json()["code"]

    made = client.post("/referrals/claims", json={"code": code, "party": bob.public_id, "at": AT})
    loop = client.post("/referrals/claims", json={"code": bob_code, "party": ana.public_id})
    again = client.post("/referrals/claims", json={"code": code, "party": bob.public_id})
    bad = client.post("/referrals/claims", json={"code": "2222222", "party": bob.public_id})

    assert made.status_code == 201
    body = made.json()
    assert (body["referrer"], body["referred"], body["status"], body["source"]) == (
        ana.public_id, bob.public_id, "pending", "api",
    )  # fmt: skip
    assert body["referred_at"] == "2026-03-01T12:00:00Z"
    assert client.get(f"/referrals/{body['id']}").json() == body
    assert (loop.status_code, loop.json()["rule"]) == (409, "referral.loop")
    assert (again.status_code, again.json()["rule"]) == (409, "referral.already_referred")
    assert bad.status_code == 422


def test_a_code_is_switched_off_and_on_by_a_marketer_and_claims_follow(api, users):
    ana, bob = make_party(given_name="Ana"), make_party(given_name="Bob")
    code = api("support_agent").post("/referrals/codes", json={"party": ana.public_id}).json()
    path = f"/referrals/codes/{code['code']}"

    agent_try = api("support_agent").patch(path, json={"is_active": False})
    off = api("marketer").patch(path, json={"is_active": False})
    refused = api("manager").post("/referrals/claims", json={"code": code["code"],
                                                             "party": bob.public_id})  # fmt: skip
    on = api("marketer").patch(path, json={"is_active": True})
    claimed = api("manager").post("/referrals/claims", json={"code": code["code"],
                                                             "party": bob.public_id})  # fmt: skip
    unknown = api("marketer").patch("/referrals/codes/ZZZZZZZ", json={"is_active": False})

    assert agent_try.status_code == 403
    assert (off.status_code, off.json()["is_active"]) == (200, False)
    assert (refused.status_code, refused.json()["rule"]) == (409, "referral.code_inactive")
    assert (on.status_code, on.json()["is_active"]) == (200, True)
    assert claimed.status_code == 201
    assert unknown.status_code == 404


def test_the_list_pages_and_filters_and_the_leaderboard(api, users):
    from clientela.referrals.services import referral_claim, referral_code_ensure

    ana = make_party(given_name="Ana")
    code = referral_code_ensure(actor=None, party=ana)[0].code
    friends = [make_party(given_name=f"F{n}") for n in range(3)]
    for n, friend in enumerate(friends):
        referral_claim(
            actor=None, code=code, referred_party=friend, at=datetime(2026, 3, 1 + n, tzinfo=UTC)
        )
    Referral.objects.filter(referred=friends[0]).update(status="expired")
    client = api("viewer")

    first = client.get("/referrals", params={"limit": 2})
    second = client.get("/referrals", params={"limit": 2, "cursor": first.json()["next"]})
    pending = client.get("/referrals", params={"status": "pending", "referrer": ana.public_id})
    board = client.get("/referrals/leaderboard", params={"period": "all"})

    names = [r["referred"] for r in first.json()["items"] + second.json()["items"]]
    assert names == [f.public_id for f in reversed(friends)]
    assert second.json()["next"] is None
    assert [r["referred"] for r in pending.json()["items"]] == [
        friends[2].public_id, friends[1].public_id,
    ]  # fmt: skip
    assert board.json()["items"] == [
        {"party": ana.public_id, "name": "Ana Popescu", "code": code, "qualified": 0,
         "pending": 2, "revenue": "0.00"},
    ]  # fmt: skip
    assert Decimal(board.json()["items"][0]["revenue"]) == 0
