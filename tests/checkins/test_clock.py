from datetime import date

import pytest

from clientela.checkins.selectors import checkin_status, checkins_due
from clientela.checkins.services import checkin_log
from tests.checkins.helpers import at, client_with_cadence, touch

pytestmark = pytest.mark.django_db


def test_without_contact_the_check_in_is_due_every_days_after_the_start(users):
    rel = client_with_cadence(owner=users["account_manager"], every_days=30,
                              started_on=date(2026, 1, 31))  # fmt: skip

    status = checkin_status(relationship_id=rel.pk, today=date(2026, 3, 5))

    assert (status.due_on, status.days_overdue, status.last_contact_at) == (
        date(2026, 3, 2),
        3,
        None,
    )


def test_a_logged_check_in_restarts_the_clock_from_its_day(users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=14, started_on=date(2026, 1, 1))

    checkin_log(actor=am, relationship=rel, channel="email", note="Quarterly numbers",
                at=at(date(2026, 2, 20), 23))  # fmt: skip
    status = checkin_status(relationship_id=rel.pk, today=date(2026, 3, 1))

    assert status.due_on == date(2026, 3, 6)
    assert status.days_overdue == -5
    assert status.last_contact_at == at(date(2026, 2, 20), 23)
    activity = rel.party.activities.get()
    assert (activity.kind, activity.staff_id, activity.body, activity.subject) == (
        "email", am.pk, "Quarterly numbers", "Check-in",
    )  # fmt: skip


def test_any_staff_interaction_on_the_party_resets_the_clock(users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=30, started_on=date(2026, 1, 1))

    touch(rel, kind="meeting_in_person", day=date(2026, 2, 1), actor=am)
    touch(rel, kind="service_call", day=date(2026, 2, 10), staff=users["support_agent"],
          direction="inbound")  # fmt: skip

    assert checkin_status(relationship_id=rel.pk, today=date(2026, 3, 1)).due_on == date(
        2026, 3, 12
    )


def test_non_staff_activities_do_not_reset_the_clock(users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=30, started_on=date(2026, 1, 1))
    touch(rel, kind="call", day=date(2026, 1, 10), actor=am)

    for kind in ("website_visit", "campaign_open", "campaign_click", "social_interaction",
                 "store_visit", "note"):  # fmt: skip
        touch(rel, kind=kind, day=date(2026, 1, 20), staff=am)
    # an email from the client that no one on the staff handled
    touch(rel, kind="email", day=date(2026, 1, 25), direction="inbound")

    status = checkin_status(relationship_id=rel.pk, today=date(2026, 2, 15))
    assert (status.last_contact_at, status.due_on) == (at(date(2026, 1, 10)), date(2026, 2, 9))


def test_interactions_after_today_do_not_count(users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=10, started_on=date(2026, 1, 1))
    touch(rel, kind="call", day=date(2026, 1, 5), actor=am)
    touch(rel, kind="call", day=date(2026, 1, 20), actor=am)

    assert checkin_status(relationship_id=rel.pk, today=date(2026, 1, 19)).due_on == date(
        2026, 1, 15
    )
    assert checkin_status(relationship_id=rel.pk, today=date(2026, 1, 20)).due_on == date(
        2026, 1, 30
    )


def test_an_interaction_under_an_earlier_relationship_of_the_party_counts(users):
    from clientela.activities.models import Activity

    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=30, started_on=date(2026, 1, 1))
    activity = touch(rel, kind="chat", day=date(2026, 1, 15), actor=am)
    Activity.objects.filter(pk=activity.pk).update(relationship=None)

    assert checkin_status(relationship_id=rel.pk, today=date(2026, 2, 1)).due_on == date(
        2026, 2, 14
    )


def test_the_queue_holds_overdue_and_due_within_the_window_most_overdue_first(users):
    am, other = users["account_manager"], users["manager"]
    start = date(2026, 1, 1)
    overdue = client_with_cadence(owner=am, name="Overdue", every_days=30, started_on=start)
    today_due = client_with_cadence(owner=am, name="Today", every_days=31, started_on=start)
    in_week = client_with_cadence(owner=am, name="Week", every_days=38, started_on=start)
    client_with_cadence(owner=am, name="Later", every_days=39, started_on=start)
    theirs = client_with_cadence(owner=other, name="Theirs", every_days=20, started_on=start)

    rows = checkins_due(owner_id=am.pk, today=date(2026, 2, 1), within_days=7)

    assert [(r.relationship_id, r.due_on, r.days_overdue) for r in rows] == [
        (overdue.pk, date(2026, 1, 31), 1),
        (today_due.pk, date(2026, 2, 1), 0),
        (in_week.pk, date(2026, 2, 8), -7),
    ]
    everyone = checkins_due(owner_id=None, today=date(2026, 2, 1), within_days=0)
    assert [r.relationship_id for r in everyone] == [theirs.pk, overdue.pk, today_due.pk]
    assert rows[0].party_name == "Ana Overdue"
    assert (rows[0].relationship_public_id, rows[0].party_public_id) == (
        overdue.public_id, overdue.party.public_id,
    )  # fmt: skip


def test_paused_cadences_and_former_clients_are_not_due(users):
    from clientela.checkins.services import cadence_set
    from clientela.parties.models import Relationship

    am = users["account_manager"]
    paused = client_with_cadence(owner=am, name="Paused", every_days=5, started_on=date(2026, 1, 1))
    ended = client_with_cadence(owner=am, name="Ended", every_days=5, started_on=date(2026, 1, 1))
    cadence_set(actor=am, relationship=paused, is_active=False)
    Relationship.objects.filter(pk=ended.pk).update(status="ended")

    assert checkins_due(owner_id=am.pk, today=date(2026, 2, 1)) == []


def test_an_imported_staff_interaction_resets_the_clock_and_an_imported_visit_does_not(users):
    from clientela.activities.services import TouchpointIn, activity_record_bulk

    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=30, started_on=date(2026, 1, 1))

    activity_record_bulk(
        actor=None,
        items=[
            TouchpointIn(
                party_id=rel.party_id,
                kind="call",
                occurred_at=at(date(2026, 1, 20)),
                staff_id=am.pk,
            ),  # fmt: skip
            TouchpointIn(
                party_id=rel.party_id, kind="website_visit", occurred_at=at(date(2026, 1, 25))
            ),  # fmt: skip
            TouchpointIn(party_id=rel.party_id, kind="email", occurred_at=at(date(2026, 1, 26))),
        ],
    )

    assert checkin_status(relationship_id=rel.pk, today=date(2026, 2, 1)).due_on == date(
        2026, 2, 19
    )
