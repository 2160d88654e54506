"""The signed document: stored safely, replaced with a note once signed, opened per rights."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clientela.clientdesk.settings import desk_settings_update
from clientela.contracts.selectors import contract_document_may_open
from clientela.contracts.services import contract_document_response, contract_document_upload
from clientela.core.errors import ApplicationError
from tests.contracts.conftest import draft, signed
from tests.contracts.test_files import PDF_BYTES, PNG_BYTES


def _pdf(name="Signed contract.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, "application/pdf")


def test_upload_stores_a_random_name_and_keeps_the_original(users, own_rel, settings):
    contract = draft(own_rel, users["account_manager"])
    contract = contract_document_upload(
        actor=users["account_manager"], contract=contract, upload=_pdf()
    )
    stored = contract.document.name
    assert stored.startswith("contracts/") and stored.endswith(".pdf")
    assert "Signed" not in stored
    assert (
        contract.document_name,
        contract.document_size,
        contract.document_content_type,
        contract.document_sha256,
    ) == (
        "Signed contract.pdf",
        len(PDF_BYTES),
        "application/pdf",
        hashlib.sha256(PDF_BYTES).hexdigest(),
    )
    assert (settings.MEDIA_ROOT / stored).read_bytes() == PDF_BYTES


def test_upload_refusals_name_the_document_field(users, own_rel):
    contract = draft(own_rel, users["manager"])
    for upload in (_pdf(content=b""), _pdf(content=b"MZ\x90\x00 windows executable")):
        with pytest.raises(ApplicationError) as caught:
            contract_document_upload(actor=users["manager"], contract=contract, upload=upload)
        assert list(caught.value.extra["fields"]) == ["document"]
    contract.refresh_from_db()
    assert contract.document.name == ""


def test_upload_rights_follow_relationship_change(users, own_rel, other_rel):
    contract = draft(other_rel, users["manager"])
    for role in ("account_manager", "support_agent", "viewer"):
        with pytest.raises(ApplicationError) as caught:
            contract_document_upload(actor=users[role], contract=contract, upload=_pdf())
        assert caught.value.code.value == "permission_denied"


def test_replacing_a_signed_document_needs_a_note_and_is_an_amendment(
    users, own_rel, settings, django_capture_on_commit_callbacks
):
    manager = users["manager"]
    contract = signed(own_rel, manager)
    contract = contract_document_upload(actor=manager, contract=contract, upload=_pdf("v1.pdf"))
    first = contract.document.name
    with pytest.raises(ApplicationError) as caught:
        contract_document_upload(
            actor=manager, contract=contract, upload=SimpleUploadedFile("v2.png", PNG_BYTES)
        )
    assert caught.value.extra["fields"] == {
        "note": ["replacing a signed contract's document needs a note"]
    }
    with django_capture_on_commit_callbacks(execute=True):
        contract = contract_document_upload(
            actor=manager,
            contract=contract,
            upload=SimpleUploadedFile("v2.png", PNG_BYTES),
            note="Countersigned scan",
        )
    amendment = contract.amendments.first()
    assert (amendment.changes, amendment.note) == (
        {
            "document": [
                {"name": "v1.pdf", "sha256": hashlib.sha256(PDF_BYTES).hexdigest()},
                {"name": "v2.png", "sha256": hashlib.sha256(PNG_BYTES).hexdigest()},
            ]
        },
        "Countersigned scan",
    )
    assert contract.document.name.endswith(".png")
    assert not (settings.MEDIA_ROOT / first).exists()


ROLES = ("admin", "manager", "account_manager", "support_agent", "marketer", "viewer")


def test_without_restriction_every_staff_member_opens_documents(users, other_rel):
    contract = draft(other_rel, users["manager"])
    assert [contract_document_may_open(user=users[r], contract=contract) for r in ROLES] == [
        True
    ] * 6


def test_with_restriction_only_owners_backups_managers_and_admins_open(users, own_rel, other_rel):
    desk_settings_update(actor=None, restrict_contract_documents=True)
    own = draft(own_rel, users["manager"])
    others = draft(other_rel, users["manager"])
    assert [contract_document_may_open(user=users[r], contract=own) for r in ROLES] == [
        True,
        True,
        True,
        False,
        False,
        False,
    ]
    assert [contract_document_may_open(user=users[r], contract=others) for r in ROLES] == [
        True,
        True,
        False,
        False,
        False,
        False,
    ]


def test_a_backup_opens_the_documents_of_the_client_they_back_up(users, other_rel):
    try:
        from clientela.clientdesk.services import relationship_backup_add
    except ImportError:
        pytest.skip("clientdesk's backups are not available yet")
    desk_settings_update(actor=None, restrict_contract_documents=True)
    contract = draft(other_rel, users["manager"])
    assert contract_document_may_open(user=users["account_manager"], contract=contract) is False
    relationship_backup_add(
        actor=users["manager"], relationship=other_rel, user=users["account_manager"]
    )
    assert contract_document_may_open(user=users["account_manager"], contract=contract) is True


def test_document_response_refuses_and_streams(users, own_rel, other_rel):
    desk_settings_update(actor=None, restrict_contract_documents=True)
    contract = draft(other_rel, users["manager"])
    with pytest.raises(ApplicationError) as caught:
        contract_document_response(user=users["manager"], contract=contract)
    assert caught.value.code.value == "not_found"
    contract = contract_document_upload(actor=users["manager"], contract=contract, upload=_pdf())
    with pytest.raises(ApplicationError) as caught:
        contract_document_response(user=users["account_manager"], contract=contract)
    assert caught.value.code.value == "permission_denied"
    response = contract_document_response(user=users["manager"], contract=contract)
    body = b"".join(response.streaming_content)
    response.file_to_stream.close()
    assert (body, response["X-Content-Type-Options"], response["Content-Disposition"]) == (
        PDF_BYTES,
        "nosniff",
        'attachment; filename="Signed contract.pdf"',
    )
