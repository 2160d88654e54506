"""Tickets: routing, the SLA clocks on real tickets, replies, statuses and priorities."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from clientela.core.errors import ApplicationError
from clientela.notifications.models import Notification
from clientela.support import services
from clientela.support.models import SlaPolicy, Ticket, TicketMessage
from clientela.support.selectors import (
    AT_RISK,
    BREACHED,
    MET,
    MISSED,
    ON_TRACK,
    PAUSED,
    open_tickets_by_party,
    support_overview,
    ticket_sla,
)
from clientela.support.setup import policies_set
from tests.factories import make_party
from tests.support.helpers import client, customer, local, madrid_calendar

pytestmark = pytest.mark.django_db

FRIDAY = local(2026, 11, 20, 16, 30)


def at_time(moment):
    """Freeze `timezone.now()` (the services refuse moments in the future)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_a_customer_ticket_goes_to_the_unassigned_queue_with_customer_targets(users):
    madrid_calendar()
    with at_time(FRIDAY):
        ticket = services.ticket_create(
            actor=users["support_agent"], party=customer(), subject="Broken cup", body="Help",
            priority="urgent", at=FRIDAY,
        )  # fmt: skip
    assert (ticket.kind, ticket.assignee, ticket.status, ticket.number) == (
        "customer", None, "new", 1001,
    )  # fmt: skip
    assert (ticket.first_response_minutes, ticket.resolution_minutes) == (60, 480)
    # 30 min Friday + 30 min Monday; 30 min Friday + 7h30 Monday
    assert ticket.first_response_due == local(2026, 11, 23, 9, 30)
    assert ticket.resolution_due == local(2026, 11, 23, 16, 30)
    message = ticket.messages.get()
    assert (message.from_customer, message.body, message.author_name) == (
        True,
        "Help",
        "Ana Popescu",
    )


def test_a_clients_ticket_goes_to_their_account_manager_with_tighter_targets(users):
    madrid_calendar()
    am = users["account_manager"]
    with at_time(FRIDAY):
        ticket = services.ticket_create(
            actor=None, party=client(am), subject="Contract", at=FRIDAY, priority="high"
        )
    assert (ticket.kind, ticket.assignee, ticket.first_response_minutes) == ("client", am, 120)
    assert ticket.first_response_due == local(2026, 11, 23, 10, 30)


def test_a_party_without_relationship_gets_kind_other(users):
    madrid_calendar()
    party = make_party(family_name="Nobody")
    ticket = services.ticket_create(actor=None, party=party, subject="Hello")
    assert (ticket.kind, ticket.relationship) == ("other", None)


def test_a_monday_holiday_pushes_the_due_times(users):
    madrid_calendar(holidays=["2026-11-23"])
    with at_time(FRIDAY):
        ticket = services.ticket_create(actor=None, party=customer(), subject="x", at=FRIDAY,
                                        priority="high")  # fmt: skip
    # 4 hours: 30 min Friday, 3h30 Tuesday
    assert ticket.first_response_due == local(2026, 11, 24, 12, 30)


def test_roles_without_ticket_work_are_refused(users):
    madrid_calendar()
    for role in ("marketer", "viewer"):
        with pytest.raises(ApplicationError) as err:
            services.ticket_create(actor=users[role], party=customer(email=None), subject="x")
        assert err.value.code == "permission_denied"
    assert Ticket.objects.count() == 0


