import datetime as dt
from decimal import Decimal

import pytest

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.notifications.models import Notification
from clientela.notifications.sweeps import sweeps_run
from clientela.reviews import services
from clientela.reviews.models import Review, ReviewSchedule
from tests.reviews.conftest import make_client

NOW = dt.datetime(2026, 5, 10, 8, 30, tzinfo=dt.UTC)
GOOD = {"overall": 9, "results": 5, "communication": 4, "responsiveness": 5, "recommend": 10}


def _due(rel, on: dt.date, every: int = 3) -> ReviewSchedule:
    ReviewSchedule.objects.update_or_create(
        relationship=rel, defaults={"next_due_on": on, "every_months": every, "active": True}
    )
    return ReviewSchedule.objects.get(relationship=rel)


def test_add_months_clamps_to_the_end_of_the_month():
    assert services.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert services.add_months(dt.date(2027, 11, 30), 3) == dt.date(2028, 2, 29)
    assert services.add_months(dt.date(2026, 12, 15), 24) == dt.date(2028, 12, 15)


def test_entering_relationship_management_schedules_the_first_review(users, desk_open):
    from clientela.clientdesk.settings import desk_settings_update

    desk_settings_update(actor=None, review_every_months=6)
    rel = make_client(users["account_manager"], stage="onboarding")
    assert not ReviewSchedule.objects.filter(relationship=rel).exists()

    from clientela.journeys.services import journey_move

    journey_move(
        actor=users["account_manager"], relationship=rel, to_stage="relationship_management", at=NOW
    )

    schedule = ReviewSchedule.objects.get(relationship=rel)
    assert (schedule.every_months, schedule.next_due_on, schedule.active) == (
        6,
        dt.date(2026, 11, 10),
        True,
    )


def test_the_default_schedule_never_replaces_an_existing_one(client_rel):
    _due(client_rel, dt.date(2026, 6, 1), every=2)
    services.review_schedule_ensure(relationship=client_rel, at=NOW)
    schedule = ReviewSchedule.objects.get(relationship=client_rel)
    assert (schedule.every_months, schedule.next_due_on) == (2, dt.date(2026, 6, 1))


def test_the_sweep_sends_a_due_review_once_and_moves_the_schedule(client_rel, users):
    _due(client_rel, dt.date(2026, 5, 10))

    first = sweeps_run(now=NOW)
    second = sweeps_run(now=NOW + dt.timedelta(minutes=15))

    assert (first["reviews.due"], second["reviews.due"]) == (2, 0)
    review = Review.objects.get(relationship=client_rel)
    assert (review.origin, review.status, review.due_on, review.sent_at, review.sent_to) == (
        "schedule",
        "sent",
        dt.date(2026, 5, 10),
        NOW,
        "c@x.test",
    )
    notes = Notification.objects.filter(key__contains=review.public_id).order_by("key")
    assert [(n.key, n.email, n.user_id) for n in notes] == [
        (
            f"review-sent-owner:{review.public_id}",
            "account_manager@example.test",
            users["account_manager"].pk,
        ),
        (f"review-sent:{review.public_id}", "c@x.test", None),
    ]
    assert "/review/" in notes[1].body
    assert ReviewSchedule.objects.get(relationship=client_rel).next_due_on == dt.date(2026, 8, 10)


def test_a_late_sweep_sends_one_review_and_skips_to_the_next_future_date(client_rel):
    _due(client_rel, dt.date(2026, 1, 15))

    sweeps_run(now=NOW)  # 10 May: 15 Jan, 15 Apr are past; 15 Jul is next

    assert list(Review.objects.values_list("due_on", flat=True)) == [dt.date(2026, 1, 15)]
    assert ReviewSchedule.objects.get(relationship=client_rel).next_due_on == dt.date(2026, 7, 15)


def test_a_client_without_email_gets_no_email_and_the_owner_is_told_to_send_by_hand(
    users, desk_open
):
    rel = make_client(users["account_manager"], email=None, name="Nomail")
    _due(rel, dt.date(2026, 5, 1))

    assert sweeps_run(now=NOW)["reviews.due"] == 1

    review = Review.objects.get(relationship=rel)
    note = Notification.objects.get(key__contains=review.public_id)
    assert (review.sent_to, note.user_id) == ("", users["account_manager"].pk)
    assert note.body == (
        "Nomail Client has no email address: send them the questionnaire link from the review page."
    )


def test_the_sweep_ignores_future_inactive_and_non_client_schedules(users, desk_open):
    future = make_client(users["account_manager"], name="Future")
    _due(future, dt.date(2026, 5, 11))
    paused = make_client(users["account_manager"], name="Paused")
    ReviewSchedule.objects.filter(
        relationship=_due(paused, dt.date(2026, 5, 1)).relationship
    ).update(active=False)

    assert sweeps_run(now=NOW)["reviews.due"] == 0
    assert Review.objects.count() == 0


def test_send_now_restarts_the_schedule_and_refuses_a_second_while_waiting(client_rel, users):
    _due(client_rel, dt.date(2026, 9, 1))
    review = services.review_send(actor=users["account_manager"], relationship=client_rel, now=NOW)

    assert (review.origin, review.status, review.due_on) == ("manual", "sent", dt.date(2026, 5, 10))
    assert ReviewSchedule.objects.get(relationship=client_rel).next_due_on == dt.date(2026, 8, 10)
    with pytest.raises(ApplicationError) as info:
        services.review_send(actor=users["manager"], relationship=client_rel, now=NOW)
    assert info.value.code == ErrorCode.CONFLICT
    assert Review.objects.count() == 1


