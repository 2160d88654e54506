"""Managing subscriptions: validation, the admin-only permission matrix, rotation,
enable/disable, the test event, the delivery log's paging, and the settings check."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.utils import timezone

from clientela.accounts.permissions import Action, is_allowed
from clientela.core.errors import ApplicationError
from clientela.core.models import AuditEvent
from clientela.webhooks.conf import webhook_settings
from clientela.webhooks.models import WebhookDelivery, WebhookSubscription
from clientela.webhooks.selectors import (
    webhook_delivery_get,
    webhook_delivery_page,
    webhook_event_type_choices,
    webhook_subscription_get,
    webhook_subscription_list,
)
from clientela.webhooks.services import (
    webhook_secret_rotate,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_disable,
    webhook_subscription_enable,
    webhook_subscription_update,
    webhook_test_send,
)
from tests.webhooks.conftest import ROLES

URL = "https://crm-hooks.example.test/clientela"


@pytest.fixture
def hook(users):
    return webhook_subscription_create(
        actor=users["admin"], url=URL, event_types=["order.recorded", "party.created"]
    )


def test_create_stores_the_types_in_registry_order_and_a_new_secret(users):
    subscription = webhook_subscription_create(
        actor=users["admin"],
        url=f"  {URL}  ",
        event_types=["order.recorded", "party.created", "order.recorded"],
        description="Shop sync",
    )

    stored = WebhookSubscription.objects.get()
    assert (stored.url, stored.event_types, stored.description, stored.created_by) == (
        URL,
        ["party.created", "order.recorded"],
        "Shop sync",
        users["admin"],
    )
    assert (stored.is_active, stored.consecutive_failures, stored.public_id[:4]) == (
        True,
        0,
        "whk_",
    )
    assert stored.secret == subscription.secret
    assert stored.secret.startswith("whsec_") and len(stored.secret) == 6 + 43
    other = webhook_subscription_create(actor=None, url=URL, event_types=["party.created"])
    assert other.secret != stored.secret


def test_the_secret_is_never_in_the_audit_trail_or_the_repr(users, hook):
    webhook_secret_rotate(actor=users["admin"], subscription=hook)
    webhook_subscription_update(actor=users["admin"], subscription=hook, description="x")

    events = list(AuditEvent.objects.filter(target_id=hook.public_id).values("action", "data"))
    assert [e["action"] for e in events] == [
        "webhook.updated",
        "webhook.secret_rotated",
        "webhook.created",
    ]
    for secret in (hook.secret, hook.previous_secret):
        assert secret not in repr(events)
        assert secret not in repr(hook) and secret not in str(hook)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "url: is required"),
        ("ftp://example.test/x", "url: must start with http:// or https://"),
        ("javascript:alert(1)", "url: must start with http:// or https://"),
        ("https://", "url: 'https://' is not a valid web address"),
        ("http://exa mple.test/", "url: 'http://exa mple.test/' is not a valid web address"),
        (
            "https://user:pw@example.test/hook",
            "url: must not contain a user name or password (the signature authenticates Clientela)",
        ),
        ("https://example.test/" + "a" * 2000, "url: is longer than 2000 characters"),
    ],
)
def test_a_bad_url_is_refused_naming_the_field(users, url, message):
    with pytest.raises(ApplicationError) as refused:
        webhook_subscription_create(actor=users["admin"], url=url, event_types=["party.created"])

    assert (refused.value.code, refused.value.message) == ("validation_error", message)
    assert refused.value.extra["fields"].keys() == {"url"}
    assert WebhookSubscription.objects.count() == 0


def test_local_and_ip_addresses_are_accepted(users):
    for url in ("http://127.0.0.1:8080/hook", "http://localhost/hook", "https://[::1]/x"):
        assert (
            webhook_subscription_create(
                actor=users["admin"], url=url, event_types=["party.created"]
            ).url
            == url
        )


@pytest.mark.parametrize(
    ("event_types", "message"),
    [
        ([], "event_types: choose at least one event type"),
        ("party.created", "event_types: must be a list of event types"),
        (
            ["party.created", "party.deleted"],
            "event_types: 'party.deleted' is not an event type (one of party.created, "
            "party.updated, relationship.opened, relationship.converted, relationship.ended, "
            "relationship.owner_changed, journey.stage_changed, order.recorded, "
            "activity.logged, score.changed, classification.changed)",
        ),
    ],
)
def test_bad_event_types_are_refused_naming_the_field(users, event_types, message):
    with pytest.raises(ApplicationError) as refused:
        webhook_subscription_create(actor=users["admin"], url=URL, event_types=event_types)

    assert refused.value.message == message
    assert WebhookSubscription.objects.count() == 0


def test_the_test_event_cannot_be_subscribed_to(users):
    with pytest.raises(ApplicationError) as refused:
        webhook_subscription_create(actor=users["admin"], url=URL, event_types=["webhook.test"])

    assert refused.value.message.startswith("event_types: 'webhook.test' is not an event type")
    assert [value for value, _label in webhook_event_type_choices()][-1] == (
        "classification.changed"
    )


def test_update_changes_only_what_is_given(users, hook):
    webhook_subscription_update(
        actor=users["admin"], subscription=hook, event_types=["activity.logged"]
    )

    hook.refresh_from_db()
    assert (hook.url, hook.event_types) == (URL, ["activity.logged"])
    with pytest.raises(ApplicationError) as refused:
        webhook_subscription_update(actor=users["admin"], subscription=hook, url="nope")
    assert refused.value.message == "url: must start with http:// or https://"
    hook.refresh_from_db()
    assert hook.url == URL


def test_rotation_keeps_the_old_secret_signing_for_a_day(users, hook):
    old = hook.secret
    before = timezone.now()

    webhook_secret_rotate(actor=users["admin"], subscription=hook)

    stored = WebhookSubscription.objects.get()
    assert stored.secret == hook.secret != old
    assert stored.previous_secret == old
    assert before + dt.timedelta(hours=24) <= stored.previous_secret_until
    assert stored.previous_secret_until <= timezone.now() + dt.timedelta(hours=24)


def test_disable_and_enable(users, hook):
    webhook_subscription_disable(actor=users["admin"], subscription=hook)
    hook.refresh_from_db()
    assert (hook.is_active, hook.disabled_reason) == (False, "Disabled by admin.")

    WebhookSubscription.objects.update(consecutive_failures=7)
    webhook_subscription_enable(actor=users["admin"], subscription=hook)

    hook.refresh_from_db()
    assert (hook.is_active, hook.consecutive_failures, hook.disabled_at, hook.disabled_reason) == (
        True,
        0,
        None,
        "",
    )
    actions = AuditEvent.objects.filter(target_id=hook.public_id).values_list("action", flat=True)
    assert list(actions) == ["webhook.enabled", "webhook.disabled", "webhook.created"]


def test_the_test_event_goes_to_that_subscription_only(users, hook):
    other = webhook_subscription_create(
        actor=users["admin"], url=URL, event_types=["party.created"]
    )

    delivery = webhook_test_send(actor=users["admin"], subscription=hook)

    assert list(WebhookDelivery.objects.values_list("subscription", "event_type")) == [
        (hook.pk, "webhook.test")
    ]
    assert delivery.payload["type"] == "webhook.test"
    assert delivery.payload["data"] == {
        "subscription": {"id": hook.public_id, "url": URL},
        "message": "A test event sent from Clientela.",
        "sent_by": "admin",
    }
    assert other.deliveries.count() == 0


def test_no_test_event_to_a_disabled_subscription(users, hook):
    webhook_subscription_disable(actor=users["admin"], subscription=hook, reason="maintenance")

    with pytest.raises(ApplicationError) as refused:
        webhook_test_send(actor=users["admin"], subscription=hook)

    assert (refused.value.code, refused.value.message) == (
        "conflict",
        "The subscription is disabled; enable it before sending a test event.",
    )
    assert WebhookDelivery.objects.count() == 0


def test_delete_removes_the_subscription_and_its_log(users, hook):
    webhook_test_send(actor=users["admin"], subscription=hook)

    webhook_subscription_delete(actor=users["admin"], subscription=hook)

    assert (WebhookSubscription.objects.count(), WebhookDelivery.objects.count()) == (0, 0)
    assert AuditEvent.objects.filter(action="webhook.deleted").get().data == {
        "url": URL,
        "event_types": ["party.created", "order.recorded"],
    }
    with pytest.raises(ApplicationError) as gone:
        webhook_subscription_enable(actor=users["admin"], subscription=hook)
    assert gone.value.code == "not_found"


def test_the_delivery_log_pages_newest_first(users, hook):
    for _ in range(5):
        webhook_test_send(actor=users["admin"], subscription=hook)
    ids = list(WebhookDelivery.objects.order_by("-id").values_list("public_id", flat=True))

    first = webhook_delivery_page(actor=users["admin"], subscription=hook, size=2)
    second = webhook_delivery_page(
        actor=users["admin"], subscription=hook, size=2, cursor=first.next_cursor
    )
    third = webhook_delivery_page(
        actor=users["admin"], subscription=hook, size=2, cursor=second.next_cursor
    )

    assert [d.public_id for d in first.rows + second.rows + third.rows] == ids
    assert third.next_cursor is None
    assert (
        webhook_delivery_page(actor=users["admin"], subscription=hook, status="succeeded").rows
        == []
    )
    with pytest.raises(ApplicationError) as bad:
        webhook_delivery_page(actor=users["admin"], subscription=hook, cursor="not-a-cursor")
    assert bad.value.message == "cursor: is not a cursor this delivery log produced"
    with pytest.raises(ApplicationError) as bad_status:
        webhook_delivery_page(actor=users["admin"], subscription=hook, status="lost")
    assert bad_status.value.message == (
        "status: must be one of pending, succeeded, failed, gave_up"
    )


def test_the_list_shows_each_subscriptions_newest_delivery(users, hook):
    quiet = webhook_subscription_create(
        actor=users["admin"], url=URL, event_types=["party.created"]
    )
    webhook_test_send(actor=users["admin"], subscription=hook)
    WebhookDelivery.objects.update(status="gave_up")
    newest = webhook_test_send(actor=users["admin"], subscription=hook)

    rows = list(webhook_subscription_list(actor=users["admin"]))

    assert [(s.public_id, s.last_status) for s in rows] == [
        (hook.public_id, "pending"),
        (quiet.public_id, None),
    ]
    assert rows[0].last_at == newest.created_at


def _calls(users, hook):
    """Every webhook service and selector, as (name, call(actor))."""
    return {
        "create": lambda a: webhook_subscription_create(
            actor=a, url=URL, event_types=["party.created"]
        ),
        "update": lambda a: webhook_subscription_update(
            actor=a, subscription=hook, description="changed"
        ),
        "rotate": lambda a: webhook_secret_rotate(actor=a, subscription=hook),
        "disable": lambda a: webhook_subscription_disable(actor=a, subscription=hook),
        "enable": lambda a: webhook_subscription_enable(actor=a, subscription=hook),
        "test": lambda a: webhook_test_send(actor=a, subscription=hook),
        "list": lambda a: list(webhook_subscription_list(actor=a)),
        "get": lambda a: webhook_subscription_get(actor=a, public_id=hook.public_id),
        "log": lambda a: webhook_delivery_page(actor=a, subscription=hook),
        "delete": lambda a: webhook_subscription_delete(actor=a, subscription=hook),
    }


@pytest.mark.parametrize("role", ROLES)
def test_only_admins_manage_webhooks(users, hook, role):
    actor = users[role]
    before = (
        list(WebhookSubscription.objects.values()),
        WebhookDelivery.objects.count(),
        AuditEvent.objects.count(),
    )
    refused = []
    for name, call in _calls(users, hook).items():
        try:
            call(actor)
        except ApplicationError as exc:
            assert (exc.code, exc.extra) == ("permission_denied", {"action": "webhook.manage"})
            refused.append(name)

    if role == "admin":
        assert refused == []
        assert WebhookSubscription.objects.count() == 1  # created one, deleted the other
    else:
        assert refused == list(_calls(users, hook))
        after = (
            list(WebhookSubscription.objects.values()),
            WebhookDelivery.objects.count(),
            AuditEvent.objects.count(),
        )
        assert after == before
    assert is_allowed(actor, Action.WEBHOOK_MANAGE) is (role == "admin")


def test_the_system_may_manage_webhooks_and_an_inactive_admin_may_not(users, hook):
    assert is_allowed(None, Action.WEBHOOK_MANAGE) is True
    admin = users["admin"]
    admin.is_active = False
    with pytest.raises(ApplicationError) as refused:
        webhook_subscription_get(actor=admin, public_id=hook.public_id)
    assert refused.value.code == "permission_denied"


def test_an_unknown_subscription_or_delivery_is_not_found(users):
    with pytest.raises(ApplicationError) as missing:
        webhook_subscription_get(actor=users["admin"], public_id="whk_nope")
    assert (missing.value.code, missing.value.message) == (
        "not_found",
        "No webhook subscription whk_nope.",
    )
    with pytest.raises(ApplicationError) as missing_delivery:
        webhook_delivery_get(actor=users["admin"], public_id="whd_nope")
    assert missing_delivery.value.code == "not_found"


def test_the_settings_are_parsed_and_a_bad_one_names_its_variable(settings):
    settings.WEBHOOK_RETRY_SCHEDULE = "30s, 2m,1h,1d"
    settings.WEBHOOK_TIMEOUT = "2.5"
    settings.WEBHOOK_DISABLE_AFTER = "5"
    conf = webhook_settings()
    assert conf.retry_waits == (
        dt.timedelta(seconds=30),
        dt.timedelta(minutes=2),
        dt.timedelta(hours=1),
        dt.timedelta(days=1),
    )
    assert (conf.max_attempts, conf.timeout, conf.disable_after) == (5, 2.5, 5)

    settings.WEBHOOK_RETRY_SCHEDULE = "1m,soon"
    with pytest.raises(ApplicationError) as bad:
        webhook_settings()
    assert bad.value.message == (
        "CLIENTELA_WEBHOOK_RETRY_SCHEDULE: 'soon' is not a duration (a number and s, m, h or "
        "d, several separated by commas)"
    )
    # and the system check reports it at start-up
    with pytest.raises(SystemCheckError, match="clientela.webhooks.E001"):
        call_command("check")

    settings.WEBHOOK_RETRY_SCHEDULE = "1m"
    settings.WEBHOOK_TIMEOUT = "0"
    with pytest.raises(ApplicationError) as bad_timeout:
        webhook_settings()
    assert bad_timeout.value.message == "CLIENTELA_WEBHOOK_TIMEOUT: must be between 0.1 and 300"
