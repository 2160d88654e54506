"""/api/v1/reviews over real HTTP."""

import datetime as dt

from clientela.reviews import services
from clientela.reviews.models import Review, ReviewSchedule
from tests.reviews.conftest import make_client

GOOD = {"overall": 8, "results": 4, "communication": 3, "responsiveness": 5, "recommend": 9}


def test_send_now_get_and_list(api, client_rel, users):
    am = api("account_manager")

    created = am.post("/reviews", json={"relationship": client_rel.public_id})

    body = created.json()
    review = Review.objects.get()
    assert created.status_code == 201, created.text
    assert created.headers["Location"] == f"/api/v1/reviews/{review.public_id}"
    assert (body["id"], body["status"], body["origin"], body["emailed_to"], body["owner"]) == (
        review.public_id,
        "sent",
        "manual",
        "c@x.test",
        "account_manager",
    )
    assert body["link"].startswith("http://127.0.0.1:8000/review/")
    again = am.post("/reviews", json={"relationship": client_rel.public_id})
    assert (again.status_code, again.json()["code"]) == (409, "conflict")

    services.review_answer(public_id=review.public_id, data=GOOD)
    got = api("viewer", "read").get(f"/reviews/{review.public_id}")
    assert got.status_code == 200
    assert (got.json()["score"], got.json()["answers"], got.json()["link"]) == (7.9, GOOD, None)
    assert got.headers["ETag"]

    listed = api("viewer", "read").get("/reviews", params={"status": "answered"}).json()
    assert [item["id"] for item in listed["items"]] == [review.public_id]
    assert api("viewer", "read").get("/reviews", params={"status": "sent"}).json() == {
        "items": [],
        "next": None,
    }


def test_list_filters_and_cursor(api, users, desk_open):
    mine = [make_client(users["account_manager"], name=f"Mine{i}") for i in range(3)]
    other = make_client(users["manager"], name="Other")
    made = [services.review_send(actor=None, relationship=rel) for rel in [*mine, other]]
    client = api("viewer", "read")

    first = client.get("/reviews", params={"owner": "account_manager", "limit": 2}).json()
    second = client.get(
        "/reviews", params={"owner": "account_manager", "limit": 2, "cursor": first["next"]}
    ).json()
    assert [i["id"] for i in first["items"] + second["items"]] == [
        r.public_id for r in reversed(made[:3])
    ]
    assert second["next"] is None
    by_party = client.get("/reviews", params={"party": other.party.public_id}).json()
    assert [i["id"] for i in by_party["items"]] == [made[3].public_id]
    unknown = client.get("/reviews", params={"owner": "nobody"})
    assert (unknown.status_code, list(unknown.json()["fields"])) == (422, ["owner"])


def test_patch_notes_honours_if_match_and_closes(api, client_rel):
    review = services.review_send(actor=None, relationship=client_rel)
    am = api("account_manager")
    etag = am.get(f"/reviews/{review.public_id}").headers["ETag"]

    patched = am.patch(
        f"/reviews/{review.public_id}", json={"notes": "Chased"}, headers={"If-Match": etag}
    )
    stale = am.patch(
        f"/reviews/{review.public_id}", json={"notes": "Lost"}, headers={"If-Match": etag}
    )
    closed = am.patch(f"/reviews/{review.public_id}", json={"status": "closed"})

    assert (patched.status_code, patched.json()["notes"], patched.json()["notes_by"]) == (
        200,
        "Chased",
        "account_manager",
    )
    assert stale.status_code == 412
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    review.refresh_from_db()
    assert (review.notes, review.status) == ("Chased", "closed")


def test_rights_over_http(api, client_rel):
    review = services.review_send(actor=None, relationship=client_rel)
    support = api("support_agent")
    assert support.patch(f"/reviews/{review.public_id}", json={"notes": "x"}).status_code == 403
    assert (
        api("viewer", "read").patch(f"/reviews/{review.public_id}", json={"notes": "x"}).status_code
        == 403
    )
    assert (
        support.put(
            f"/reviews/schedules/{client_rel.public_id}", json={"every_months": 2}
        ).status_code
        == 403
    )
    assert (
        api("marketer").post("/reviews", json={"relationship": client_rel.public_id}).status_code
        == 403
    )


def test_schedules_get_and_put(api, client_rel):
    am = api("account_manager")
    got = am.get(f"/reviews/schedules/{client_rel.public_id}")
    schedule = ReviewSchedule.objects.get(relationship=client_rel)
    assert got.status_code == 200
    assert (got.json()["every_months"], got.json()["next_due_on"]) == (
        3,
        schedule.next_due_on.isoformat(),
    )

    put = am.put(
        f"/reviews/schedules/{client_rel.public_id}",
        json={"every_months": 12, "next_due_on": "2099-03-01", "active": False},
    )
    assert put.status_code == 200, put.text
    assert put.json() == {
        "relationship": client_rel.public_id,
        "every_months": 12,
        "next_due_on": "2099-03-01",
        "active": False,
        "updated_at": put.json()["updated_at"],
    }
    bad = am.put(f"/reviews/schedules/{client_rel.public_id}", json={"every_months": 25})
    assert (bad.status_code, list(bad.json()["fields"])) == (422, ["every_months"])
    past = am.put(
        f"/reviews/schedules/{client_rel.public_id}",
        json={
            "every_months": 2,
            "next_due_on": (dt.date.today() - dt.timedelta(days=2)).isoformat(),
        },
    )
    assert (past.status_code, list(past.json()["fields"])) == (422, ["next_due_on"])
    assert am.get("/reviews/schedules/rel_unknown").status_code == 404


def test_anonymous_is_refused(anonymous, client_rel):
    assert anonymous.get("/reviews").status_code == 401