@pytest.mark.parametrize("role", ["support_agent", "marketer", "viewer"])
def test_roles_without_rights_may_not_send_note_close_or_schedule(client_rel, users, role):
    actor = users[role]
    review = services.review_send(actor=None, relationship=client_rel, now=NOW)
    calls = [
        lambda: services.review_send(actor=actor, relationship=client_rel),
        lambda: services.review_notes_update(actor=actor, review=review, notes="x"),
        lambda: services.review_close(actor=actor, review=review),
        lambda: services.review_schedule_set(actor=actor, relationship=client_rel, every_months=2),
    ]
    for call in calls:
        with pytest.raises(ApplicationError) as info:
            call()
        assert info.value.code == ErrorCode.PERMISSION_DENIED


def test_another_account_manager_may_not_touch_the_review(client_rel, users):
    from tests.factories import UserFactory

    other = UserFactory(username="other_am", role="account_manager")
    with pytest.raises(ApplicationError) as info:
        services.review_send(actor=other, relationship=client_rel)
    assert info.value.code == ErrorCode.PERMISSION_DENIED
    assert services.review_send(actor=users["manager"], relationship=client_rel).status == "sent"


def test_reviews_are_for_clients_only(users, desk_open):
    from tests.factories import make_party

    customer = make_party(relationship_kind="customer").relationships.get()
    with pytest.raises(ApplicationError) as info:
        services.review_send(actor=users["admin"], relationship=customer)
    assert info.value.code == ErrorCode.CONFLICT


def test_one_answer_only(client_rel):
    review = services.review_send(actor=None, relationship=client_rel, now=NOW)
    answered = services.review_answer(
        public_id=review.public_id, data={**GOOD, "comment": " Thanks "}, now=NOW
    )
    assert (answered.status, answered.score, answered.client_comment, answered.answers) == (
        "answered",
        Decimal("9.3"),
        "Thanks",
        GOOD,
    )

    with pytest.raises(ApplicationError) as info:
        services.review_answer(public_id=review.public_id, data={**GOOD, "overall": 0}, now=NOW)
    assert info.value.code == ErrorCode.CONFLICT
    review.refresh_from_db()
    assert (review.score, review.answers["overall"]) == (Decimal("9.3"), 9)
    assert Notification.objects.filter(key=f"review-answered:{review.public_id}").count() == 1


def test_a_closed_waiting_review_can_no_longer_be_answered(client_rel, users):
    review = services.review_send(actor=None, relationship=client_rel, now=NOW)
    services.review_close(actor=users["account_manager"], review=review)
    with pytest.raises(ApplicationError) as info:
        services.review_answer(public_id=review.public_id, data=GOOD)
    assert info.value.code == ErrorCode.CONFLICT
    with pytest.raises(ApplicationError) as again:
        services.review_close(actor=users["account_manager"], review=review)
    assert again.value.code == ErrorCode.CONFLICT


def test_notes_record_who_and_when(client_rel, users):
    review = services.review_send(actor=None, relationship=client_rel, now=NOW)
    services.review_notes_update(actor=users["account_manager"], review=review, notes=" Call them ")
    review.refresh_from_db()
    assert (review.notes, review.notes_by, review.notes_at is not None) == (
        "Call them",
        users["account_manager"],
        True,
    )
    with pytest.raises(ApplicationError) as info:
        services.review_notes_update(actor=users["manager"], review=review, notes="x" * 10001)
    assert info.value.extra == {"fields": {"notes": ["must be at most 10000 characters"]}}


@pytest.mark.parametrize(
    ("kwargs", "field", "problem"),
    [
        ({"every_months": 0}, "every_months", "must be between 1 and 24"),
        ({"every_months": 25}, "every_months", "must be between 1 and 24"),
        (
            {"every_months": 3, "next_due_on": dt.date(2026, 5, 9)},
            "next_due_on",
            "must not be in the past",
        ),
    ],
)
def test_schedule_validation_names_the_field(client_rel, users, kwargs, field, problem):
    with pytest.raises(ApplicationError) as info:
        services.review_schedule_set(
            actor=users["manager"], relationship=client_rel, today=dt.date(2026, 5, 10), **kwargs
        )
    assert info.value.extra == {"fields": {field: [problem]}}


def test_schedule_set_creates_then_changes(users, desk_open):
    rel = make_client(users["account_manager"], stage="onboarding")
    made = services.review_schedule_set(
        actor=users["account_manager"], relationship=rel, every_months=4, today=dt.date(2026, 5, 10)
    )
    assert (made.every_months, made.next_due_on, made.active) == (4, dt.date(2026, 9, 10), True)
    changed = services.review_schedule_set(
        actor=users["account_manager"], relationship=rel, every_months=12, active=False
    )
    assert (changed.pk, changed.every_months, changed.next_due_on, changed.active) == (
        made.pk,
        12,
        dt.date(2026, 9, 10),
        False,
    )


def test_a_backup_account_manager_may_act_on_the_review(client_rel, users):
    from clientela.clientdesk.services import relationship_backup_add
    from tests.factories import UserFactory

    backup = UserFactory(username="backup_am", role="account_manager")
    relationship_backup_add(actor=users["manager"], relationship=client_rel, user=backup)

    review = services.review_send(actor=backup, relationship=client_rel, now=NOW)
    services.review_notes_update(actor=backup, review=review, notes="Covering for Ana")
    assert (review.status, Review.objects.get().notes_by) == ("sent", backup)
