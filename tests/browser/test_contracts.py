"""Contracts in chromium: an account manager drafts a contract from the client's page,
sends and signs it, uploads the signed PDF and amends it with a note; the client can then
enter purchase."""

from __future__ import annotations

import pytest

from clientela.contracts.models import Contract
from tests.browser.conftest import sign_in
from tests.contracts.test_files import PDF_BYTES
from tests.factories import make_party

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page):
    page.set_default_timeout(30_000)  # the shared machine is slow under load
    return page


def test_draft_sign_upload_and_amend_a_contract(live_server, page, users, tmp_path):
    party = make_party(given_name="Olga", family_name="Kowalska", relationship_kind="client",
                       owner=users["account_manager"], stage="consideration")  # fmt: skip
    sign_in(page, live_server, "account_manager")

    page.goto(f"{live_server.url}/parties/{party.public_id}/")
    page.click("[data-testid=contract-new-link]")
    form = page.locator("[data-testid=contract-new-form]")
    form.locator("input[name=title]").fill("Advisory retainer")
    form.locator("input[name=value]").fill("1250")
    form.locator("select[name=billing]").select_option("quarterly")
    form.locator("input[name=start_on]").fill("2027-01-01")
    form.locator("input[name=end_on]").fill("2027-12-31")
    form.locator("input[name=signatories]").check()
    form.locator("button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/desk/contracts/ctr_*/")
    assert page.text_content("[data-testid=contract-status]").strip() == "Draft"

    page.click("[data-testid=transition-sent]")
    page.wait_for_selector("[data-testid=transition-signed]")
    page.click("[data-testid=transition-signed]")
    page.wait_for_selector("[data-testid=transition-active]")
    assert page.text_content("[data-testid=contract-status]").strip() == "Signed"

    document = tmp_path / "Signed contract.pdf"
    document.write_bytes(PDF_BYTES)
    page.set_input_files("[data-testid=document-form] input[name=document]", str(document))
    page.click("[data-testid=document-form] button[type=submit]")
    page.wait_for_selector("[data-testid=document-download]")

    page.click("[data-testid=contract-edit] summary")
    edit = page.locator("[data-testid=contract-edit] form")
    edit.locator("input[name=value]").fill("1300")
    edit.locator("textarea[name=note]").fill("Indexation agreed by phone")
    edit.locator("button[type=submit]").click()
    page.wait_for_selector("text=Indexation agreed by phone")
    history = page.text_content("[data-testid=contract-amendments]")
    assert "1250.00" in history and "1300.00" in history

    contract = Contract.objects.get()
    assert (contract.status, contract.value, contract.document_name,
            list(contract.signatories.values_list("pk", flat=True))) == (
        "signed", 1300, "Signed contract.pdf", [party.pk],
    )  # fmt: skip
    with page.expect_download() as download:
        page.click("[data-testid=document-download]")
    assert download.value.suggested_filename == "Signed contract.pdf"
