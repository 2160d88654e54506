"""The SLA sweep: one warning per ticket and target before the breach, one breach notice to
the managers at the breach, exactly once."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection

from clientela.notifications import sweeps as registry
from clientela.notifications.models import Notification
from clientela.support import services
from clientela.support.models import SlaNotice
from clientela.support.sweeps import sla_sweep
from tests.factories import UserFactory
from tests.support.helpers import client, customer, local, madrid_calendar

FRIDAY = local(2026, 11, 20, 16, 30)


def _open(**kwargs):
    with mock.patch("django.utils.timezone.now", return_value=FRIDAY):
        return services.ticket_create(actor=None, subject="Cup", at=FRIDAY, **kwargs)


def _sent():
    return sorted(Notification.objects.values_list("key", "user__username"))


@pytest.mark.django_db
def test_the_sweep_is_registered():
    assert "support.sla" in registry.sweeps_registered()


@pytest.mark.django_db
def test_an_unassigned_ticket_warns_agents_and_managers_once_then_managers_at_the_breach(users):
    madrid_calendar()
    ticket = _open(party=customer(), priority="urgent")  # first response due Mon 09:30
    pk = ticket.pk

    assert sla_sweep(now=local(2026, 11, 23, 9, 14)) == 0  # 16 min left, lead 15 min
    assert sla_sweep(now=local(2026, 11, 23, 9, 15)) == 2
    assert sla_sweep(now=local(2026, 11, 23, 9, 20)) == 0
    assert _sent() == [
        (f"support-sla:{pk}:first_response:warning:{users['manager'].pk}", "manager"),
        (f"support-sla:{pk}:first_response:warning:{users['support_agent'].pk}", "support_agent"),
    ]
    assert sla_sweep(now=local(2026, 11, 23, 9, 30)) == 1
    assert sla_sweep(now=local(2026, 11, 23, 12, 0)) == 0
    assert _sent()[0] == (
        f"support-sla:{pk}:first_response:breach:{users['manager'].pk}",
        "manager",
    )
    assert Notification.objects.get(key__contains=":breach:").subject == (
        f"SLA breached: {ticket.reference} first response"
    )


@pytest.mark.django_db
def test_the_assignee_alone_gets_the_warning(users):
    madrid_calendar()
    am = users["account_manager"]
    ticket = _open(party=client(am), priority="normal")  # client normal: 240 min, lead 48
    assert ticket.first_response_due == local(2026, 11, 23, 12, 30)
    assert sla_sweep(now=local(2026, 11, 23, 11, 42)) == 1
    note = Notification.objects.get()
    assert (note.user, note.link) == (am, f"/support/tickets/{ticket.public_id}/")
    assert "48 min of business time left" in note.body


@pytest.mark.django_db
def test_a_ticket_found_already_breached_gets_only_the_breach_notice(users):
    madrid_calendar()
    ticket = _open(party=customer(), priority="urgent")
    assert sla_sweep(now=local(2026, 11, 23, 10, 0)) == 1
    assert set(SlaNotice.objects.values_list("target", "stage")) == {
        ("first_response", "breach"), ("first_response", "warning"),
    }  # fmt: skip
    assert Notification.objects.get().user == users["manager"]
    assert ticket.first_responded_at is None


@pytest.mark.django_db
def test_answered_and_pending_tickets_warn_only_for_what_still_runs(users):
    madrid_calendar()
    ticket = _open(party=customer(), priority="urgent")  # resolution due Mon 16:30 (480 min)
    with mock.patch("django.utils.timezone.now", return_value=local(2026, 11, 23, 9, 0)):
        services.ticket_reply(actor=None, ticket=ticket, body="On it")
        services.ticket_status_set(actor=None, ticket=ticket, status="pending")
    assert sla_sweep(now=local(2026, 11, 23, 17, 0)) == 0  # paused: nothing
    with mock.patch("django.utils.timezone.now", return_value=local(2026, 11, 24, 9, 0)):
        services.ticket_status_set(actor=None, ticket=ticket, status="open")
    ticket.refresh_from_db()
    assert ticket.resolution_due == local(2026, 11, 24, 16, 30)  # pushed by 8 business hours
    assert sla_sweep(now=local(2026, 11, 24, 14, 53)) == 0  # 97 min left, lead 96
    assert sla_sweep(now=local(2026, 11, 24, 14, 54)) == 2
    assert {k.split(":")[2] for k, _u in _sent() if k.startswith("support-sla")} == {"resolution"}


@pytest.mark.django_db
def test_without_managers_the_admins_get_the_breach(users):
    madrid_calendar()
    users["manager"].is_active = False
    users["manager"].save()
    _open(party=customer(), priority="urgent")
    sla_sweep(now=local(2026, 11, 23, 10, 0))
    assert [u for _k, u in _sent()] == ["admin"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_once(users):
    from django.db import connections

    madrid_calendar()
    UserFactory(username="agent2", role="support_agent")
    _open(party=customer(), priority="urgent")
    results, barrier = [], threading.Barrier(2)

    def run():
        try:
            barrier.wait()
            from django.db import transaction

            with transaction.atomic():
                results.append(sla_sweep(now=local(2026, 11, 23, 9, 20)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [0, 3]
    assert Notification.objects.count() == 3
