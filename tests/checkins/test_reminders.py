import threading
from datetime import date, datetime, time

import pytest
from django.db import connection, connections
from django.utils import timezone

from clientela.checkins.models import CheckinReminder
from clientela.checkins.services import checkin_log
from clientela.checkins.sweeps import checkin_reminders_send
from clientela.notifications.models import Notification
from tests.checkins.helpers import at, client_with_cadence


def moment(day: date) -> datetime:
    return datetime.combine(day, time(7), tzinfo=timezone.get_current_timezone())


@pytest.mark.django_db
def test_a_due_check_in_reminds_its_account_manager_once(users):
    am = users["account_manager"]
    due = client_with_cadence(owner=am, name="Due", every_days=10, started_on=date(2026, 1, 1))
    client_with_cadence(owner=am, name="Later", every_days=12, started_on=date(2026, 1, 1))

    assert checkin_reminders_send(now=moment(date(2026, 1, 10))) == 0
    assert checkin_reminders_send(now=moment(date(2026, 1, 11))) == 1
    assert checkin_reminders_send(now=moment(date(2026, 1, 11))) == 0
    assert checkin_reminders_send(now=moment(date(2026, 1, 12))) == 0  # still the same due date

    note = Notification.objects.get(kind="checkin_reminder", key__contains=f":{due.pk}:")
    assert (note.key, note.user_id, note.subject) == (
        f"checkin-reminder:{due.pk}:2026-01-11", am.pk, "Check-in due today: Ana Due",
    )  # fmt: skip
    assert note.link == f"/parties/{due.party.public_id}/"


@pytest.mark.django_db
def test_an_overdue_check_in_never_reminded_is_reminded_as_overdue(users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, name="Late", every_days=10, started_on=date(2026, 1, 1))

    assert checkin_reminders_send(now=moment(date(2026, 2, 1))) == 1

    note = Notification.objects.get(kind="checkin_reminder")
    assert (note.key, note.subject) == (
        f"checkin-reminder:{rel.pk}:2026-01-11", "Check-in overdue: Ana Late",
    )  # fmt: skip
    assert "2026-01-11" in note.body


@pytest.mark.django_db
def test_the_next_due_date_gets_its_own_reminder(users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=10, started_on=date(2026, 1, 1))
    assert checkin_reminders_send(now=moment(date(2026, 1, 11))) == 1

    checkin_log(actor=am, relationship=rel, channel="call", at=at(date(2026, 1, 12)))

    assert checkin_reminders_send(now=moment(date(2026, 1, 21))) == 0
    assert checkin_reminders_send(now=moment(date(2026, 1, 22))) == 1
    assert sorted(Notification.objects.values_list("key", flat=True)) == [
        f"checkin-reminder:{rel.pk}:2026-01-11",
        f"checkin-reminder:{rel.pk}:2026-01-22",
    ]


@pytest.mark.django_db
def test_no_reminder_without_an_active_owner_or_for_a_paused_cadence(users):
    from clientela.checkins.services import cadence_set

    am = users["account_manager"]
    client_with_cadence(owner=None, name="Nobody", every_days=5, started_on=date(2026, 1, 1))
    paused = client_with_cadence(owner=am, name="Paused", every_days=5, started_on=date(2026, 1, 1))
    cadence_set(actor=None, relationship=paused, is_active=False)

    assert checkin_reminders_send(now=moment(date(2026, 2, 1))) == 0
    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_the_sweep_is_registered_and_runs_with_the_others(users):
    from clientela.notifications.sweeps import sweeps_registered, sweeps_run

    client_with_cadence(owner=users["account_manager"], every_days=5, started_on=date(2026, 1, 1))

    assert "checkins.reminders" in sweeps_registered()
    assert sweeps_run(now=moment(date(2026, 1, 6)))["checkins.reminders"] == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_remind_exactly_once(users):
    from django.db import transaction

    am = users["account_manager"]
    rels = [
        client_with_cadence(owner=am, name=f"C{i}", every_days=5, started_on=date(2026, 1, i + 1))
        for i in range(4)
    ]
    barrier = threading.Barrier(2)
    sent, errors = [], []

    def sweep():
        try:
            barrier.wait()
            with transaction.atomic():  # as sweeps_run does
                sent.append(checkin_reminders_send(now=moment(date(2026, 2, 1))))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sum(sent) == 4
    assert Notification.objects.filter(kind="checkin_reminder").count() == 4
    assert CheckinReminder.objects.count() == 4
    assert sorted(Notification.objects.values_list("key", flat=True)) == sorted(
        f"checkin-reminder:{rel.pk}:{date(2026, 1, i + 6).isoformat()}"
        for i, rel in enumerate(rels)
    )
