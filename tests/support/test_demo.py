from collections import Counter
from datetime import UTC, datetime

import pytest

from clientela.demo import demo_load
from clientela.support.demo import demo_load as support_demo_load
from clientela.support.models import Ticket, TicketMessage
from clientela.support.selectors import support_overview, tickets_with_sla

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, tzinfo=UTC)  # the end of the demo history


def _states():
    rows = tickets_with_sla(Ticket.objects.all(), now=NOW)
    return Counter(sla.current.state for _t, sla in rows)


def test_the_cafe_gets_customer_tickets_around_now():
    demo_load(business="cafe", size="small", seed=42, desk=False)

    created = support_demo_load(business="cafe", seed=42, now=NOW)

    assert (Ticket.objects.count(), TicketMessage.objects.count()) == (24, 54)
    assert created == 78
    assert set(Ticket.objects.values_list("kind", flat=True)) == {"customer"}
    assert _states() == {
        "met": 10, "missed": 2, "on_track": 6, "at_risk": 2, "breached": 2, "paused": 2,
    }  # fmt: skip
    overview = support_overview(now=NOW)
    assert (overview["open"], overview["at_risk"], overview["breached_open"]) == (12, 2, 2)
    assert support_demo_load(business="cafe", seed=42, now=NOW) == 0


def test_the_bank_gets_client_tickets_with_the_account_manager():
    demo_load(business="bank", size="small", seed=42, desk=False)

    created = support_demo_load(business="bank", seed=42, now=NOW)

    assert (created, Ticket.objects.count(), TicketMessage.objects.count()) == (105, 32, 73)
    clients = Ticket.objects.filter(kind="client").select_related("relationship")
    assert clients.count() == 10
    assert all(t.assignee_id == t.relationship.owner_id for t in clients)
    assert _states() == {
        "met": 15, "missed": 3, "on_track": 8, "at_risk": 2, "breached": 2, "paused": 2,
    }  # fmt: skip
    assert support_demo_load(business="bank", seed=42, now=NOW) == 0


def test_the_agency_gets_no_tickets():
    assert support_demo_load(business="agency", seed=42, now=NOW) == 0
