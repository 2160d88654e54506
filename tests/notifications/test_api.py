"""/api/v1/notifications over real HTTP: one's own only, unread filter, cursor pages,
marking read."""

from __future__ import annotations

from clientela.notifications.models import Notification
from clientela.notifications.services import notification_send


def _send(user, key, subject, **kwargs):
    return notification_send(
        key=key, kind="checkin_due", subject=subject, body="", user=user, **kwargs
    )


def test_the_list_shows_ones_own_newest_first(api, users):
    am = users["account_manager"]
    first = _send(am, "1", "First", link="/desk/checkins/")
    _send(am, "2", "Second")
    _send(users["manager"], "3", "Not yours")

    response = api("account_manager", "read").get("/notifications")

    assert response.status_code == 200
    body = response.json()
    assert [item["subject"] for item in body["items"]] == ["Second", "First"]
    assert body["next"] is None
    assert body["items"][1] == {
        "id": first.public_id,
        "kind": "checkin_due",
        "subject": "First",
        "body": "",
        "link": "/desk/checkins/",
        "created_at": first.created_at.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "read_at": None,
        "email_status": "none",
    }


def test_the_list_pages_with_a_cursor_and_filters_unread(api, users):
    am = users["account_manager"]
    rows = [_send(am, str(i), f"N{i}") for i in range(5)]
    Notification.objects.filter(pk=rows[1].pk).update(read_at=rows[1].created_at)
    client = api("account_manager", "read")

    first = client.get("/notifications", params={"limit": 2}).json()
    second = client.get("/notifications", params={"limit": 2, "cursor": first["next"]}).json()
    third = client.get("/notifications", params={"limit": 2, "cursor": second["next"]}).json()
    unread = client.get("/notifications", params={"unread": "true"}).json()
    read = client.get("/notifications", params={"unread": "false"}).json()

    assert [[i["subject"] for i in p["items"]] for p in (first, second, third)] == [
        ["N4", "N3"],
        ["N2", "N1"],
        ["N0"],
    ]
    assert third["next"] is None
    assert [i["subject"] for i in unread["items"]] == ["N4", "N3", "N2", "N0"]
    assert [i["subject"] for i in read["items"]] == ["N1"]


def test_marking_one_read(api, users):
    mine = _send(users["account_manager"], "1", "Mine")
    client = api("account_manager")

    response = client.post(f"/notifications/{mine.public_id}/read")
    again = client.post(f"/notifications/{mine.public_id}/read")

    assert response.status_code == 200
    assert response.json()["read_at"] is not None
    assert again.json()["read_at"] == response.json()["read_at"]


def test_someone_elses_notification_is_not_found(api, users):
    theirs = _send(users["manager"], "1", "Theirs")

    response = api("account_manager").post(f"/notifications/{theirs.public_id}/read")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_read_all_marks_only_ones_own(api, users):
    _send(users["account_manager"], "1", "A")
    _send(users["account_manager"], "2", "B")
    theirs = _send(users["manager"], "3", "C")
    client = api("account_manager")

    assert client.post("/notifications/read-all").json() == {"marked": 2}
    assert client.post("/notifications/read-all").json() == {"marked": 0}
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_read_token_cannot_mark_read(api, users):
    mine = _send(users["account_manager"], "1", "Mine")

    response = api("account_manager", "read").post(f"/notifications/{mine.public_id}/read")

    assert response.status_code == 403
    assert Notification.objects.get(pk=mine.pk).read_at is None


def test_the_endpoints_need_a_token(anonymous):
    assert anonymous.get("/notifications").status_code == 401
    assert anonymous.post("/notifications/read-all").status_code == 401
