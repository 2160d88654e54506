"""The support API over real HTTP: tickets, messages, e-mail in, policies, calendar, report."""

from __future__ import annotations

import pytest

from clientela.support.models import Ticket, TicketMessage
from tests.factories import make_party
from tests.support.helpers import client as make_client
from tests.support.helpers import customer

pytestmark = pytest.mark.django_db(transaction=True)


def test_create_get_and_list_tickets(api, users):
    party = customer()
    agent = api("support_agent")

    created = agent.post("/support/tickets", json={
        "party": party.public_id, "subject": "Broken cup", "body": "It broke", "priority": "high",
    })  # fmt: skip
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["reference"], body["kind"], body["assignee"], body["status"], body["channel"]) == (
        "TKT-1001", "customer", None, "new", "api",
    )  # fmt: skip
    assert body["sla"]["first_response"]["target_minutes"] == 240
    assert created.headers["Location"].endswith(f"/api/v1/support/tickets/{body['id']}")
    got = agent.get(f"/support/tickets/{body['id']}")
    assert (got.status_code, got.json()["subject"]) == (200, "Broken cup")
    listed = agent.get("/support/tickets", params={"priority": "high", "limit": 1}).json()
    assert [t["id"] for t in listed["items"]] == [body["id"]]
    assert agent.get("/support/tickets", params={"kind": "client"}).json()["items"] == []


def test_a_client_ticket_is_routed_to_the_account_manager(api, users):
    party = make_client(users["account_manager"])
    body = api("manager").post("/support/tickets", json={"party": party.public_id, "subject": "Q"})
    assert (body.json()["kind"], body.json()["assignee"]) == ("client", "account_manager")


def test_bad_input_is_422_naming_the_field(api, users):
    agent = api("support_agent")
    missing = agent.post("/support/tickets", json={"party": "pty_nope", "subject": "x"})
    assert (missing.status_code, list(missing.json()["fields"])) == (422, ["party"])
    party = customer()
    bad = agent.post("/support/tickets", json={"party": party.public_id, "subject": "x",
                                                "category": "nope"})  # fmt: skip
    assert (bad.status_code, list(bad.json()["fields"])) == (422, ["category"])


def test_viewers_may_read_but_not_open_tickets(api, users):
    party = customer()
    refused = api("viewer").post(
        "/support/tickets", json={"party": party.public_id, "subject": "x"}
    )
    assert refused.status_code == 403
    assert api("viewer").get("/support/tickets").status_code == 200


def test_update_assigns_changes_status_and_honours_if_match(api, users):
    party = customer()
    agent = api("support_agent")
    ticket = agent.post("/support/tickets", json={"party": party.public_id, "subject": "x"}).json()
    url = f"/support/tickets/{ticket['id']}"
    etag = agent.get(url).headers["ETag"]

    changed = agent.patch(url, json={"assignee": "support_agent", "priority": "urgent"},
                          headers={"If-Match": etag})  # fmt: skip
    assert changed.status_code == 200, changed.text
    assert (changed.json()["assignee"], changed.json()["priority"]) == ("support_agent", "urgent")
    assert changed.json()["sla"]["first_response"]["target_minutes"] == 60
    stale = agent.patch(url, json={"status": "resolved"}, headers={"If-Match": etag})
    assert stale.status_code == 412
    resolved = agent.patch(url, json={"status": "resolved", "assignee": None})
    assert (resolved.json()["status"], resolved.json()["assignee"]) == ("resolved", None)
    assert resolved.json()["resolved_at"] is not None
    bad = agent.patch(url, json={"assignee": "marketer"})
    assert (bad.status_code, list(bad.json()["fields"])) == (422, ["assignee"])


def test_messages_reply_and_note(api, users):
    party = customer()
    agent = api("support_agent")
    ticket = agent.post("/support/tickets", json={"party": party.public_id, "subject": "x",
                                                  "body": "Help"}).json()  # fmt: skip
    url = f"/support/tickets/{ticket['id']}/messages"
    note = agent.post(url, json={"body": "Checking stock", "internal": True})
    reply = agent.post(url, json={"body": "Sent a new one"})
    assert (note.status_code, reply.status_code) == (201, 201)
    items = agent.get(url).json()["items"]
    assert [(m["from_customer"], m["internal"], m["body"]) for m in items] == [
        (True, False, "Help"), (False, True, "Checking stock"), (False, False, "Sent a new one"),
    ]  # fmt: skip
    got = agent.get(f"/support/tickets/{ticket['id']}").json()
    assert (got["status"], got["sla"]["first_response"]["state"]) == ("open", "met")


def test_email_in_opens_a_ticket_for_a_new_sender_and_is_idempotent(api, users):
    agent = api("support_agent")
    mail = {
        "from": "Eva@Example.test", "from_name": "Eva Nowak", "to": "help@shop.test",
        "subject": "Late delivery", "text": "Where is it?", "message_id": "<m1@mail.test>",
    }  # fmt: skip
    first = agent.post("/support/email-in", json=mail)
    assert first.status_code == 201, first.text
    again = agent.post("/support/email-in", json=mail)
    assert (again.status_code, again.json()["duplicate"]) == (200, True)
    assert again.json()["ticket"]["id"] == first.json()["ticket"]["id"]
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.kind, ticket.party.display_name, ticket.subject) == (
        "email", "other", "Eva Nowak", "Late delivery",
    )  # fmt: skip
    assert TicketMessage.objects.count() == 1


