"""ETags and If-Match over real HTTP: two writers cannot silently overwrite each other."""

from __future__ import annotations

from django.test import override_settings

from clientela.parties.models import Party


def test_a_stale_if_match_is_412_and_writes_nothing(api, customer):
    # given two clients that read the same party
    first, second = api("manager"), api("admin")
    path = f"/parties/{customer.public_id}"
    etag = first.get(path).headers["ETag"]
    assert second.get(path).headers["ETag"] == etag

    # when the first writes with its ETag, it succeeds and gets a new ETag
    won = first.patch(path, json={"notes": "first"}, headers={"If-Match": etag})
    assert won.status_code == 200
    assert won.headers["ETag"] != etag

    # when the second writes with the now stale ETag
    lost = second.patch(path, json={"notes": "second"}, headers={"If-Match": etag})

    # then it is refused, told the current ETag, and the first write stands
    assert lost.status_code == 412
    assert lost.json() == {
        "code": "precondition_failed",
        "message": f"The resource changed since you read it (its ETag is no longer {etag}): "
        "read it again and retry.",
        "fields": {},
        "etag": won.headers["ETag"],
    }
    assert Party.objects.get(pk=customer.pk).notes == "first"


def test_a_change_made_elsewhere_changes_the_etag(api, customer):
    # a change through another route (tags) makes a PATCH with the old ETag fail
    client = api("manager")
    path = f"/parties/{customer.public_id}"
    etag = client.get(path).headers["ETag"]
    client.put(f"{path}/tags", json={"tags": ["gold"]})

    response = client.patch(path, json={"notes": "x"}, headers={"If-Match": etag})

    assert response.status_code == 412


def test_if_match_star_or_the_current_etag_among_several_passes(api, customer):
    client = api("manager")
    path = f"/parties/{customer.public_id}"
    etag = client.get(path).headers["ETag"]

    listed = client.patch(path, json={"notes": "a"}, headers={"If-Match": f'"other", {etag}'})
    star = client.patch(path, json={"notes": "b"}, headers={"If-Match": "*"})
    weak = client.patch(
        path, json={"notes": "c"}, headers={"If-Match": f"W/{star.headers['ETag']}"}
    )

    assert (listed.status_code, star.status_code, weak.status_code) == (200, 200, 412)


def test_if_match_guards_relationship_moves_and_orders(api, customer):
    client = api("manager")
    relationship = customer.relationships.get()
    rel_path = f"/relationships/{relationship.public_id}"
    stale = client.get(rel_path).headers["ETag"]
    client.patch(rel_path, json={"owner": "manager"})

    moved = client.post(
        f"{rel_path}/move", json={"to_stage": "purchase"}, headers={"If-Match": stale}
    )
    relationship.refresh_from_db()
    # Read now: the order below moves the customer to purchase on its own (customer desk).
    stage_after_refused_move = relationship.stage

    order = client.post(
        "/orders",
        json={
            "payer": customer.public_id,
            "currency": "EUR",
            "lines": [{"description": "x", "unit_price": "1"}],
        },
    )
    refunded = client.patch(
        f"/orders/{order.json()['id']}",
        json={"status": "refunded"},
        headers={"If-Match": order.headers["ETag"]},
    )

    assert moved.status_code == 412
    assert stage_after_refused_move == "consideration"
    assert (refunded.status_code, refunded.json()["status"]) == (200, "refunded")


def test_the_server_can_require_if_match(api, customer):
    client = api("manager")
    path = f"/parties/{customer.public_id}"

    with override_settings(API_REQUIRE_IF_MATCH=True):
        missing = client.patch(path, json={"notes": "x"})
        present = client.patch(
            path, json={"notes": "y"}, headers={"If-Match": client.get(path).headers["ETag"]}
        )

    assert (missing.status_code, missing.json()["code"]) == (428, "precondition_required")
    assert present.status_code == 200
    assert Party.objects.get(pk=customer.pk).notes == "y"
