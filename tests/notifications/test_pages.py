"""The inbox page, opening a notification, the bell, and the settings page's email section."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from clientela.notifications.models import Notification
from clientela.notifications.services import notification_send


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(user, key, subject, link=""):
    return notification_send(
        key=key, kind="test", subject=subject, body=f"About {subject}.", user=user, link=link
    )


def _subjects(html: str) -> list[tuple[str, bool]]:
    """(subject, unread) of every notification listed, in page order."""
    items = re.findall(
        r'<li class="inbox-item( inbox-unread)?".*?<span class="inbox-subject">([^<]*)', html, re.S
    )
    return [(subject.strip(), bool(unread)) for unread, subject in items]


def test_the_inbox_lists_ones_own_notifications_newest_first_unread_highlighted(users):
    am = users["account_manager"]
    _send(am, "1", "First")
    second = _send(am, "2", "Second")
    _send(am, "3", "Third")
    _send(users["manager"], "4", "Not yours")
    Notification.objects.filter(pk=second.pk).update(read_at=second.created_at)

    response = _client(am).get("/notifications/")

    assert response.status_code == 200
    html = response.content.decode()
    assert _subjects(html) == [("Third", True), ("Second", False), ("First", True)]
    assert "Not yours" not in html
    assert 'data-testid="notification-count">2<' in html
    unread_only = _client(am).get("/notifications/?show=unread").content.decode()
    assert _subjects(unread_only) == [("Third", True), ("First", True)]


def test_opening_a_notification_marks_it_read_and_goes_to_its_link(users):
    am = users["account_manager"]
    notification = _send(am, "1", "Check in", link="/desk/checkins/")

    response = _client(am).get(reverse("notifications:open", args=[notification.public_id]))

    assert (response.status_code, response["Location"]) == (302, "/desk/checkins/")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_a_link_to_another_site_is_not_followed(users):
    am = users["account_manager"]
    notification = _send(am, "1", "Odd", link="https://elsewhere.example/")

    response = _client(am).get(reverse("notifications:open", args=[notification.public_id]))

    assert (response.status_code, response["Location"]) == (302, "/notifications/")


def test_someone_elses_notification_is_not_found_and_stays_unread(users):
    theirs = _send(users["manager"], "1", "Theirs", link="/desk/")

    response = _client(users["account_manager"]).get(
        reverse("notifications:open", args=[theirs.public_id])
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_marks_only_ones_own(users):
    am = users["account_manager"]
    _send(am, "1", "A")
    _send(am, "2", "B")
    theirs = _send(users["manager"], "3", "C")

    response = _client(am).post(reverse("notifications:read_all"), follow=True)

    assert response.redirect_chain == [("/notifications/", 302)]
    assert "2 notifications marked read." in response.content.decode()
    assert Notification.objects.filter(user=am, read_at__isnull=True).count() == 0
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_mark_all_read_needs_a_post(users):
    assert _client(users["viewer"]).get(reverse("notifications:read_all")).status_code == 405


def test_the_pages_need_a_signed_in_person(db):
    response = Client().get("/notifications/")

    assert (response.status_code, response["Location"]) == (302, "/login/?next=/notifications/")


def test_the_bell_shows_the_unread_count_on_every_page(users):
    am = users["account_manager"]
    client = _client(am)
    without = client.get("/").content.decode()
    _send(am, "1", "A")

    html = client.get("/").content.decode()

    assert 'data-testid="notification-bell"' in without
    assert 'data-testid="notification-count"' not in without
    assert re.search(r'data-testid="notification-count">1<', html)


@pytest.mark.parametrize("role", ["manager", "account_manager", "viewer"])
def test_only_admins_see_the_email_section(users, role):
    html = _client(users[role]).get("/settings/").content.decode()

    assert 'data-testid="settings-email"' not in html


def test_the_email_section_says_email_is_off_without_smtp(users, settings):
    settings.CLIENTELA_SMTP_HOST = ""

    html = _client(users["admin"]).get("/settings/").content.decode()

    assert 'data-testid="email-status">Off<' in html
    assert 'data-testid="send-test-email"' not in html


def test_an_admin_sends_a_test_email(users, smtp, django_capture_on_commit_callbacks):
    admin = users["admin"]
    client = _client(admin)
    assert 'data-testid="email-status">On<' in client.get("/settings/").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("notifications:test_email"), follow=True)

    assert response.redirect_chain == [("/settings/", 302)]
    assert "A test email to admin@example.test is queued; the worker sends it." in (
        response.content.decode()
    )
    (test,) = Notification.objects.all()
    assert (test.kind, test.email, test.user, test.email_status) == (
        "test_email",
        "admin@example.test",
        None,
        "queued",
    )
    assert (
        'data-testid="email-count-queued">Queued: 1<' in client.get("/settings/").content.decode()
    )


def test_only_an_admin_may_send_a_test_email(users, smtp):
    response = _client(users["manager"]).post(reverse("notifications:test_email"))

    assert response.status_code == 403
    assert Notification.objects.count() == 0
