"""The reward endpoints over real HTTP."""

from __future__ import annotations

from clientela.loyalty.selectors import loyalty_balance
from clientela.rewards.models import Reward
from tests.rewards.helpers import make_reward, member


def test_a_marketer_builds_the_catalogue_and_a_viewer_reads_it(api, users):
    marketer = api("marketer")

    made = marketer.post("/rewards", json={
        "name": "5 EUR off", "kind": "discount", "points_cost": 400, "stock": 20,
        "coupon_kind": "fixed", "coupon_value": "5.00", "coupon_valid_days": 60,
    })  # fmt: skip
    body = made.json()
    patched = marketer.patch(
        f"/rewards/{body['id']}", json={"stock": None, "points_cost": 350},
        headers={"If-Match": made.headers["ETag"]},
    )  # fmt: skip
    listed = api("viewer", "read").get("/rewards").json()
    denied = api("viewer").post("/rewards", json={"name": "X", "kind": "gift", "points_cost": 1})
    bad = marketer.post("/rewards", json={"name": "X", "kind": "discount", "points_cost": 1})

    assert made.status_code == 201
    assert made.headers["Location"].endswith(f"/api/v1/rewards/{body['id']}")
    assert {k: body[k] for k in ("kind", "points_cost", "stock", "available", "coupon_kind",
                                 "coupon_value", "coupon_valid_days")} == {
        "kind": "discount", "points_cost": 400, "stock": 20, "available": True,
        "coupon_kind": "fixed", "coupon_value": "5.00", "coupon_valid_days": 60,
    }  # fmt: skip
    assert patched.status_code == 200
    assert (patched.json()["stock"], patched.json()["points_cost"]) == (None, 350)
    assert [r["id"] for r in listed["items"]] == [body["id"]]
    assert denied.status_code == 403
    assert (bad.status_code, bad.json()["fields"]) == (
        422, {"coupon_kind": ["a discount reward needs percent or fixed"]},
    )  # fmt: skip


def test_redeem_fulfil_cancel_over_http(api, users):
    party = member(points=500)
    reward = make_reward(points_cost=200, stock=1)
    agent = api("support_agent")

    redeemed = agent.post(f"/rewards/{reward.public_id}/redeem", json={"party": party.public_id})
    out = agent.post(f"/rewards/{reward.public_id}/redeem", json={"party": party.public_id})
    cancelled = agent.post(
        f"/rewards/redemptions/{redeemed.json()['id']}/cancel", json={"note": "oops"}
    )
    again = agent.post(f"/rewards/{reward.public_id}/redeem", json={"party": party.public_id})
    fulfilled = agent.post(f"/rewards/redemptions/{again.json()['id']}/fulfil")
    listed = agent.get("/rewards/redemptions", params={"party": party.public_id}).json()

    assert redeemed.status_code == 201
    assert {k: redeemed.json()[k] for k in ("reward", "party", "points", "status", "coupon")} == {
        "reward": reward.public_id, "party": party.public_id, "points": 200,
        "status": "issued", "coupon": None,
    }  # fmt: skip
    assert (out.status_code, out.json()["fields"]) == (409, {"reward": ["is out of stock"]})
    assert (cancelled.status_code, cancelled.json()["status"]) == (200, "cancelled")
    assert (again.status_code, fulfilled.json()["status"]) == (201, "fulfilled")
    assert [r["status"] for r in listed["items"]] == ["fulfilled", "cancelled"]
    assert loyalty_balance(party_id=party.pk) == 300
    assert Reward.objects.get(pk=reward.pk).stock == 0


def test_refusals_over_http(api, users):
    poor = member(points=10)
    reward = make_reward(points_cost=100)
    client = api("manager")

    short = client.post(f"/rewards/{reward.public_id}/redeem", json={"party": poor.public_id})
    nobody = client.post(f"/rewards/{reward.public_id}/redeem", json={"party": "pty_nope"})
    marketer = api("marketer").post(
        f"/rewards/{reward.public_id}/redeem", json={"party": poor.public_id}
    )
    missing = client.get("/rewards/rwd_nope")

    assert (short.status_code, list(short.json()["fields"])) == (409, ["points"])
    assert (nobody.status_code, list(nobody.json()["fields"])) == (422, ["party"])
    assert marketer.status_code == 403
    assert missing.status_code == 404
