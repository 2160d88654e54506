"""The desk queue, the inline log form and the party card, through Django's test client."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from clientela.checkins.cards import party_card
from clientela.checkins.models import CheckinCadence
from tests.checkins.helpers import client_with_cadence
from tests.factories import make_party

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue_data(users):
    today = timezone.localdate()
    am, manager = users["account_manager"], users["manager"]
    return {
        "late": client_with_cadence(
            owner=am, name="Late", every_days=10, started_on=today - timedelta(days=13)
        ),  # fmt: skip
        "soon": client_with_cadence(
            owner=am, name="Soon", every_days=10, started_on=today - timedelta(days=5)
        ),  # fmt: skip
        "far": client_with_cadence(owner=am, name="Far", every_days=30, started_on=today),
        "theirs": client_with_cadence(
            owner=manager, name="Theirs", every_days=10, started_on=today - timedelta(days=20)
        ),  # fmt: skip
    }


def _ids(response, section: str) -> list[str]:
    html = response.content.decode()
    start = html.index(f'data-testid="checkin-{section}"')
    end = html.index("</section>", start)
    return [part.split('"', 1)[0] for part in html[start:end].split('data-relationship="')[1:]]


def test_an_account_manager_sees_their_own_overdue_and_soon_clients(client, users, queue_data):
    client.force_login(users["account_manager"])

    response = client.get(reverse("checkins:queue"), {"owner": "manager"})

    assert response.status_code == 200
    assert _ids(response, "overdue") == [queue_data["late"].public_id]
    assert _ids(response, "soon") == [queue_data["soon"].public_id]
    assert "3 days overdue" in response.content.decode()


def test_a_manager_chooses_one_account_manager_or_all(client, users, queue_data):
    client.force_login(users["manager"])

    everyone = client.get(reverse("checkins:queue"))
    theirs = client.get(reverse("checkins:queue"), {"owner": "manager"})

    assert _ids(everyone, "overdue") == [queue_data["theirs"].public_id,
                                         queue_data["late"].public_id]  # fmt: skip
    assert _ids(theirs, "overdue") == [queue_data["theirs"].public_id]
    assert _ids(theirs, "soon") == []


def test_a_viewer_reads_the_queue_without_log_forms(client, users, queue_data):
    client.force_login(users["viewer"])

    response = client.get(reverse("checkins:queue"))

    assert response.status_code == 200
    assert len(_ids(response, "overdue")) == 2
    assert 'data-testid="checkin-log-form"' not in response.content.decode()


def test_the_queue_needs_a_signed_in_user(client):
    response = client.get(reverse("checkins:queue"))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_logging_from_the_queue_removes_the_row_when_the_next_date_leaves_the_week(
    client, users, queue_data
):
    client.force_login(users["account_manager"])
    late = queue_data["late"]

    response = client.post(
        reverse("checkins:log", args=[late.public_id]),
        {"channel": "email", "note": "All fine"},
        headers={"HX-Request": "true"},
    )

    assert (response.status_code, response.content) == (200, b"")
    assert response["HX-Trigger"] == "checkins:logged"
    assert late.party.activities.get().kind == "email"
    queue = client.get(reverse("checkins:queue"))
    assert _ids(queue, "overdue") == []


def test_logging_keeps_the_row_when_the_next_date_stays_in_the_week(client, users):
    am = users["account_manager"]
    rel = client_with_cadence(owner=am, every_days=3,
                              started_on=timezone.localdate() - timedelta(days=5))  # fmt: skip
    client.force_login(am)

    response = client.post(
        reverse("checkins:log", args=[rel.public_id]),
        {"channel": "call"},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="checkin-{rel.public_id}"')
    assert "in 3 days" in html


def test_logging_on_another_managers_client_is_refused(client, users, queue_data):
    client.force_login(users["account_manager"])

    response = client.post(
        reverse("checkins:log", args=[queue_data["theirs"].public_id]),
        {"channel": "call"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 403
    assert response["HX-Reswap"] == "none"
    assert queue_data["theirs"].party.activities.count() == 0


def test_the_cadence_form_saves_and_goes_back_to_the_party(client, users):
    am = users["account_manager"]
    rel = make_party(
        relationship_kind="client", owner=am, stage="consideration"
    ).relationships.get()
    client.force_login(am)

    response = client.post(
        reverse("checkins:cadence", args=[rel.public_id]),
        {"every_days": "21", "channel": "virtual_meeting", "is_active": "on"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/parties/{rel.party.public_id}/"
    cadence = CheckinCadence.objects.get(relationship=rel)
    assert (cadence.every_days, cadence.channel, cadence.is_active) == (21, "virtual_meeting", True)


def test_a_bad_cadence_from_the_form_is_refused(client, users):
    am = users["account_manager"]
    rel = make_party(
        relationship_kind="client", owner=am, stage="consideration"
    ).relationships.get()
    client.force_login(am)
    page = f"/parties/{rel.party.public_id}/"

    response = client.post(
        reverse("checkins:cadence", args=[rel.public_id]),
        {"every_days": "400", "channel": "call"},
        headers={"Referer": f"http://testserver{page}"},
    )

    assert (response.status_code, response["Location"]) == (302, f"http://testserver{page}")
    assert not CheckinCadence.objects.exists()


def _card_html(card, user) -> str:
    request = RequestFactory().get("/parties/x/")
    request.user = user
    return render_to_string("checkins/party_card.html", {"card": card}, request=request)


def test_the_party_card_shows_the_rhythm_and_the_forms_the_user_may_use(users):
    am = users["account_manager"]
    today = timezone.localdate()
    rel = client_with_cadence(owner=am, every_days=14, started_on=today - timedelta(days=16),
                              channel="email")  # fmt: skip

    card = party_card(relationship=rel, user=am)
    viewer_card = party_card(relationship=rel, user=users["viewer"])

    assert (card["status"].due_on, card["status"].days_overdue, card["may_change"],
            card["may_log"]) == (today - timedelta(days=2), 2, True, True)  # fmt: skip
    assert card["punctuality"] == 0.0
    html = _card_html(card, am)
    assert "every 14 days" in html and "2 days overdue" in html
    assert 'data-testid="checkin-card-cadence"' in html
    assert (viewer_card["may_change"], viewer_card["may_log"]) == (False, False)
    viewer_html = _card_html(viewer_card, users["viewer"])
    assert 'data-testid="checkin-card-log"' not in viewer_html


def test_no_card_for_customers_or_for_readers_of_a_client_without_cadence(users):
    customer = make_party(relationship_kind="customer", stage="consideration").relationships.get()
    bare = make_party(relationship_kind="client", owner=users["account_manager"],
                      stage="consideration").relationships.get()  # fmt: skip

    assert party_card(relationship=customer, user=users["admin"]) is None
    assert party_card(relationship=None, user=users["admin"]) is None
    assert party_card(relationship=bare, user=users["viewer"]) is None
    offer = party_card(relationship=bare, user=users["account_manager"])
    assert (offer["cadence"], offer["every_days"], offer["channel"]) == (None, 30, "call")
    assert "Set a cadence" in _card_html(offer, users["account_manager"])
