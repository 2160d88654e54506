"""Notifications in chromium: the bell counts the unread ones, opening one follows its link
and marks it read, and "mark all read" empties the count."""

from __future__ import annotations

import pytest

from clientela.notifications.models import Notification
from clientela.notifications.services import notification_send
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_bell_the_inbox_and_marking_read(live_server, page, users):
    am = users["account_manager"]
    for key, subject in (("1", "Check-in due with Ana"), ("2", "Contract renewal: Bob")):
        notification_send(
            key=key, kind="test", subject=subject, body="Details.", user=am, link="/settings/"
        )
    notification_send(key="3", kind="test", subject="Not yours", body="", user=users["manager"])
    sign_in(page, live_server, "account_manager")

    assert page.text_content("[data-testid=notification-count]") == "2"
    page.click("[data-testid=notification-bell]")
    page.wait_for_url(f"{live_server.url}/notifications/")
    items = page.locator("[data-testid=notification]")
    assert [
        t.split("\n")[0].strip() for t in items.locator(".inbox-subject").all_inner_texts()
    ] == [
        "Contract renewal: Bob",
        "Check-in due with Ana",
    ]
    assert page.locator("[data-testid=notification][data-unread]").count() == 2

    items.first.locator("a").click()
    page.wait_for_url(f"{live_server.url}/settings/")
    assert page.text_content("[data-testid=notification-count]") == "1"

    page.click("[data-testid=notification-bell]")
    assert page.locator("[data-testid=notification][data-unread]").count() == 1
    page.click("[data-testid=read-all]")
    page.wait_for_url(f"{live_server.url}/notifications/")
    assert "1 notification marked read." in page.text_content(".messages")
    assert page.locator("[data-testid=notification-count]").count() == 0
    assert Notification.objects.filter(user=am, read_at__isnull=True).count() == 0
    assert Notification.objects.get(key="3").read_at is None
