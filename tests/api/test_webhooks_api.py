"""/webhooks over real HTTP: subscriptions (admins only), the secret shown only on create
and rotate, test sends queued and delivered by the real worker to a real receiver, and the
delivery log paged and filtered."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from clientela.core.models import AuditEvent
from clientela.webhooks.models import WebhookDelivery, WebhookSubscription
from tests.webhooks.conftest import receiver, run_worker, signals_restored  # noqa: F401
from tests.webhooks.receiver import Reply

ROLES = ["admin", "manager", "account_manager", "support_agent", "marketer", "viewer"]
URL = "https://hooks.example.test/clientela"
EVENT_TYPES = [
    "party.created",
    "party.updated",
    "relationship.opened",
    "relationship.converted",
    "relationship.ended",
    "relationship.owner_changed",
    "journey.stage_changed",
    "order.recorded",
    "activity.logged",
    "score.changed",
    "classification.changed",
]


def _subscribe(client, url: str = URL, **extra) -> dict:
    response = client.post(
        "/webhooks", json={"url": url, "event_types": ["order.recorded"], **extra}
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_an_admin_subscribes_and_sees_the_secret_only_in_that_response(api):
    client = api("admin")

    response = client.post(
        "/webhooks",
        json={
            "url": URL,
            "event_types": ["order.recorded", "party.created", "order.recorded"],
            "description": "the warehouse",
        },
    )

    body = response.json()
    stored = WebhookSubscription.objects.get()
    assert response.status_code == 201
    assert response.headers["Location"] == f"/api/v1/webhooks/{stored.public_id}"
    assert (body["id"], body["url"], body["description"]) == (
        stored.public_id,
        URL,
        "the warehouse",
    )
    assert body["event_types"] == ["party.created", "order.recorded"]
    assert (body["is_active"], body["created_by"], body["last_delivery_status"]) == (
        True,
        "admin",
        None,
    )
    assert body["secret"] == stored.secret
    assert (body["secret"][:6], len(body["secret"])) == ("whsec_", 49)
    read = client.get(f"/webhooks/{stored.public_id}")
    listed = client.get("/webhooks").json()["items"]
    assert "secret" not in read.json()
    assert [sorted(item) for item in listed] == [sorted(read.json())]
    assert stored.secret not in read.text + str(listed)
    assert read.headers["ETag"] == response.headers["ETag"]


def test_the_event_types_come_from_the_registry(api):
    response = api("admin", "read").get("/webhooks/event-types")

    assert response.status_code == 200
    assert [e["type"] for e in response.json()] == EVENT_TYPES
    assert response.json()[7] == {"type": "order.recorded", "label": "Order recorded"}


def test_bad_subscriptions_are_refused_naming_the_field_and_nothing_is_stored(api):
    client = api("admin")

    ftp = client.post("/webhooks", json={"url": "ftp://x.test/", "event_types": ["party.created"]})
    with_password = client.post(
        "/webhooks", json={"url": "https://u:p@x.test/", "event_types": ["party.created"]}
    )
    unknown = client.post("/webhooks", json={"url": URL, "event_types": ["party.deleted"]})
    none = client.post("/webhooks", json={"url": URL, "event_types": []})
    test_only = client.post("/webhooks", json={"url": URL, "event_types": ["webhook.test"]})
    typo = client.post("/webhooks", json={"url": URL, "event_types": ["party.created"], "x": 1})

    assert (ftp.status_code, ftp.json()["fields"]) == (
        422,
        {"url": ["must start with http:// or https://"]},
    )
    assert (with_password.status_code, list(with_password.json()["fields"])) == (422, ["url"])
    assert (unknown.status_code, list(unknown.json()["fields"])) == (422, ["event_types[0]"])
    assert (none.status_code, list(none.json()["fields"])) == (422, ["event_types"])
    assert (test_only.status_code, list(test_only.json()["fields"])) == (422, ["event_types[0]"])
    assert (typo.status_code, list(typo.json()["fields"])) == (422, ["x"])
    assert WebhookSubscription.objects.count() == 0


def test_patch_changes_only_the_fields_sent_and_honours_if_match(api):
    client = api("admin")
    created = _subscribe(client, description="old")
    path = f"/webhooks/{created['id']}"
    etag = client.get(path).headers["ETag"]

    changed = client.patch(
        path,
        json={"event_types": ["party.created", "activity.logged"]},
        headers={"If-Match": etag},
    )
    stale = client.patch(path, json={"url": "https://other.test/"}, headers={"If-Match": etag})
    bad = client.patch(path, json={"url": "not a url"})

    assert changed.status_code == 200
    assert (
        changed.json()["event_types"],
        changed.json()["url"],
        changed.json()["description"],
    ) == (
        ["party.created", "activity.logged"],
        URL,
        "old",
    )
    assert changed.headers["ETag"] != etag
    assert (stale.status_code, stale.json()["code"], stale.json()["etag"]) == (
        412,
        "precondition_failed",
        changed.headers["ETag"],
    )
    assert (bad.status_code, list(bad.json()["fields"])) == (422, ["url"])
    stored = WebhookSubscription.objects.get()
    assert (stored.url, stored.event_types) == (URL, ["party.created", "activity.logged"])


def test_rotating_shows_the_new_secret_once_and_keeps_the_old_one_signing_for_a_day(api):
    client = api("admin")
    created = _subscribe(client)
    before = timezone.now()

    rotated = client.post(f"/webhooks/{created['id']}/rotate-secret")

    body = rotated.json()
    stored = WebhookSubscription.objects.get()
    until = dt.datetime.fromisoformat(body["previous_secret_valid_until"])
    assert rotated.status_code == 200
    assert body["secret"] == stored.secret != created["secret"]
    assert stored.previous_secret == created["secret"]
    assert before + dt.timedelta(hours=24) <= until <= timezone.now() + dt.timedelta(hours=24)
    again = client.get(f"/webhooks/{created['id']}")
    assert "secret" not in again.json()
    assert again.json()["previous_secret_valid_until"] == body["previous_secret_valid_until"]
    assert stored.secret not in again.text and created["secret"] not in again.text


def test_disable_and_enable_and_a_disabled_subscription_sends_no_test(api):
    client = api("admin")
    created = _subscribe(client)
    path = f"/webhooks/{created['id']}"

    disabled = client.post(f"{path}/disable", json={"reason": "receiver moving"})
    refused_test = client.post(f"{path}/test")
    enabled = client.post(f"{path}/enable")
    disabled_without_body = client.post(f"{path}/disable")

    assert (disabled.status_code, disabled.json()["is_active"]) == (200, False)
    assert disabled.json()["disabled_reason"] == "receiver moving"
    assert (refused_test.status_code, refused_test.json()["message"]) == (
        409,
        "The subscription is disabled; enable it before sending a test event.",
    )
    assert (enabled.status_code, enabled.json()["is_active"]) == (200, True)
    assert (enabled.json()["disabled_reason"], enabled.json()["disabled_at"]) == ("", None)
    assert disabled_without_body.json()["disabled_reason"] == "Disabled by admin."
    assert WebhookDelivery.objects.count() == 0


def test_a_test_send_queues_a_delivery_for_the_worker(api):
    client = api("admin")
    created = _subscribe(client)

    response = client.post(f"/webhooks/{created['id']}/test")

    body = response.json()
    delivery = WebhookDelivery.objects.get()
    task = DBTaskResult.objects.get()
    assert response.status_code == 202
    assert response.headers["Location"] == (
        f"/api/v1/webhooks/{created['id']}/deliveries/{delivery.public_id}"
    )
    assert (body["id"], body["event_type"], body["status"], body["attempts"]) == (
        delivery.public_id,
        "webhook.test",
        "pending",
        0,
    )
    assert body["payload"]["data"] == {
        "subscription": {"id": created["id"], "url": URL},
        "message": "A test event sent from Clientela.",
        "sent_by": "admin",
    }
    assert (task.task_path, task.args_kwargs["kwargs"], task.status) == (
        "clientela.webhooks.tasks.deliver",
        {"delivery_id": delivery.public_id},
        "READY",
    )
    assert client.get(response.headers["Location"].removeprefix("/api/v1")).json() == body
    assert client.get(f"/webhooks/{created['id']}").json()["last_delivery_status"] == "pending"


def test_the_worker_delivers_with_the_secret_from_the_response_and_the_log_filters_by_status(
    api,
    receiver,  # noqa: F811
    run_worker,  # noqa: F811
):
    client = api("admin")
    created = _subscribe(client, url=receiver.url)
    receiver.secrets = [created["secret"]]
    path = f"/webhooks/{created['id']}"
    first = client.post(f"{path}/test").json()
    run_worker()
    receiver.default = Reply(status=500, body=b"broken")
    second = client.post(f"{path}/test").json()
    run_worker()

    everything = client.get(f"{path}/deliveries").json()
    succeeded = client.get(f"{path}/deliveries", params={"status": "succeeded"}).json()
    failed = client.get(f"{path}/deliveries", params={"status": "failed"}).json()
    gave_up = client.get(f"{path}/deliveries", params={"status": "gave_up"}).json()
    unknown = client.get(f"{path}/deliveries", params={"status": "lost"})

    assert [r.signature_ok for r in receiver.requests] == [True, True]
    assert [d["id"] for d in everything["items"]] == [second["id"], first["id"]]
    assert [
        (d["id"], d["status"], d["attempts"], d["last_response_code"]) for d in succeeded["items"]
    ] == [(first["id"], "succeeded", 1, 200)]
    assert [
        (d["id"], d["status"], d["last_response_code"], d["response_excerpt"])
        for d in failed["items"]
    ] == [(second["id"], "failed", 500, "broken")]
    assert gave_up == {"items": [], "next": None}
    assert (unknown.status_code, list(unknown.json()["fields"])) == (422, ["status"])


def test_the_delivery_log_walks_every_page_newest_first(api):
    client = api("admin")
    created = _subscribe(client)
    path = f"/webhooks/{created['id']}"
    sent = [client.post(f"{path}/test").json()["id"] for _ in range(5)]

    pages, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        found = client.get(f"{path}/deliveries", params=params).json()
        pages.append([d["id"] for d in found["items"]])
        if not (cursor := found["next"]):
            break
    bad_cursor = client.get(f"{path}/deliveries", params={"cursor": "nonsense"})

    assert pages == [sent[4:2:-1], sent[2:0:-1], sent[:1]]
    assert (bad_cursor.status_code, list(bad_cursor.json()["fields"])) == (422, ["cursor"])


def test_the_subscription_list_walks_every_page_oldest_first(api):
    client = api("admin")
    made = [_subscribe(client, url=f"https://h{n}.example.test/")["id"] for n in range(3)]

    first = client.get("/webhooks", params={"limit": 2}).json()
    rest = client.get("/webhooks", params={"limit": 2, "cursor": first["next"]}).json()

    assert [s["id"] for s in first["items"] + rest["items"]] == made
    assert rest["next"] is None


def test_delete_removes_the_subscription_and_its_log(api):
    client = api("admin")
    created = _subscribe(client)
    path = f"/webhooks/{created['id']}"
    client.post(f"{path}/test")

    stale = client.delete(path, headers={"If-Match": '"not-the-etag"'})
    deleted = client.delete(path)
    again = client.get(path)

    assert stale.status_code == 412
    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (again.status_code, again.json()["message"]) == (
        404,
        f"No webhook subscription {created['id']}.",
    )
    assert (WebhookSubscription.objects.count(), WebhookDelivery.objects.count()) == (0, 0)
    assert AuditEvent.objects.filter(action="webhook.deleted").count() == 1


def _calls(subscription: str, delivery: str) -> dict[str, tuple[str, str, dict | None]]:
    path = f"/webhooks/{subscription}"
    return {
        "listWebhookEventTypes": ("GET", "/webhooks/event-types", None),
        "listWebhooks": ("GET", "/webhooks", None),
        "createWebhook": ("POST", "/webhooks", {"url": URL, "event_types": ["party.created"]}),
        "getWebhook": ("GET", path, None),
        "updateWebhook": ("PATCH", path, {"description": "changed"}),
        "rotateWebhookSecret": ("POST", f"{path}/rotate-secret", None),
        "disableWebhook": ("POST", f"{path}/disable", None),
        "enableWebhook": ("POST", f"{path}/enable", None),
        "sendWebhookTest": ("POST", f"{path}/test", None),
        "listWebhookDeliveries": ("GET", f"{path}/deliveries", None),
        "getWebhookDelivery": ("GET", f"{path}/deliveries/{delivery}", None),
        "deleteWebhook": ("DELETE", path, None),
    }


def _expected_ok(method: str, path: str) -> int:
    if method == "DELETE":
        return 204
    if method == "POST" and path == "/webhooks":
        return 201
    if method == "POST" and path.endswith("/test"):
        return 202
    return 200


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_reach_any_webhook_endpoint(api, role):
    admin = api("admin")
    subscription = _subscribe(admin)["id"]
    delivery = admin.post(f"/webhooks/{subscription}/test").json()["id"]
    client = api(role)

    statuses = {
        name: client.request(method, path, json=body).status_code
        for name, (method, path, body) in _calls(subscription, delivery).items()
    }

    expected = {
        name: _expected_ok(method, path) if role == "admin" else 403
        for name, (method, path, _body) in _calls(subscription, delivery).items()
    }
    assert statuses == expected


def test_an_admins_read_token_reads_but_changes_nothing(api):
    admin = api("admin")
    subscription = _subscribe(admin)["id"]
    delivery = admin.post(f"/webhooks/{subscription}/test").json()["id"]
    reader = api("admin", "read")

    answers = {
        name: (method, reader.request(method, path, json=body))
        for name, (method, path, body) in _calls(subscription, delivery).items()
    }

    assert {name: r.status_code for name, (m, r) in answers.items() if m == "GET"} == {
        "listWebhookEventTypes": 200,
        "listWebhooks": 200,
        "getWebhook": 200,
        "listWebhookDeliveries": 200,
        "getWebhookDelivery": 200,
    }
    assert {r.json()["code"] for _name, (m, r) in answers.items() if m != "GET"} == {
        "insufficient_scope"
    }
    stored = WebhookSubscription.objects.get()
    assert (stored.description, stored.is_active, WebhookDelivery.objects.count()) == ("", True, 1)


def test_a_refused_role_gets_the_permission_error_and_strangers_401(api, anonymous):
    manager = api("manager", "read").get("/webhooks")
    stranger = anonymous.get("/webhooks")

    assert (manager.status_code, manager.json()["code"], manager.json()["action"]) == (
        403,
        "permission_denied",
        "webhook.manage",
    )
    assert (stranger.status_code, stranger.json()["code"]) == (401, "unauthenticated")


def test_an_unknown_subscription_or_a_delivery_of_another_is_404(api):
    client = api("admin")
    one = _subscribe(client)["id"]
    other = _subscribe(client)["id"]
    delivery = client.post(f"/webhooks/{one}/test").json()["id"]

    missing = client.post("/webhooks/whk_nothere/rotate-secret")
    crossed = client.get(f"/webhooks/{other}/deliveries/{delivery}")

    assert (missing.status_code, missing.json()["message"]) == (
        404,
        "No webhook subscription whk_nothere.",
    )
    assert (crossed.status_code, crossed.json()["code"]) == (404, "not_found")
