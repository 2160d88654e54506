from datetime import date, timedelta

import pytest
from django.utils import timezone

from clientela.checkins.models import CheckinCadence
from clientela.checkins.selectors import checkin_status
from clientela.checkins.services import cadence_set, checkin_log
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent
from tests.checkins.helpers import at, client_with_cadence
from tests.factories import make_party

pytestmark = pytest.mark.django_db


def test_entering_onboarding_gives_a_client_the_desk_default_cadence(users):
    from clientela.clientdesk.settings import desk_settings_update
    from clientela.journeys.services import journey_move

    desk_settings_update(actor=None, checkin_every_days=21, checkin_channel="email",
                         guard_contract_for_purchase=False)  # fmt: skip
    party = make_party(relationship_kind="client", owner=users["account_manager"],
                       stage="purchase")  # fmt: skip
    rel = party.relationships.get()
    assert not CheckinCadence.objects.filter(relationship=rel).exists()

    journey_move(actor=None, relationship=rel, to_stage="onboarding", at=at(date(2026, 4, 2)))

    cadence = CheckinCadence.objects.get(relationship=rel)
    assert (cadence.every_days, cadence.channel, cadence.is_active, cadence.started_on) == (
        21, "email", True, date(2026, 4, 2),
    )  # fmt: skip


def test_the_hook_keeps_an_existing_cadence(users):
    from clientela.clientdesk.settings import desk_settings_update
    from clientela.journeys.services import journey_move

    desk_settings_update(actor=None, guard_contract_for_purchase=False)
    rel = client_with_cadence(owner=users["account_manager"], every_days=9,
                              started_on=date(2026, 1, 1))  # fmt: skip
    for stage in ("purchase", "onboarding"):
        journey_move(actor=None, relationship=rel, to_stage=stage)

    cadence = CheckinCadence.objects.get(relationship=rel)
    assert (cadence.every_days, cadence.started_on) == (9, date(2026, 1, 1))


def test_a_new_cadence_takes_the_desk_defaults_and_an_audit_event(users):
    am = users["account_manager"]
    rel = make_party(relationship_kind="client", owner=am,
                     stage="consideration").relationships.get()  # fmt: skip

    cadence = cadence_set(actor=am, relationship=rel, every_days=45)

    assert (cadence.every_days, cadence.channel, cadence.started_on) == (
        45, "call", timezone.localdate(),
    )  # fmt: skip
    event = AuditEvent.objects.filter(action="checkin.cadence_created").get()
    assert (event.actor_id, event.data["every_days"]) == (am.pk, 45)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"every_days": 0}, "every_days"),
        ({"every_days": 367}, "every_days"),
        ({"every_days": True}, "every_days"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_bad_cadence_values_are_refused_naming_the_field(users, values, field):
    rel = make_party(relationship_kind="client", owner=users["account_manager"],
                     stage="consideration").relationships.get()  # fmt: skip

    with pytest.raises(ApplicationError) as info:
        cadence_set(actor=users["admin"], relationship=rel, **values)

    assert (info.value.code, list(info.value.extra["fields"])) == (ErrorCode.VALIDATION, [field])
    assert not CheckinCadence.objects.exists()


def test_customers_have_no_cadence(users):
    rel = make_party(relationship_kind="customer", stage="consideration").relationships.get()

    with pytest.raises(ApplicationError) as info:
        cadence_set(actor=users["admin"], relationship=rel, every_days=30)

    assert info.value.extra["fields"] == {"relationship": ["only clients have a check-in cadence"]}


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("manager", True),
        ("account_manager", False),  # the client is the manager's
        ("support_agent", False),
        ("marketer", False),
        ("viewer", False),
    ],
)
def test_who_may_change_another_owners_cadence(users, role, allowed):
    rel = client_with_cadence(owner=users["manager"], every_days=30, started_on=date(2026, 1, 1))

    try:
        cadence_set(actor=users[role], relationship=rel, every_days=60)
    except ApplicationError as exc:
        assert exc.code == ErrorCode.PERMISSION_DENIED
    assert (CheckinCadence.objects.get().every_days == 60) is allowed


def test_an_account_manager_changes_the_cadence_of_their_own_client(users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=30, started_on=date(2026, 1, 1))

    cadence_set(actor=am, relationship=rel, channel="in_person_meeting", is_active=False)

    cadence = CheckinCadence.objects.get()
    assert (cadence.every_days, cadence.channel, cadence.is_active) == (
        30, "in_person_meeting", False,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("manager", True),
        ("support_agent", True),
        ("account_manager", False),
        ("marketer", False),
        ("viewer", False),
    ],
)
def test_logging_a_check_in_follows_the_activity_rules(users, role, allowed):
    rel = client_with_cadence(owner=users["manager"], every_days=30, started_on=date(2026, 1, 1))

    try:
        checkin_log(actor=users[role], relationship=rel, channel="call")
    except ApplicationError as exc:
        assert exc.code == ErrorCode.PERMISSION_DENIED
    assert rel.party.activities.count() == (1 if allowed else 0)


def test_each_channel_is_logged_as_its_activity_kind(users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=30, started_on=date(2026, 1, 1))

    for channel in ("call", "email", "virtual_meeting", "in_person_meeting"):
        checkin_log(actor=am, relationship=rel, channel=channel)

    assert sorted(rel.party.activities.values_list("kind", "channel")) == [
        ("call", "phone"), ("email", "email"), ("meeting_in_person", "in_person"),
        ("meeting_virtual", "video"),
    ]  # fmt: skip
    assert AuditEvent.objects.filter(action="checkin.logged").count() == 4


def test_a_check_in_in_the_future_or_on_an_unknown_channel_is_refused(users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=30, started_on=date(2026, 1, 1))

    with pytest.raises(ApplicationError) as future:
        checkin_log(actor=am, relationship=rel, channel="call",
                    at=timezone.now() + timedelta(hours=1))  # fmt: skip
    with pytest.raises(ApplicationError) as fax:
        checkin_log(actor=am, relationship=rel, channel="fax")

    assert future.value.extra["fields"] == {"at": ["cannot be in the future"]}
    assert list(fax.value.extra["fields"]) == ["channel"]
    assert rel.party.activities.count() == 0


def test_logging_today_moves_the_due_date_every_days_ahead(users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=30, started_on=date(2026, 1, 1))

    checkin_log(actor=am, relationship=rel, channel="call")

    today = timezone.localdate()
    status = checkin_status(relationship_id=rel.pk, today=today)
    assert (status.due_on, status.days_overdue) == (today + timedelta(days=30), -30)
