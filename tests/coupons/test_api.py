"""The coupon endpoints over real HTTP."""

from __future__ import annotations

from decimal import Decimal

from clientela.coupons.models import Coupon, CouponBatch, CouponRedemption
from tests.coupons.helpers import first_code, make_batch, make_order
from tests.factories import make_party


def test_a_marketer_creates_a_batch_and_pages_through_its_codes(api, users):
    client = api("marketer")

    made = client.post("/coupons/batches", json={
        "name": "Autumn", "kind": "fixed", "value": "5.00", "code_count": 5, "prefix": "aut",
        "min_spend": "20.00", "valid_from": "2026-10-01", "valid_to": "2026-11-30",
        "max_redemptions": None, "per_customer_limit": 2,
    })  # fmt: skip

    assert made.status_code == 201
    body = made.json()
    assert body["id"].startswith("cpb_")
    assert made.headers["Location"].endswith(f"/api/v1/coupons/batches/{body['id']}")
    assert {k: body[k] for k in ("name", "kind", "value", "currency", "min_spend", "valid_to",
                                 "max_redemptions", "per_customer_limit", "code_count",
                                 "prefix", "is_active", "party")} == {
        "name": "Autumn", "kind": "fixed", "value": "5.00", "currency": "EUR",
        "min_spend": "20.00", "valid_to": "2026-11-30", "max_redemptions": None,
        "per_customer_limit": 2, "code_count": 5, "prefix": "AUT", "is_active": True,
        "party": None,
    }  # fmt: skip
    first = client.get(f"/coupons/batches/{body['id']}/codes", params={"limit": 3}).json()
    second = client.get(
        f"/coupons/batches/{body['id']}/codes", params={"limit": 3, "cursor": first["next"]}
    ).json()
    codes = [c["code"] for c in first["items"] + second["items"]]
    assert codes == list(Coupon.objects.order_by("id").values_list("code", flat=True))
    assert second["next"] is None
    assert all(code.startswith("AUT-") for code in codes)


def test_viewers_read_but_do_not_create_and_bad_terms_are_422(api, users):
    denied = api("viewer").post("/coupons/batches", json={
        "name": "X", "kind": "percent", "value": "10", "code_count": 1})  # fmt: skip
    too_much = api("admin").post("/coupons/batches", json={
        "name": "X", "kind": "percent", "value": "120", "code_count": 1})  # fmt: skip
    listed = api("viewer", "read").get("/coupons/batches")

    assert denied.status_code == 403
    assert (too_much.status_code, too_much.json()["fields"]) == (
        422, {"value": ["a percentage must be at most 100"]},
    )  # fmt: skip
    assert (listed.status_code, listed.json()) == (200, {"items": [], "next": None})
    assert CouponBatch.objects.count() == 0


def test_deactivating_a_batch_honours_if_match(api, users):
    batch = make_batch()
    client = api("manager")
    etag = client.get(f"/coupons/batches/{batch.public_id}").headers["ETag"]
    client.patch(f"/coupons/batches/{batch.public_id}", json={"name": "Renamed"})

    stale = client.patch(
        f"/coupons/batches/{batch.public_id}", json={"is_active": False},
        headers={"If-Match": etag},
    )  # fmt: skip
    fresh = client.patch(
        f"/coupons/batches/{batch.public_id}", json={"is_active": False},
        headers={"If-Match": client.get(f"/coupons/batches/{batch.public_id}").headers["ETag"]},
    )  # fmt: skip

    assert stale.status_code == 412
    assert (fresh.status_code, fresh.json()["is_active"], fresh.json()["name"]) == (
        200, False, "Renamed",
    )  # fmt: skip


def test_validate_then_redeem_at_the_counter_and_read_the_report(api, users):
    party = make_party()
    batch = make_batch(value=Decimal("10"), min_spend=Decimal("15"))
    code = first_code(batch)
    agent = api("support_agent")

    low = agent.post("/coupons/validate", json={"code": code, "party": party.public_id,
                                                "order_amount": "14.99"})  # fmt: skip
    ok = agent.post("/coupons/validate", json={"code": code.lower(), "party": party.public_id,
                                               "order_amount": "15.00"})  # fmt: skip
    redeemed = agent.post(
        "/coupons/redeem",
        json={"code": code, "party": party.public_id, "order_amount": "32.50", "key": "till-7"},
    )
    repeated = agent.post(
        "/coupons/redeem",
        json={"code": code, "party": party.public_id, "order_amount": "32.50", "key": "till-7"},
    )
    used = agent.post("/coupons/redeem", json={
        "code": code, "party": make_party().public_id, "order_amount": "32.50"})  # fmt: skip
    report = agent.get(f"/coupons/batches/{batch.public_id}/report").json()

    assert low.json() == {
        "code": code,
        "valid": False,
        "discount": None,
        "reason": "below_min_spend",
        "message": "order_amount: is below the minimum spend of 15.00",
    }
    assert (ok.json()["valid"], ok.json()["discount"]) == (True, "1.50")
    assert redeemed.status_code == 201
    assert (redeemed.json()["discount"], redeemed.json()["code"], redeemed.json()["party"]) == (
        "3.25", code, party.public_id,
    )  # fmt: skip
    assert (repeated.status_code, repeated.json()["id"]) == (200, redeemed.json()["id"])
    assert (used.status_code, used.json()["fields"]) == (422, {"code": ["has been used up"]})
    assert {k: v for k, v in report.items() if k != "per_day"} == {
        "batch": batch.public_id, "codes_issued": 3, "codes_used": 1, "redemptions": 1,
        "released": 0, "redemption_rate": 0.3333, "discount_total": "3.25",
    }  # fmt: skip
    assert [d["redemptions"] for d in report["per_day"]] == [1]


def test_a_personal_coupon_and_the_redemptions_list(api, users):
    party = make_party()
    made = api("marketer").post("/coupons/personal", json={
        "party": party.public_id, "kind": "percent", "value": "15", "valid_days": 7})  # fmt: skip
    code = made.json()["code"]
    order = make_order(party, "20.00")
    agent = api("account_manager")
    redeemed = agent.post("/coupons/redeem", json={
        "code": code, "party": party.public_id, "order_amount": "20.00",
        "order": order.public_id})  # fmt: skip
    listed = agent.get("/coupons/redemptions", params={"party": party.public_id}).json()
    personal = agent.get("/coupons/batches", params={"personal": "true"}).json()

    assert made.status_code == 201
    assert (made.json()["party"], made.json()["kind"], made.json()["times_redeemed"]) == (
        party.public_id, "percent", 0,
    )  # fmt: skip
    assert redeemed.status_code == 201
    assert [(r["code"], r["order"], r["discount"]) for r in listed["items"]] == [
        (code, order.public_id, "3.00")
    ]
    assert [b["id"] for b in personal["items"]] == [made.json()["batch"]]
    assert CouponRedemption.objects.count() == 1


def test_unknown_references_are_422_and_unknown_batches_404(api, users):
    client = api("admin")
    nobody = client.post("/coupons/redeem", json={"code": "X", "party": "pty_nope",
                                                  "order_amount": "1"})  # fmt: skip
    missing = client.get("/coupons/batches/cpb_nope")
    assert (nobody.status_code, list(nobody.json()["fields"])) == (422, ["party"])
    assert missing.status_code == 404
