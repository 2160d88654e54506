"""/users (admins only) over real HTTP: list, create, change role, deactivate."""

from __future__ import annotations

from clientela.accounts.models import User


def test_admins_list_users_with_filters_and_pages(api, users):
    client = api("admin", "read")

    everyone = client.get("/users", params={"limit": 4}).json()
    rest = client.get("/users", params={"limit": 4, "cursor": everyone["next"]}).json()
    marketers = client.get("/users", params={"role": "marketer"}).json()

    assert [u["username"] for u in everyone["items"] + rest["items"]] == sorted(users)
    assert rest["next"] is None
    assert [u["username"] for u in marketers["items"]] == ["marketer"]


def test_an_admin_creates_a_user_and_gets_the_generated_password_once(api, live_server):
    response = api("admin").post(
        "/users", json={"username": "newbie", "role": "support_agent", "email": "n@example.test"}
    )

    body = response.json()
    user = User.objects.get(username="newbie")
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/users/newbie"
    assert (body["role"], body["is_active"], body["email"]) == (
        "support_agent",
        True,
        "n@example.test",
    )
    assert user.check_password(body["password"]) is True
    assert "password" not in api("admin").get("/users/newbie").json()


def test_a_weak_password_and_a_taken_username_are_refused(api, users):
    client = api("admin")

    weak = client.post("/users", json={"username": "x1", "role": "viewer", "password": "123"})
    taken = client.post("/users", json={"username": "Viewer", "role": "viewer"})

    assert (weak.status_code, list(weak.json()["fields"])) == (422, ["password"])
    assert (taken.status_code, taken.json()["fields"]) == (409, {"username": ["already taken"]})


def test_an_admin_changes_a_role_and_deactivates_a_user(api, users):
    client = api("admin")

    promoted = client.patch("/users/viewer", json={"role": "manager"})
    deactivated = client.patch("/users/marketer", json={"is_active": False})

    assert (promoted.status_code, promoted.json()["role"]) == (200, "manager")
    assert (deactivated.status_code, deactivated.json()["is_active"]) == (200, False)
    viewer, marketer = User.objects.get(username="viewer"), User.objects.get(username="marketer")
    assert (viewer.role, viewer.is_staff, marketer.is_active) == ("manager", True, False)


def test_a_deactivated_users_token_stops_working(api, users):
    marketer = api("marketer", "read")
    assert marketer.get("/me").status_code == 200

    api("admin").patch("/users/marketer", json={"is_active": False})

    assert marketer.get("/me").status_code == 401


def test_the_last_active_admin_keeps_the_role_and_stays_active(api, users):
    client = api("admin")

    demoted = client.patch("/users/admin", json={"role": "viewer"})
    deactivated = client.patch("/users/admin", json={"is_active": False})

    assert (demoted.status_code, demoted.json()["fields"]) == (
        409,
        {"role": ["the last active admin"]},
    )
    assert (deactivated.status_code, deactivated.json()["fields"]) == (
        409,
        {"is_active": ["the last active admin"]},
    )
    assert User.objects.get(username="admin").role == "admin"


def test_only_admins_read_a_user(api, users):
    assert api("admin", "read").get("/users/viewer").status_code == 200
    refused = api("manager", "read").get("/users/viewer")
    unknown = api("admin", "read").get("/users/nobody")

    assert (refused.status_code, refused.json()["code"]) == (403, "permission_denied")
    assert (unknown.status_code, unknown.json()["message"]) == (404, "No user named nobody.")
