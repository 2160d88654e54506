"""Creating and cancelling bookings: rights, conflicts (also concurrent), the activity on
the timeline, the notifications with their .ics, the signed links."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.core import signing
from django.db import connection, connections
from icalendar import Calendar

from clientela.activities.models import Activity
from clientela.booking import links
from clientela.booking.models import Booking, BookingStatus
from clientela.booking.services import booking_cancel, booking_create, booking_link_create
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.notifications.models import Notification
from tests.booking.conftest import make_service, make_staff

LONG_AGO = datetime(2020, 1, 1, tzinfo=UTC)
MONDAY_10 = datetime(2026, 1, 12, 10, tzinfo=UTC)


def _book(service, staff, party, at=MONDAY_10, **kwargs):
    return booking_create(
        actor=kwargs.pop("actor", None),
        service=service,
        staff=staff,
        party=party,
        start_at=at,
        now=LONG_AGO,
        **kwargs,
    )


@pytest.mark.django_db
def test_a_booking_logs_a_meeting_and_notifies_client_and_staff(client_party):
    staff = make_staff("ana", zone="UTC")
    service = make_service(staff, duration=60)

    booking = _book(service, staff, client_party)

    assert (booking.start_at, booking.end_at, booking.status, booking.email, booking.sequence) == (
        MONDAY_10,
        MONDAY_10 + timedelta(hours=1),
        "confirmed",
        "olga@example.test",
        0,
    )
    activity = Activity.objects.get(party=client_party, properties__booking=booking.public_id)
    assert (activity.kind, activity.staff_id, activity.occurred_at) == (
        "meeting_in_person",
        staff.pk,
        MONDAY_10,
    )
    sent = {n.key: n for n in Notification.objects.all()}
    assert set(sent) == {
        f"booking:{booking.public_id}:0:client",
        f"booking:{booking.public_id}:0:staff",
    }
    client_note = sent[f"booking:{booking.public_id}:0:client"]
    assert (client_note.email, client_note.user_id) == ("olga@example.test", None)
    assert sent[f"booking:{booking.public_id}:0:staff"].user_id == staff.pk
    attachment = client_note.attachments.get()
    assert attachment.content_type == "text/calendar; method=REQUEST"
    event = Calendar.from_ical(bytes(attachment.content)).walk("VEVENT")[0]
    assert (str(event["uid"]), event["dtstart"].dt, event["dtend"].dt, event["sequence"]) == (
        booking.uid,
        MONDAY_10,
        MONDAY_10 + timedelta(hours=1),
        0,
    )
    assert (str(event["status"]), str(event["attendee"]), str(event["organizer"])) == (
        "CONFIRMED",
        "mailto:olga@example.test",
        "mailto:ana@example.test",
    )


@pytest.mark.django_db
def test_the_same_slot_twice_is_a_conflict_and_a_time_outside_hours_is_invalid(client_party):
    staff = make_staff("ana", zone="UTC")
    service = make_service(staff, duration=60)
    _book(service, staff, client_party)

    with pytest.raises(ApplicationError) as taken:
        _book(service, staff, client_party)
    with pytest.raises(ApplicationError) as outside:
        _book(service, staff, client_party, at=MONDAY_10.replace(hour=20))
    with pytest.raises(ApplicationError) as off_grid:
        _book(service, staff, client_party, at=MONDAY_10.replace(minute=20))

    assert (taken.value.code, taken.value.message) == (
        ErrorCode.CONFLICT,
        "This time was just taken. Please choose another one.",
    )
    assert outside.value.extra["fields"] == {"start_at": ["is not a free slot of this service"]}
    assert off_grid.value.code == ErrorCode.VALIDATION
    assert Booking.objects.count() == 1


@pytest.mark.django_db
def test_staff_who_do_not_deliver_the_service_and_naive_times_are_refused(client_party):
    staff, other = make_staff("ana", zone="UTC"), make_staff("bob", zone="UTC")
    service = make_service(staff)
    with pytest.raises(ApplicationError) as wrong_staff:
        _book(service, other, client_party)
    with pytest.raises(ApplicationError) as naive:
        _book(service, staff, client_party, at=datetime(2026, 1, 12, 10))
    assert wrong_staff.value.extra["fields"] == {"staff": ["does not deliver this service"]}
    assert naive.value.extra["fields"] == {"start_at": ["needs a time zone"]}


@pytest.mark.django_db
def test_rights_to_book_for_a_party(users, client_party):
    staff = make_staff("ana", zone="UTC")
    service = make_service(staff)
    for role in ("viewer", "support_agent", "marketer"):
        with pytest.raises(ApplicationError) as refused:
            _book(service, staff, client_party, actor=users[role])
        assert refused.value.code == ErrorCode.PERMISSION_DENIED
    booking = _book(service, staff, client_party, actor=users["account_manager"])
    assert booking.created_by == users["account_manager"]


@pytest.mark.django_db
def test_cancelling_raises_the_sequence_sends_method_cancel_and_frees_the_slot(users, client_party):
    staff = make_staff("ana", zone="UTC")
    service = make_service(staff)
    booking = _book(service, staff, client_party)
    with pytest.raises(ApplicationError) as refused:
        booking_cancel(actor=users["viewer"], booking=booking)
    assert refused.value.code == ErrorCode.PERMISSION_DENIED

    cancelled = booking_cancel(
        actor=staff, booking=booking, reason="Ill", now=datetime(2026, 1, 10, tzinfo=UTC)
    )

    assert (
        cancelled.status,
        cancelled.sequence,
        cancelled.cancelled_by,
        cancelled.cancel_reason,
    ) == (
        BookingStatus.CANCELLED,
        1,
        staff,
        "Ill",
    )
    note = Notification.objects.get(key=f"booking:{booking.public_id}:1:client")
    ical = Calendar.from_ical(bytes(note.attachments.get().content))
    event = ical.walk("VEVENT")[0]
    assert (str(ical["method"]), str(event["status"]), event["sequence"], str(event["uid"])) == (
        "CANCEL",
        "CANCELLED",
        1,
        booking.uid,
    )
    assert Activity.objects.filter(party=client_party, kind="note").count() == 1
    again = _book(service, staff, client_party)
    assert again.start_at == MONDAY_10
    with pytest.raises(ApplicationError) as twice:
        booking_cancel(actor=staff, booking=cancelled, now=datetime(2026, 1, 10, tzinfo=UTC))
    assert twice.value.code == ErrorCode.CONFLICT


@pytest.mark.django_db
def test_a_started_booking_cannot_be_cancelled(client_party):
    staff = make_staff("ana", zone="UTC")
    booking = _book(make_service(staff), staff, client_party)
    with pytest.raises(ApplicationError) as late:
        booking_cancel(actor=None, booking=booking, by_client=True, now=MONDAY_10)
    assert late.value.code == ErrorCode.CONFLICT
    assert Booking.objects.get().status == "confirmed"


@pytest.mark.django_db
def test_booking_link_round_trip_and_rights(users, client_party):
    staff = make_staff("ana", zone="UTC")
    service = make_service(staff)
    with pytest.raises(ApplicationError) as refused:
        booking_link_create(actor=users["support_agent"], party=client_party)
    assert refused.value.code == ErrorCode.PERMISSION_DENIED

    link = booking_link_create(
        actor=users["account_manager"], party=client_party, services=[service]
    )

    grant = links.link_token_read(link.token)
    assert link.url == f"http://127.0.0.1:8000/book/{link.token}/"
    assert (grant.party_public_id, grant.service_ids) == (
        client_party.public_id,
        (service.public_id,),
    )
    assert timedelta(days=29, hours=23) < link.expires_at - datetime.now(UTC) <= timedelta(days=30)


@pytest.mark.django_db
def test_a_tampered_foreign_or_expired_link_is_refused(client_party, settings):
    token = links.link_token_make(party_public_id=client_party.public_id, service_ids=[])
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    foreign = signing.TimestampSigner(salt="other").sign_object({"p": client_party.public_id})
    for bad in (tampered, foreign, "nonsense", ""):
        with pytest.raises(ApplicationError) as refused:
            links.link_token_read(bad)
        assert refused.value.extra == {"reason": "invalid"}

    from clientela.clientdesk.settings import desk_settings_update

    desk_settings_update(actor=None, booking_link_days=1)
    old = signing.TimestampSigner(salt="clientela.booking")
    old.timestamp = lambda: signing.b62_encode(int(datetime.now(UTC).timestamp()) - 2 * 86400)
    expired = old.sign_object({"p": client_party.public_id, "s": []}, compress=True)
    with pytest.raises(ApplicationError) as too_old:
        links.link_token_read(expired)
    assert too_old.value.extra == {"reason": "expired"}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_for_the_same_slot_exactly_one_wins():
    _race(6)


def _race(n: int) -> None:
    from tests.factories import make_party

    staff = make_staff("ana", zone="UTC")
    service = make_service(staff)
    parties = [make_party(given_name=f"P{i}", relationship_kind="customer") for i in range(n)]
    barrier = threading.Barrier(n)
    won, lost, other = [], [], []

    def attempt(party):
        try:
            barrier.wait()
            won.append(_book(service, staff, party))
        except ApplicationError as exc:
            (lost if exc.code == ErrorCode.CONFLICT else other).append(exc)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            other.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(p,)) for p in parties]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (len(won), len(lost), other) == (1, n - 1, [])
    assert Booking.objects.filter(status="confirmed").count() == 1
