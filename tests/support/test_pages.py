"""The support pages through Django's test client: queue, ticket, new ticket, settings,
reports and the party card."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientela.support import services
from clientela.support.models import SlaPolicy, Ticket, TicketCategory
from clientela.support.setup import calendar_default
from tests.support.helpers import client as make_client
from tests.support.helpers import customer

pytestmark = pytest.mark.django_db


def test_the_queue_shows_my_tickets_and_the_unassigned_ones(client, users):
    am = users["account_manager"]
    mine = services.ticket_create(actor=None, party=make_client(am), subject="Contract question")
    loose = services.ticket_create(actor=None, party=customer(), subject="Broken cup")
    client.force_login(am)

    html = client.get(reverse("support:queue")).content.decode()
    assert "Contract question" in html and "Broken cup" not in html
    html = client.get(reverse("support:queue"), {"view": "unassigned"}).content.decode()
    assert "Broken cup" in html and "Contract question" not in html
    html = client.get(
        reverse("support:queue"), {"view": "all", "kind": "customer"}
    ).content.decode()
    assert f"ticket-{loose.public_id}" in html and f"ticket-{mine.public_id}" not in html
    assert "On track" in html


def test_the_ticket_page_replies_and_takes(client, users):
    agent = users["support_agent"]
    ticket = services.ticket_create(actor=None, party=customer(), subject="Cup", body="It broke")
    client.force_login(agent)
    url = reverse("support:ticket", args=[ticket.public_id])

    html = client.get(url).content.decode()
    assert "It broke" in html and "ana@example.test" in html
    client.post(reverse("support:update", args=[ticket.public_id]), {"action": "take"})
    response = client.post(reverse("support:reply", args=[ticket.public_id]), {"body": "On it"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.assignee, ticket.status, ticket.first_responded_at is not None) == (
        agent, "open", True,
    )  # fmt: skip
    html = client.get(url).content.decode()
    assert 'data-testid="sla-first_response"' in html and ">Met<" in html


def test_the_new_ticket_form_creates_a_party_for_an_unknown_email(client, users):
    client.force_login(users["support_agent"])
    response = client.post(reverse("support:new"), {
        "email": "new@example.test", "name": "Eva Nowak", "subject": "Where is my order?",
        "body": "Ordered last week", "channel": "phone", "priority": "high", "category": "orders",
    })  # fmt: skip
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("support:ticket", args=[ticket.public_id])
    assert (ticket.party.display_name, ticket.kind, ticket.category, ticket.priority) == (
        "Eva Nowak", "other", "orders", "high",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("role", "data"),
    [
        ("viewer", {"subject": "Where is my order?"}),  # may not work tickets
        ("support_agent", {"subject": "Hi", "category": "no-such-category"}),  # ticket refused
    ],
)
def test_a_refused_new_ticket_leaves_no_new_party_behind(client, users, role, data):
    from clientela.parties.models import Party

    client.force_login(users[role])
    parties = Party.objects.count()
    client.post(reverse("support:new"), {
        "email": "new@example.test", "name": "Eva Nowak", "channel": "phone",
        "priority": "high", **data,
    })  # fmt: skip
    assert (Ticket.objects.count(), Party.objects.count()) == (0, parties)


def test_the_new_ticket_form_from_the_party_card(client, users):
    party = customer()
    client.force_login(users["account_manager"])
    html = client.get(reverse("support:new"), {"party": party.public_id}).content.decode()
    assert "Ana Popescu" in html
    client.post(reverse("support:new") + f"?party={party.public_id}", {
        "party": party.public_id, "subject": "Refund", "channel": "web", "priority": "normal",
    })  # fmt: skip
    assert Ticket.objects.get().party == party


def test_settings_save_targets_hours_and_categories(client, users):
    client.force_login(users["manager"])
    html = client.get(reverse("support:sla_settings")).content.decode()
    assert 'value="0.5"' in html  # client urgent first response: 30 minutes
    data = {"part": "policies"}
    for policy in SlaPolicy.objects.all():
        data[f"{policy.kind}-{policy.priority}-first"] = "1"
        data[f"{policy.kind}-{policy.priority}-resolution"] = "8"
    client.post(reverse("support:sla_settings"), data)
    assert set(SlaPolicy.objects.values_list("first_response_minutes", "resolution_minutes")) == {
        (60, 480)
    }
    client.post(reverse("support:sla_settings"), {
        "part": "calendar", "time_zone": "Europe/Madrid", "day-0": "08:00-13:00, 14:00-17:00",
        "day-4": "08:00-14:00", "holidays": "2026-12-25 Christmas\n2026-12-26",
    })  # fmt: skip
    calendar = calendar_default()
    assert (calendar.time_zone, calendar.hours, calendar.holidays) == (
        "Europe/Madrid",
        {"0": [["08:00", "13:00"], ["14:00", "17:00"]], "4": [["08:00", "14:00"]]},
        [{"date": "2026-12-25", "name": "Christmas"}, {"date": "2026-12-26", "name": ""}],
    )
    client.post(
        reverse("support:sla_settings"), {"part": "categories", "categories": "Refunds\nBugs"}
    )
    html = client.get(reverse("support:new")).content.decode()
    assert 'value="refunds"' in html and 'value="bugs"' in html


def test_settings_are_read_only_for_support_agents(client, users):
    client.force_login(users["support_agent"])
    html = client.get(reverse("support:sla_settings")).content.decode()
    assert "Save targets" not in html
    response = client.post(
        reverse("support:sla_settings"), {"part": "categories", "categories": "X"},
        HTTP_REFERER="http://testserver/support/settings/",
    )  # fmt: skip
    assert response.status_code == 302
    assert list(TicketCategory.objects.values_list("key", flat=True)) == [
        "general", "orders", "billing", "technical", "account", "complaint",
    ]  # fmt: skip


def test_the_reports_page_renders_with_a_chart(client, users):
    ticket = services.ticket_create(actor=None, party=customer(), subject="x", category="billing")
    services.ticket_status_set(actor=None, ticket=ticket, status="resolved")
    client.force_login(users["viewer"])
    html = client.get(reverse("support:reports")).content.decode()
    assert "<svg" in html and "Billing" in html


def test_the_party_card_lists_open_tickets_with_a_new_ticket_link(client, users):
    party = customer()
    services.ticket_create(actor=None, party=party, subject="Open one")
    client.force_login(users["support_agent"])
    html = client.get(reverse("web:party", args=[party.public_id])).content.decode()
    assert 'data-testid="support-card"' in html and "Open one" in html
    assert f"/support/new/?party={party.public_id}" in html