def test_bad_input_names_the_field(users):
    madrid_calendar()
    party = customer()
    cases = [
        ({"subject": ""}, "subject"),
        ({"subject": "x", "priority": "asap"}, "priority"),
        ({"subject": "x", "channel": "fax"}, "channel"),
        ({"subject": "x", "category": "nope"}, "category"),
        ({"subject": "x" * 301}, "subject"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ApplicationError) as err:
            services.ticket_create(actor=None, party=party, **kwargs)
        assert list(err.value.extra["fields"]) == [field]


def test_the_first_public_reply_meets_the_first_response_and_emails_the_party(
    users, django_capture_on_commit_callbacks
):
    madrid_calendar()
    agent = users["support_agent"]
    with at_time(FRIDAY):
        ticket = services.ticket_create(actor=agent, party=customer(), subject="Cup", at=FRIDAY)
    note_at, reply_at = local(2026, 11, 23, 9, 5), local(2026, 11, 23, 9, 20)
    with at_time(reply_at), django_capture_on_commit_callbacks(execute=True):
        services.ticket_reply(actor=agent, ticket=ticket, body="Looking", internal=True, at=note_at)
        reply = services.ticket_reply(actor=agent, ticket=ticket, body="Fixed", at=reply_at)
        services.ticket_reply(actor=agent, ticket=ticket, body="Also", at=reply_at)
    ticket.refresh_from_db()
    assert (ticket.first_responded_at, ticket.status) == (reply_at, "open")
    sla = ticket_sla(ticket, now=reply_at)
    assert (sla.first_response.state, sla.resolution.state) == (MET, ON_TRACK)
    mails = list(Notification.objects.order_by("id").values_list("key", "email", "subject"))
    assert mails[0] == (
        f"support-reply:{reply.public_id}",
        "ana@example.test",
        f"[TKT-{ticket.number}] Cup",
    )
    assert len(mails) == 2  # the internal note is not e-mailed
    assert reply.message_id == f"<{reply.public_id}@clientela>"


def test_sla_states_on_track_at_risk_breached_and_missed(users):
    madrid_calendar()
    with at_time(FRIDAY):
        ticket = services.ticket_create(actor=None, party=customer(), subject="x", at=FRIDAY)
    # normal customer: first response 480 min -> due Monday 16:30; warning lead 96 min
    assert ticket.first_response_due == local(2026, 11, 23, 16, 30)
    assert ticket_sla(ticket, now=local(2026, 11, 23, 14, 53, 59)).first_response.state == ON_TRACK
    risk = ticket_sla(ticket, now=local(2026, 11, 23, 14, 54)).first_response
    assert risk.state == AT_RISK
    breach = ticket_sla(ticket, now=local(2026, 11, 23, 17, 30)).first_response
    assert (breach.state, breach.minutes_left) == (BREACHED, -30.0)
    late = local(2026, 11, 24, 9, 15)
    with at_time(late):
        services.ticket_reply(actor=None, ticket=ticket, body="Sorry", at=late)
    ticket.refresh_from_db()
    assert ticket_sla(ticket, now=late).first_response.state == MISSED


def test_pending_pauses_the_resolution_clock_and_resuming_pushes_it(users):
    madrid_calendar()
    with at_time(FRIDAY):
        ticket = services.ticket_create(actor=None, party=customer(), subject="x", at=FRIDAY,
                                        priority="urgent")  # fmt: skip
    assert ticket.resolution_due == local(2026, 11, 23, 16, 30)
    with at_time(local(2026, 11, 23, 10, 0)):
        services.ticket_status_set(actor=None, ticket=ticket, status="pending")
    ticket.refresh_from_db()
    assert ticket_sla(ticket, now=local(2026, 11, 25, 10)).resolution.state == PAUSED
    # back on Tuesday 11:00: paused 7h (Mon 10-17) + 2h (Tue 9-11) = 9 business hours
    with at_time(local(2026, 11, 24, 11, 0)):
        services.ticket_status_set(actor=None, ticket=ticket, status="open")
    ticket.refresh_from_db()
    assert (ticket.paused_seconds, ticket.paused_since) == (9 * 3600, None)
    # 16:30 Monday + 9 business hours = Wednesday 09:30
    assert ticket.resolution_due == local(2026, 11, 25, 9, 30)


def test_resolving_straight_from_pending_credits_the_wait(users):
    madrid_calendar()
    with at_time(FRIDAY):
        ticket = services.ticket_create(actor=None, party=customer(), subject="x", at=FRIDAY,
                                        priority="urgent")  # fmt: skip
    with at_time(local(2026, 11, 23, 10, 0)):
        services.ticket_status_set(actor=None, ticket=ticket, status="pending")
    # resolved on Tuesday 11:00 without going back to open: the same 9 business hours
    # waiting on the requester push the target (Monday 16:30) to Wednesday 09:30
    done = local(2026, 11, 24, 11, 0)
    with at_time(done):
        services.ticket_status_set(actor=None, ticket=ticket, status="resolved")
    ticket.refresh_from_db()
    assert (ticket.paused_seconds, ticket.paused_since, ticket.resolved_at) == (
        9 * 3600, done, done,
    )  # fmt: skip
    assert ticket.resolution_due == local(2026, 11, 25, 9, 30)
    assert ticket_sla(ticket, now=done).resolution.state == MET


def test_resolve_sets_resolved_at_and_reopen_clears_it(users):
    madrid_calendar()
    with at_time(FRIDAY):
        ticket = services.ticket_create(actor=None, party=customer(), subject="x", at=FRIDAY)
    done = local(2026, 11, 23, 12, 0)
    with at_time(done):
        services.ticket_status_set(actor=None, ticket=ticket, status="resolved")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolved_at) == ("resolved", done)
    assert ticket_sla(ticket, now=done).resolution.state == MET
    with at_time(local(2026, 11, 23, 14, 0)):
        services.ticket_status_set(actor=None, ticket=ticket, status="open")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.resolved_at, ticket.paused_seconds) == ("open", None, 7200)


