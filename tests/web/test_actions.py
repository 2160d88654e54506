"""Every write endpoint for every role: allowed roles get the exact new state, the others a
403 with nothing changed. Requests go through the whole middleware stack."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from clientela.activities.models import Activity
from clientela.journeys.models import JourneyTransition
from clientela.parties.models import Party, Relationship
from tests.web.conftest import ROLES

WRITERS = {"admin", "manager", "account_manager"}


@pytest.fixture(autouse=True)
def _no_contract_guard(db):
    """These tests are about who may act; the signed-contract guard has its own tests."""
    from clientela.clientdesk.settings import desk_settings_update

    desk_settings_update(actor=None, guard_contract_for_purchase=False)


def _current(party):
    return Relationship.objects.select_related("owner").get(party=party, is_current=True)


def _expect(response, role, allowed, party):
    if role in allowed:
        assert (response.status_code, response["Location"]) == (
            302,
            f"/parties/{party.public_id}/",
        )
        return True
    assert response.status_code == 403
    return False


@pytest.mark.parametrize("role", ROLES)
def test_log_an_activity_on_a_customer(login, customer, role):
    response = login(role).post(
        f"/parties/{customer.public_id}/activity/",
        {"kind": "call", "direction": "inbound", "subject": "Asked about prices", "body": ""},
    )

    rows = list(
        Activity.objects.filter(party=customer).values_list(
            "kind", "direction", "subject", "staff__username"
        )
    )
    if _expect(response, role, WRITERS | {"support_agent"}, customer):
        assert rows == [("call", "inbound", "Asked about prices", role)]
    else:
        assert rows == []


@pytest.mark.parametrize("role", ROLES)
def test_log_an_activity_on_someone_elses_client(login, client_of_manager, role):
    response = login(role).post(
        f"/parties/{client_of_manager.public_id}/activity/",
        {"kind": "note", "direction": "internal"},
    )

    count = Activity.objects.filter(party=client_of_manager).count()
    if _expect(response, role, {"admin", "manager", "support_agent"}, client_of_manager):
        assert count == 1
    else:
        assert count == 0


@pytest.mark.parametrize("role", ROLES)
def test_move_a_customer_one_stage_forward(login, customer, role):
    response = login(role).post(f"/parties/{customer.public_id}/move/", {"to_stage": "purchase"})

    stage = _current(customer).stage
    moves = JourneyTransition.objects.filter(relationship__party=customer).count()
    if _expect(response, role, WRITERS, customer):
        assert (stage, moves) == ("purchase", 2)
    else:
        assert (stage, moves) == ("consideration", 1)


@pytest.mark.parametrize("role", ROLES)
def test_move_someone_elses_client(login, client_of_manager, role):
    response = login(role).post(
        f"/parties/{client_of_manager.public_id}/move/", {"to_stage": "purchase"}
    )

    stage = _current(client_of_manager).stage
    if _expect(response, role, {"admin", "manager"}, client_of_manager):
        assert stage == "purchase"
    else:
        assert stage == "consideration"


@pytest.mark.parametrize("role", ROLES)
def test_convert_a_customer_into_a_client(login, users, customer, role):
    response = login(role).post(
        f"/parties/{customer.public_id}/convert/",
        {"owner": users["account_manager"].pk, "stage": "", "reason": "wants tailored advice"},
    )

    relationships = list(
        Relationship.objects.filter(party=customer)
        .order_by("id")
        .values_list("kind", "status", "is_current", "owner__username", "stage")
    )
    if _expect(response, role, WRITERS, customer):
        assert relationships == [
            ("customer", "converted", False, None, "consideration"),
            ("client", "active", True, "account_manager", "consideration"),
        ]
    else:
        assert relationships == [("customer", "active", True, None, "consideration")]


@pytest.mark.parametrize("role", ROLES)
def test_assign_an_owner_to_a_customer(login, users, customer, role):
    response = login(role).post(
        f"/parties/{customer.public_id}/owner/", {"owner": users["account_manager"].pk}
    )

    owner = _current(customer).owner
    if _expect(response, role, WRITERS, customer):
        assert owner == users["account_manager"]
    else:
        assert owner is None


@pytest.mark.parametrize("role", ROLES)
def test_assign_someone_elses_client_to_the_account_manager(login, users, client_of_manager, role):
    response = login(role).post(
        f"/parties/{client_of_manager.public_id}/owner/", {"owner": users["account_manager"].pk}
    )

    owner = _current(client_of_manager).owner
    if _expect(response, role, {"admin", "manager"}, client_of_manager):
        assert owner == users["account_manager"]
    else:
        assert owner == users["manager"]


@pytest.mark.parametrize("role", ROLES)
def test_set_tags(login, customer, role):
    response = login(role).post(
        f"/parties/{customer.public_id}/tags/", {"tags": "VIP, newsletter ,, "}
    )

    tags = sorted(customer.tags.values_list("name", flat=True))
    if _expect(response, role, WRITERS | {"marketer"}, customer):
        assert tags == ["newsletter", "vip"]
    else:
        assert tags == []


@pytest.mark.parametrize("role", ROLES)
def test_set_marketing_consent(login, customer, role):
    response = login(role).post(
        f"/parties/{customer.public_id}/consent/", {"consent": "yes", "source": "shop counter"}
    )

    party = Party.objects.get(pk=customer.pk)
    if _expect(response, role, WRITERS | {"marketer"}, customer):
        assert (party.marketing_consent, party.consent_source) == (True, "shop counter")
        assert party.consent_at is not None
    else:
        assert (party.marketing_consent, party.consent_source, party.consent_at) == (
            False,
            "",
            None,
        )


@pytest.mark.parametrize("role", ROLES)
def test_add_a_contact_point(login, customer, role):
    response = login(role).post(
        f"/parties/{customer.public_id}/contact/",
        {"kind": "phone", "value": "+40 721 000 111", "label": "mobile"},
    )

    points = list(
        customer.contact_points.order_by("kind", "id").values_list("kind", "value", "is_primary")
    )
    if _expect(response, role, WRITERS, customer):
        assert points == [
            ("email", "carmen@example.test", True),
            ("phone", "+40 721 000 111", True),
        ]
    else:
        assert points == [("email", "carmen@example.test", True)]


@pytest.mark.parametrize("role", ROLES)
def test_create_a_party(login, users, role):
    response = login(role).post(
        "/parties/new/",
        {
            "kind": "person",
            "given_name": "Ioana",
            "family_name": "Ionescu",
            "organisation_name": "",
            "email": "ioana@example.test",
            "phone": "",
            "relationship_kind": "client",
            "acquisition_channel": "referral",
            "owner": users["account_manager"].pk,
            "stage": "awareness",
        },
    )

    created = list(Party.objects.values_list("display_name", flat=True))
    if role in WRITERS:
        party = Party.objects.get()
        assert (response.status_code, response["Location"]) == (
            302,
            f"/parties/{party.public_id}/",
        )
        rel = _current(party)
        assert (party.display_name, rel.kind, rel.acquisition_channel, rel.stage) == (
            "Ioana Ionescu",
            "client",
            "referral",
            "awareness",
        )
        assert rel.owner == users["account_manager"]
        assert list(party.contact_points.values_list("value", flat=True)) == ["ioana@example.test"]
    else:
        assert response.status_code == 403
        assert created == []


def test_creating_a_party_with_a_bad_email_names_the_field_and_writes_nothing(login):
    response = login("admin").post(
        "/parties/new/",
        {
            "kind": "person",
            "given_name": "Ana",
            "email": "not-an-email",
            "acquisition_channel": "other",
        },
    )

    assert response.status_code == 422
    page = response.content.decode()
    assert (
        '<small class="field-error" role="alert">&#x27;not-an-email&#x27; is not a valid email '
        "address</small>" in page
    )
    assert 'value="Ana"' in page  # what the user typed comes back
    assert 'value="not-an-email"' in page
    assert Party.objects.count() == 0


def test_a_refused_new_client_keeps_the_form_and_names_the_rule(login):
    response = login("admin").post(
        "/parties/new/",
        {
            "kind": "person",
            "given_name": "Ana",
            "family_name": "Lopez",
            "email": "ana@example.test",
            "relationship_kind": "client",
            "acquisition_channel": "referral",
            "stage": "onboarding",
        },
    )

    assert response.status_code == 409
    page = response.content.decode()
    assert "A client enters onboarding only with an account manager: assign one first." in page
    assert 'value="Lopez"' in page and 'value="ana@example.test"' in page
    assert Party.objects.count() == 0


@pytest.mark.parametrize(
    "url,data",
    [
        ("/activity/", {"kind": "call", "direction": "outbound"}),
        ("/move/", {"to_stage": "purchase"}),
        ("/tags/", {"tags": "vip"}),
        ("/consent/", {"consent": "yes", "source": "x"}),
    ],
)
def test_anonymous_posts_are_sent_to_login_and_change_nothing(client, customer, url, data):
    response = client.post(f"/parties/{customer.public_id}{url}", data)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert (_current(customer).stage, customer.tags.count(), Activity.objects.count()) == (
        "consideration",
        0,
        0,
    )


@pytest.mark.parametrize("url", ["/activity/", "/move/", "/tags/", "/consent/", "/owner/"])
def test_write_endpoints_refuse_get(login, customer, url):
    assert login("admin").get(f"/parties/{customer.public_id}{url}").status_code == 405


def test_posts_without_a_csrf_token_are_refused(users, customer):
    client = Client(enforce_csrf_checks=True)
    client.login(username="admin", password="pw-for-tests-1")

    response = client.post(f"/parties/{customer.public_id}/tags/", {"tags": "vip"})

    assert response.status_code == 403
    assert customer.tags.count() == 0


def test_a_refused_post_from_our_page_flashes_the_message_and_goes_back(login, customer):
    client = login("admin")
    page = f"http://testserver/parties/{customer.public_id}/"

    response = client.post(
        f"/parties/{customer.public_id}/move/", {"to_stage": "retention"}, headers={"referer": page}
    )

    assert (response.status_code, response["Location"]) == (302, page)
    follow = client.get(f"/parties/{customer.public_id}/").content.decode()
    assert "Stages cannot be skipped: move to “Purchase” first." in follow


def test_a_foreign_referer_is_never_followed(login, customer):
    response = login("admin").post(
        f"/parties/{customer.public_id}/move/",
        {"to_stage": "retention"},
        headers={"referer": "https://evil.example/phish"},
    )

    assert response.status_code == 409
    assert "Stages cannot be skipped" in response.content.decode()
    assert _current(customer).stage == "consideration"


def test_a_refused_htmx_move_returns_the_rule_in_an_event_and_swaps_nothing(login, customer):
    rel = _current(customer)

    response = login("admin").post(
        f"/journeys/move/{rel.public_id}/",
        {"to_stage": "retention"},
        headers={"hx-request": "true", "hx-target": "board"},
    )

    assert response.status_code == 409
    assert response["HX-Reswap"] == "none"
    event = json.loads(response["HX-Trigger"])["clientela:error"]
    assert event["message"] == "Stages cannot be skipped: move to “Purchase” first."
    assert event["rule"] == "journey.one_step_forward"
    assert _current(customer).stage == "consideration"