def test_email_in_matches_a_known_party_and_threads_replies(api, users):
    party = customer(email="ana@example.test")
    agent = api("support_agent")
    first = agent.post("/support/email-in", json={
        "from": "ana@example.test", "subject": "Refund", "text": "Please", "message_id": "<a@x>",
    }).json()  # fmt: skip
    assert first["ticket"]["party"] == party.public_id
    ticket_id = first["ticket"]["id"]
    agent.patch(f"/support/tickets/{ticket_id}", json={"status": "resolved"})
    by_subject = agent.post("/support/email-in", json={
        "from": "ana@example.test", "subject": f"Re: [{first['ticket']['reference']}] Refund",
        "text": "Still nothing", "message_id": "<b@x>",
    }).json()  # fmt: skip
    assert (by_subject["ticket"]["id"], by_subject["created_ticket"]) == (ticket_id, False)
    assert by_subject["ticket"]["status"] == "open"
    by_header = agent.post("/support/email-in", json={
        "from": "ana@example.test", "subject": "Re: Refund", "text": "Hello?",
        "message_id": "<c@x>", "in_reply_to": "<b@x>",
    }).json()  # fmt: skip
    assert by_header["ticket"]["id"] == ticket_id
    assert Ticket.objects.count() == 1 and TicketMessage.objects.count() == 3


def test_a_stranger_quoting_a_ticket_s_reference_opens_a_ticket_of_their_own(api, users):
    # given Ana's resolved ticket, first written from her address
    ana = customer(email="ana@example.test")
    agent = api("support_agent")
    first = agent.post("/support/email-in", json={
        "from": "ana@example.test", "subject": "Refund", "text": "Please", "message_id": "<a@x>",
    }).json()  # fmt: skip
    agent.patch(f"/support/tickets/{first['ticket']['id']}", json={"status": "resolved"})

    # when someone else writes quoting its reference and its Message-ID
    stranger = agent.post("/support/email-in", json={
        "from": "mallory@example.test", "subject": f"Re: [{first['ticket']['reference']}]",
        "text": "Reopen this", "message_id": "<m@x>", "in_reply_to": "<a@x>",
    }).json()  # fmt: skip

    # then Ana's ticket is untouched and the stranger has a new ticket of their own
    assert stranger["created_ticket"] is True
    assert stranger["ticket"]["id"] != first["ticket"]["id"]
    assert stranger["ticket"]["party"] != ana.public_id
    ana_ticket = Ticket.objects.get(public_id=first["ticket"]["id"])
    assert (ana_ticket.status, ana_ticket.messages.count()) == ("resolved", 1)


def test_email_in_refuses_bad_input(api, users):
    agent = api("support_agent")
    bad = agent.post("/support/email-in", json={"from": "not-an-address", "text": "x",
                                                "message_id": "<z@x>"})  # fmt: skip
    assert (bad.status_code, list(bad.json()["fields"])) == (422, ["from"])
    blank = agent.post("/support/email-in", json={"from": "a@b.test", "text": " ",
                                                  "message_id": "<z@x>"})  # fmt: skip
    assert (blank.status_code, list(blank.json()["fields"])) == (422, ["text"])
    assert Ticket.objects.count() == 0


def test_policies_and_calendar_get_and_put(api, users):
    manager = api("manager")
    policies = manager.get("/support/policies").json()["policies"]
    assert len(policies) == 12
    put = manager.put("/support/policies", json={"policies": [
        {"kind": "client", "priority": "urgent", "first_response_minutes": 15,
         "resolution_minutes": 120},
    ]})  # fmt: skip
    assert put.status_code == 200
    row = next(
        p for p in put.json()["policies"] if (p["kind"], p["priority"]) == ("client", "urgent")
    )
    assert (row["first_response_minutes"], row["resolution_minutes"]) == (15, 120)
    assert api("support_agent").put("/support/policies", json={"policies": []}).status_code == 403

    calendar = manager.put("/support/calendar", json={
        "time_zone": "Europe/Madrid", "hours": {"0": [["09:00", "14:00"]]},
        "holidays": [{"date": "2026-12-25", "name": "Christmas"}],
    })  # fmt: skip
    assert calendar.status_code == 200, calendar.text
    assert calendar.json()["hours"] == {"0": [["09:00", "14:00"]]}
    bad = manager.put("/support/calendar", json={"time_zone": "Mars/Base", "hours": {}})
    assert (bad.status_code, list(bad.json()["fields"])) == (422, ["time_zone"])
    overlap = manager.put("/support/calendar", json={
        "time_zone": "UTC", "hours": {"1": [["09:00", "12:00"], ["11:00", "13:00"]]},
    })  # fmt: skip
    assert (overlap.status_code, list(overlap.json()["fields"])) == (422, ["hours.1"])


def test_report(api, users):
    agent = api("support_agent")
    party = make_party(family_name="Report")
    ticket = agent.post("/support/tickets", json={"party": party.public_id, "subject": "x",
                                                  "category": "billing"}).json()  # fmt: skip
    agent.post(f"/support/tickets/{ticket['id']}/messages", json={"body": "hi"})
    report = agent.get("/support/report").json()
    assert (report["tickets"], report["first_response_met_share"]) == (1, 1.0)
    assert report["by_category"] == [{"category": "billing", "name": "Billing", "tickets": 1}]
    assert report["breaches"] == [
        {"kind": "other", "priority": "normal", "tickets": 1, "first_response": 0, "resolution": 0}
    ]
    bad = agent.get("/support/report", params={"from": "2026-02-01", "to": "2026-01-01"})
    assert (bad.status_code, list(bad.json()["fields"])) == (422, ["from"])
