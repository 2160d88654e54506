"""Every page: login required, renders for every role, and shows only the allowed forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.web.conftest import ROLES

PAGES = [
    "/",
    "/parties/",
    "/parties/new/",
    "/journeys/client/",
    "/journeys/customer/",
    "/journeys/client/?mine=1",
    "/settings/",
]


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_anonymous_visitors_cannot_see_a_party_page(client, customer):
    response = client.get(f"/parties/{customer.public_id}/")

    assert (response.status_code, response["Location"]) == (
        302,
        f"/login/?next=/parties/{customer.public_id}/",
    )


def test_the_login_page_renders_and_signs_in(client, users):
    page = client.get("/login/")
    response = client.post("/login/", {"username": "viewer", "password": "pw-for-tests-1"})

    assert page.status_code == 200
    assert b'name="username"' in page.content
    assert (response.status_code, response["Location"]) == (302, "/")


def test_logout_is_a_post_that_ends_the_session(login):
    client = login("viewer")

    response = client.post("/logout/")

    assert response.status_code == 302
    assert client.get("/").status_code == 302


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", PAGES)
def test_every_page_renders_for_every_role(login, customer, client_of_manager, role, url):
    client = login(role)

    response = client.get(url)

    assert response.status_code == 200
    assert b"<!doctype html>" in response.content
    assert b"django_htmx/htmx-2.min.js" in response.content


@pytest.mark.parametrize("role", ROLES)
def test_every_party_page_renders_for_every_role(login, customer, client_of_manager, role):
    client = login(role)

    for party in (customer, client_of_manager):
        response = client.get(f"/parties/{party.public_id}/")
        assert response.status_code == 200
        assert party.display_name.encode() in response.content


def test_an_unknown_party_is_a_404_page(login):
    response = login("viewer").get("/parties/pty_nope/")

    assert response.status_code == 404
    assert b"No such party." in response.content


def test_an_unknown_journey_is_a_404(login):
    assert login("viewer").get("/journeys/supplier/").status_code == 404


FORMS = {
    "activity": "/activity/",
    "move": "/move/",
    "convert": "/convert/",
    "owner": "/owner/",
    "tags": "/tags/",
    "consent": "/consent/",
    "contact": "/contact/",
}
VISIBLE = {
    "admin": {"activity", "move", "convert", "owner", "tags", "consent", "contact"},
    "manager": {"activity", "move", "convert", "owner", "tags", "consent", "contact"},
    "account_manager": {"activity", "move", "convert", "owner", "tags", "consent", "contact"},
    "support_agent": {"activity"},
    "marketer": {"tags", "consent"},
    "viewer": set(),
}


@pytest.mark.parametrize("role", ROLES)
def test_the_party_page_shows_only_the_forms_the_role_may_use(login, customer, role):
    client = login(role)

    content = client.get(f"/parties/{customer.public_id}/").content.decode()

    shown = {
        name
        for name, suffix in FORMS.items()
        if f'action="/parties/{customer.public_id}{suffix}"' in content
    }
    assert shown == VISIBLE[role]


def test_an_account_manager_sees_no_change_forms_on_someone_elses_client(login, client_of_manager):
    content = login("account_manager").get(f"/parties/{client_of_manager.public_id}/")

    assert f"/parties/{client_of_manager.public_id}/move/".encode() not in content.content
    assert f"/parties/{client_of_manager.public_id}/activity/".encode() not in content.content


def test_the_dashboard_counts_current_relationships_by_kind_and_stage(
    login, customer, client_of_manager
):
    response = login("viewer").get("/")

    boards = {b["kind"]: b for b in response.context["boards"]}
    assert boards["client"]["total"] == 1
    assert [(s.stage, s.count) for s in boards["customer"]["stages"]] == [
        ("awareness", 0),
        ("consideration", 1),
        ("purchase", 0),
        ("retention", 0),
    ]
    assert b'data-testid="count-client-consideration">1<' in response.content


def test_the_party_page_shows_payer_and_a_different_consumer_for_a_gift(login, admin, customer):
    from decimal import Decimal

    from clientela.commerce.services import LineIn, order_record
    from tests.factories import make_party

    spouse = make_party(given_name="Luis", family_name="García")
    order_record(
        actor=admin,
        payer=customer,
        currency="EUR",
        lines=[LineIn(description="Spa day", unit_price=Decimal("120"), consumer=spouse)],
    )

    content = login("viewer").get(f"/parties/{customer.public_id}/").content.decode()

    assert "Spa day" in content
    assert f'<a href="/parties/{spouse.public_id}/">Luis García</a>' in content
    assert ">gift<" in content
    spouse_page = login("viewer").get(f"/parties/{spouse.public_id}/").content.decode()
    assert "Spa day" in spouse_page


def test_settings_change_the_interface_language(login, users):
    client = login("viewer")

    response = client.post(reverse("web:settings"), {"language": "es"})

    users["viewer"].refresh_from_db()
    assert users["viewer"].language == "es"
    assert response.status_code == 302
    page = client.get("/")
    assert page["Content-Language"] == "es"
    assert b'<html lang="es">' in page.content


def test_an_unsupported_language_is_refused(login, users):
    response = login("viewer").post("/settings/", {"language": "xx"})

    users["viewer"].refresh_from_db()
    assert response.status_code == 422
    assert users["viewer"].language == "en"
