"""The webhooks pages through the whole middleware stack: admins only, the secret shown
once, the actions, and the test button delivering through the worker to a real receiver."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from clientela.webhooks.models import WebhookDelivery, WebhookSubscription
from clientela.webhooks.services import webhook_subscription_create
from tests.webhooks.conftest import ROLES

URL = "https://hooks.example.test/in"
NOT_ADMINS = [role for role in ROLES if role != "admin"]


@pytest.fixture
def hook(staff):
    return webhook_subscription_create(actor=staff["admin"], url=URL, event_types=["party.created"])


def _secret_shown(html: str) -> list[str]:
    return re.findall(r"<code>(whsec_[^<]+)</code>", html)


def test_the_admin_sees_the_empty_page_and_the_settings_link(login):
    admin = login("admin")

    page = admin.get("/settings/webhooks/")
    settings_page = admin.get("/settings/")

    assert page.status_code == 200
    html = page.content.decode()
    assert "No webhook subscriptions yet." in html
    assert 'value="order.recorded"' in html and 'value="webhook.test"' not in html
    assert 'href="/settings/webhooks/"' in settings_page.content.decode()


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_other_roles_get_403_everywhere_and_change_nothing(login, hook, role):
    client = login(role)
    detail = f"/settings/webhooks/{hook.public_id}/"

    responses = [
        client.get("/settings/webhooks/"),
        client.post("/settings/webhooks/", {"url": URL, "event_types": ["party.created"]}),
        client.get(detail),
        client.post(
            detail, {"url": "https://evil.example.test/", "event_types": ["party.created"]}
        ),
        *[client.post(f"{detail}{action}/") for action in ("test", "disable", "rotate", "delete")],
    ]

    assert [r.status_code for r in responses] == [403] * 8
    assert "webhook.manage" in responses[0].content.decode()
    assert hook.secret not in "".join(r.content.decode() for r in responses)
    stored = WebhookSubscription.objects.get()
    assert (stored.url, stored.secret, stored.is_active) == (URL, hook.secret, True)
    assert WebhookDelivery.objects.count() == 0
    assert 'href="/settings/webhooks/"' not in client.get("/settings/").content.decode()


def test_signed_out_visitors_are_sent_to_the_login(hook):
    response = Client().get("/settings/webhooks/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/login/?next=/settings/webhooks/",
    )


def test_create_shows_the_secret_once(login):
    admin = login("admin")

    created = admin.post(
        "/settings/webhooks/",
        {"url": URL, "description": "Shop", "event_types": ["party.created", "order.recorded"]},
    )

    subscription = WebhookSubscription.objects.get()
    assert (created.status_code, created["Location"]) == (
        302,
        f"/settings/webhooks/{subscription.public_id}/",
    )
    assert subscription.event_types == ["party.created", "order.recorded"]
    first = admin.get(created["Location"]).content.decode()
    again = admin.get(created["Location"]).content.decode()
    assert _secret_shown(first) == [subscription.secret]
    assert _secret_shown(again) == []
    assert subscription.secret not in again
    listing = admin.get("/settings/webhooks/").content.decode()
    assert URL in listing and subscription.secret not in listing


def test_bad_input_comes_back_with_the_error_and_creates_nothing(login):
    admin = login("admin")

    response = admin.post(
        "/settings/webhooks/", {"url": "ftp://files.example.test/", "event_types": []}
    )

    assert response.status_code == 422
    html = response.content.decode()
    assert "url: must start with http:// or https://" in html
    assert 'value="ftp://files.example.test/"' in html
    assert WebhookSubscription.objects.count() == 0


def test_edit_disable_enable_rotate_and_delete(login, hook):
    admin = login("admin")
    detail = f"/settings/webhooks/{hook.public_id}/"

    edited = admin.post(
        detail, {"url": URL + "/v2", "description": "", "event_types": ["activity.logged"]}
    )
    hook.refresh_from_db()
    assert (edited.status_code, hook.url, hook.event_types) == (
        302,
        URL + "/v2",
        ["activity.logged"],
    )

    admin.post(f"{detail}disable/")
    hook.refresh_from_db()
    page = admin.get(detail).content.decode()
    assert (hook.is_active, hook.disabled_reason) == (False, "Disabled by admin.")
    assert "Disabled by admin." in page and "Send test event" not in page

    admin.post(f"{detail}enable/")
    hook.refresh_from_db()
    assert hook.is_active is True

    old = hook.secret
    rotated = admin.post(f"{detail}rotate/")
    hook.refresh_from_db()
    assert hook.secret != old and hook.previous_secret == old
    assert _secret_shown(admin.get(rotated["Location"]).content.decode()) == [hook.secret]

    deleted = admin.post(f"{detail}delete/")
    assert (deleted.status_code, deleted["Location"]) == (302, "/settings/webhooks/")
    assert WebhookSubscription.objects.count() == 0
    assert admin.get(detail).status_code == 404


def test_actions_are_post_only(login, hook):
    response = login("admin").get(f"/settings/webhooks/{hook.public_id}/test/")

    assert response.status_code == 405
    assert WebhookDelivery.objects.count() == 0


def test_the_test_button_queues_and_the_worker_delivers(login, subscribe, receiver, run_worker):
    # given a subscription of the receiver to party.created only
    subscription = subscribe(["party.created"])
    admin = login("admin")
    detail = f"/settings/webhooks/{subscription.public_id}/"

    # when the admin presses "Send test event"
    pressed = admin.post(f"{detail}test/")

    # then a webhook.test delivery is queued, and the page says so
    assert (pressed.status_code, pressed["Location"]) == (302, detail)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event_type, delivery.status) == ("webhook.test", "pending")
    assert [t.status for t in DBTaskResult.objects.all()] == [TaskResultStatus.READY]
    page = admin.get(detail).content.decode()
    assert "A test event is queued; the worker sends it shortly." in page
    assert 'data-status="pending"' in page

    # when the worker runs
    run_worker()

    # then the receiver got the signed test event, and the log shows the success
    (request,) = receiver.requests
    assert (request.headers["Clientela-Event"], request.signature_ok) == ("webhook.test", True)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_response_code) == (
        "succeeded",
        1,
        200,
    )
    page = admin.get(detail).content.decode()
    row = re.search(
        r'<tr data-testid="webhook-delivery" data-status="succeeded">(.*?)</tr>', page, re.S
    )
    assert row is not None
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)
    assert cells[3:5] == ["1", "200"]
    listing = admin.get("/settings/webhooks/").content.decode()
    assert "succeeded ·" in listing
