"""The desk pages: login required, every role reads, only allowed roles change."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clientela.clientdesk.settings import desk_settings_update
from clientela.contracts.models import Contract
from tests.conftest import PASSWORD
from tests.contracts.conftest import draft, signed
from tests.contracts.test_files import PDF_BYTES

ROLES = ["admin", "manager", "account_manager", "support_agent", "marketer", "viewer"]


@pytest.fixture
def login(client, users):
    def sign_in(role: str):
        client.logout()
        assert client.login(username=role, password=PASSWORD) is True
        return client

    return sign_in


def test_anonymous_visitors_are_sent_to_login(client, users, own_rel):
    contract = draft(own_rel, None)
    for url in (
        "/desk/contracts/",
        f"/desk/contracts/new/?party={own_rel.party.public_id}",
        f"/desk/contracts/{contract.public_id}/",
        f"/desk/contracts/{contract.public_id}/document/",
    ):
        response = client.get(url)
        assert (response.status_code, response["Location"].startswith("/login/")) == (302, True)


def test_every_role_reads_the_list_and_the_detail(login, users, own_rel):
    contract = signed(own_rel, None, active=True)
    for role in ROLES:
        client = login(role)
        listing = client.get("/desk/contracts/")
        detail = client.get(f"/desk/contracts/{contract.public_id}/")
        assert (listing.status_code, detail.status_code) == (200, 200), role
        assert contract.title in listing.content.decode()
        may_change = role in ("admin", "manager", "account_manager")
        assert ('data-testid="contract-edit"' in detail.content.decode()) is may_change, role
        assert ('data-testid="transition-expired"' in detail.content.decode()) is may_change


def test_list_filters(login, users, own_rel, other_rel):
    today = dt.date.today()
    soon = signed(
        own_rel,
        None,
        title="Soon",
        start_on=today - dt.timedelta(days=100),
        end_on=today + dt.timedelta(days=30),
    )
    signed(
        other_rel,
        None,
        title="Later",
        start_on=today - dt.timedelta(days=100),
        end_on=today + dt.timedelta(days=90),
    )
    draft(own_rel, None, title="Drafty")
    client = login("viewer")

    def titles(query: str) -> list[str]:
        response = client.get("/desk/contracts/?" + query)
        return [c.title for c in response.context["page"].object_list]

    assert titles("") == ["Drafty", "Later", "Soon"]
    assert titles("renewing=1") == ["Soon"]
    assert titles("status=draft") == ["Drafty"]
    assert titles("owner=manager") == ["Later"]
    assert titles("owner=ghost") == []
    assert titles("q=nowak") == ["Later"]
    assert titles(f"q={soon.public_id}") == ["Soon"]


def test_list_paginates_by_25(login, users, own_rel):
    for n in range(27):
        draft(own_rel, None, title=f"C{n:02d}")
    client = login("viewer")
    first = client.get("/desk/contracts/")
    second = client.get("/desk/contracts/?page=2")
    assert (len(first.context["page"].object_list), len(second.context["page"].object_list)) == (
        25,
        2,
    )


def test_new_contract_from_the_party(login, users, own_rel, other_rel, service_item):
    client = login("account_manager")
    url = f"/desk/contracts/new/?party={own_rel.party.public_id}"
    assert client.get(url).status_code == 200
    bad = client.post(
        url,
        {
            "title": "X",
            "value": "10",
            "currency": "EUR",
            "billing": "monthly",
            "start_on": "2027-01-01",
            "end_on": "2026-01-01",
            "notice_days": 30,
        },
    )
    assert (bad.status_code, bad.context["form"].errors["end_on"]) == (
        422,
        ["must not be before the start"],
    )
    response = client.post(
        url,
        {
            "title": "Retainer",
            "value": "250",
            "currency": "EUR",
            "billing": "monthly",
            "start_on": "2027-01-01",
            "notice_days": 30,
            "services": [service_item.public_id],
        },
    )
    contract = Contract.objects.get(title="Retainer")
    assert response["Location"] == f"/desk/contracts/{contract.public_id}/"
    assert (contract.value, list(contract.services.all())) == (Decimal("250.00"), [service_item])
    other = client.post(
        f"/desk/contracts/new/?party={other_rel.party.public_id}",
        {
            "title": "No",
            "value": "1",
            "currency": "EUR",
            "billing": "monthly",
            "start_on": "2027-01-01",
            "notice_days": 1,
        },
    )
    assert other.status_code == 403


def test_amend_transition_and_upload_from_the_detail_page(login, users, own_rel):
    contract = signed(own_rel, None)
    client = login("account_manager")
    base = f"/desk/contracts/{contract.public_id}/"
    form = {
        "title": contract.title,
        "value": "1200",
        "currency": "EUR",
        "billing": "monthly",
        "start_on": "2027-01-01",
        "end_on": "2027-12-31",
        "notice_days": 30,
    }
    refused = client.post(base + "edit/", form)
    assert (refused.status_code, refused.context["edit_form"].errors["note"]) == (
        422,
        ["a signed contract changes only with a note"],
    )
    assert client.post(base + "edit/", {**form, "note": "Indexation"}).status_code == 302
    assert client.post(base + "transition/", {"status": "active"}).status_code == 302
    upload = SimpleUploadedFile("Signed.pdf", PDF_BYTES, "application/pdf")
    assert client.post(base + "document/", {"document": upload}).status_code == 302
    contract.refresh_from_db()
    assert (contract.value, contract.status, contract.document_name) == (
        Decimal("1200.00"),
        "active",
        "Signed.pdf",
    )
    page = client.get(base).content.decode()
    assert "Indexation" in page and "Signed.pdf" in page
    download = client.get(base + "document/")
    assert (b"".join(download.streaming_content), download["X-Content-Type-Options"]) == (
        PDF_BYTES,
        "nosniff",
    )


def test_refused_transition_and_upload_by_other_roles(login, users, own_rel):
    contract = draft(own_rel, None)
    base = f"/desk/contracts/{contract.public_id}/"
    client = login("account_manager")
    assert client.post(base + "transition/", {"status": "active"}).status_code == 409
    client = login("support_agent")
    assert client.post(base + "transition/", {"status": "sent"}).status_code == 403
    upload = SimpleUploadedFile("Signed.pdf", PDF_BYTES, "application/pdf")
    assert client.post(base + "document/", {"document": upload}).status_code == 403


def test_restricted_documents_on_the_page(login, users, other_rel):
    from clientela.contracts.services import contract_document_upload

    desk_settings_update(actor=None, restrict_contract_documents=True)
    contract = draft(other_rel, None)
    contract_document_upload(
        actor=None, contract=contract, upload=SimpleUploadedFile("c.pdf", PDF_BYTES)
    )
    client = login("account_manager")
    page = client.get(f"/desk/contracts/{contract.public_id}/").content.decode()
    assert 'data-testid="document-restricted"' in page
    assert client.get(f"/desk/contracts/{contract.public_id}/document/").status_code == 403
    client = login("manager")
    assert client.get(f"/desk/contracts/{contract.public_id}/document/").status_code == 200


def test_party_card(users, own_rel, other_rel):
    from clientela.contracts.cards import party_card
    from tests.factories import make_party

    contract = signed(own_rel, None)
    mine = party_card(relationship=own_rel, user=users["account_manager"])
    assert ([c.public_id for c in mine["contracts"]], mine["may_create"]) == (
        [contract.public_id],
        True,
    )
    assert party_card(relationship=other_rel, user=users["viewer"]) is None
    assert party_card(relationship=other_rel, user=users["manager"])["contracts"] == []
    customer = make_party(relationship_kind="customer", stage="consideration")
    assert party_card(relationship=customer.relationships.get(), user=users["admin"]) is None


def test_party_card_template_renders(users, own_rel, rf):
    from django.template.loader import render_to_string

    from clientela.contracts.cards import party_card

    signed(own_rel, None, title="Card contract")
    html = render_to_string(
        "contracts/party_card.html",
        {"card": party_card(relationship=own_rel, user=users["manager"])},
    )
    assert "Card contract" in html and f"?party={own_rel.party.public_id}" in html