def test_a_priority_change_recomputes_the_due_times_from_creation(users):
    madrid_calendar()
    with at_time(FRIDAY):
        ticket = services.ticket_create(actor=None, party=customer(), subject="x", at=FRIDAY)
    with at_time(local(2026, 11, 23, 9, 0)):
        services.ticket_priority_set(actor=None, ticket=ticket, priority="urgent")
    ticket.refresh_from_db()
    assert (ticket.priority, ticket.first_response_minutes) == ("urgent", 60)
    assert ticket.first_response_due == local(2026, 11, 23, 9, 30)
    assert ticket.resolution_due == local(2026, 11, 23, 16, 30)


def test_changed_policies_apply_to_new_tickets(users):
    madrid_calendar()
    policies_set(actor=users["manager"], targets=[
        {"kind": "customer", "priority": "normal", "first_response_minutes": 15,
         "resolution_minutes": 30},
    ])  # fmt: skip
    with at_time(FRIDAY):
        ticket = services.ticket_create(actor=None, party=customer(), subject="x", at=FRIDAY)
    assert ticket.first_response_due == local(2026, 11, 20, 16, 45)
    with pytest.raises(ApplicationError):
        policies_set(actor=users["support_agent"], targets=[])
    with pytest.raises(ApplicationError) as err:
        policies_set(actor=None, targets=[
            {"kind": "customer", "priority": "low", "first_response_minutes": 90,
             "resolution_minutes": 60},
        ])  # fmt: skip
    assert list(err.value.extra["fields"]) == ["policies[0].first_response_minutes"]
    assert SlaPolicy.objects.get(kind="customer", priority="low").first_response_minutes == 960


def test_assign_take_and_refuse_roles_that_do_not_work_tickets(users):
    madrid_calendar()
    ticket = services.ticket_create(actor=None, party=customer(), subject="x")
    services.ticket_take(actor=users["support_agent"], ticket=ticket)
    ticket.refresh_from_db()
    assert ticket.assignee == users["support_agent"]
    services.ticket_assign(actor=users["manager"], ticket=ticket, assignee=users["account_manager"])
    ticket.refresh_from_db()
    assert ticket.assignee == users["account_manager"]
    with pytest.raises(ApplicationError) as err:
        services.ticket_assign(actor=None, ticket=ticket, assignee=users["marketer"])
    assert list(err.value.extra["fields"]) == ["assignee"]


def test_overview_and_open_tickets_by_party(users):
    madrid_calendar()
    ana, ion = customer(), client(users["account_manager"])
    with at_time(FRIDAY):
        first = services.ticket_create(actor=None, party=ana, subject="a", at=FRIDAY)
        services.ticket_create(actor=None, party=ana, subject="b", at=FRIDAY, priority="urgent")
        done = services.ticket_create(actor=None, party=ion, subject="c", at=FRIDAY)
    reply_at = local(2026, 11, 23, 10, 0)
    with at_time(reply_at):
        services.ticket_reply(actor=None, ticket=first, body="hi", at=reply_at)
        services.ticket_status_set(actor=None, ticket=done, status="resolved")
    assert open_tickets_by_party(party_ids=[ana.pk, ion.pk]) == {ana.pk: 2}
    # at Monday 9:20 the urgent one (first response due 9:30) is at risk; at 17:00 breached
    overview = support_overview(now=local(2026, 11, 23, 10, 0))
    assert overview == {
        "open": 2, "at_risk": 0, "breached_open": 1,
        "median_first_response_minutes_30d": 90.0,
    }  # fmt: skip
    assert TicketMessage.objects.count() == 1
    assert timezone.is_aware(first.created_at)


def test_ticket_numbers_increase(users):
    madrid_calendar()
    party = customer()
    numbers = [
        services.ticket_create(actor=None, party=party, subject="x").number for _ in range(3)
    ]
    assert numbers == [1001, 1002, 1003]


def test_a_future_moment_is_refused(users):
    madrid_calendar()
    with pytest.raises(ApplicationError) as err:
        services.ticket_create(
            actor=None, party=customer(), subject="x", at=timezone.now() + timedelta(hours=1)
        )
    assert list(err.value.extra["fields"]) == ["at"]
