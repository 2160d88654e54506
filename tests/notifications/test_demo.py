"""The demo's notifications: deterministic, each account manager's own clients."""

from __future__ import annotations

import datetime as dt

import pytest

from clientela.demo import demo_load as load_world
from clientela.notifications.demo import demo_load
from clientela.notifications.models import Notification

NOW = dt.datetime(2026, 6, 30, 18, 0, tzinfo=dt.UTC)


@pytest.fixture
def bank(db):
    load_world(business="bank", size="small", seed=42, desk=False)


def test_the_bank_demo_fills_each_account_managers_inbox_deterministically(bank):
    created = demo_load(business="bank", seed=42, now=NOW)

    rows = sorted(
        (n.user.username, n.subject, n.read_at is None)
        for n in Notification.objects.select_related("user")
    )
    assert created == len(rows) == 18
    assert rows[:3] == [
        ("elena.am", "Check-in due with Marcin Kut", False),
        ("elena.am", "Contract renewal coming: Arcelia Echeverría", True),
        ("elena.am", "Low review score from Jeremi Bruzda", True),
    ]
    assert Notification.objects.filter(read_at__isnull=True).count() == 10
    assert {username for username, _s, _r in rows} == {"elena.am", "javier.am", "tomasz.am"}
    assert set(Notification.objects.values_list("email_status", flat=True)) == {"none"}
    for n in Notification.objects.select_related("user"):
        assert n.user.role in {"account_manager", "manager", "admin"}
        assert NOW - dt.timedelta(days=7) <= n.created_at < NOW


def test_loading_again_adds_nothing_and_the_cafe_has_none(bank):
    first = demo_load(business="bank", seed=42, now=NOW)

    assert demo_load(business="bank", seed=42, now=NOW) == 0
    assert Notification.objects.count() == first
    assert demo_load(business="cafe", seed=42, now=NOW) == 0
