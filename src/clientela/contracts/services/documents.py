"""Contracts: the signed document, stored and opened safely.

Guarantees:
- an upload is checked by `core.files.upload_inspect` (non-empty, within the size limit, a
  PDF/PNG/JPEG/DOCX/ODT by its own bytes) before anything is stored; a refusal names the
  field `document`;
- the file gets a random name under MEDIA_ROOT/contracts/; the original name, size, checked
  content type and SHA-256 go on the contract;
- replacing the document of a signed (or later) contract is an amendment and needs a note;
  the replaced file is deleted once the new one is committed (the amendment keeps its
  name and digest); if the database write fails, the new file is removed again;
- who may open a document: `selectors.contract_document_may_open`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.contracts.models import AMENDED, Contract, ContractAmendment
from clientela.contracts.selectors import contract_document_may_open
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.core.files import stored_file_response, upload_inspect
from clientela.core.services import audit_record


def contract_document_upload(*, actor, contract: Contract, upload, note: str = "") -> Contract:
    """Store `upload` as the contract's signed document (replacing any earlier one)."""
    from clientela.contracts.services.contracts import _locked

    authorize(actor, Action.RELATIONSHIP_CHANGE, party=contract.party)
    checked = upload_inspect(field="document", upload=upload)
    note = (note or "").strip()
    if "\x00" in note:
        raise validation_error("note", _("must not contain the NUL character"))
    if contract.status in AMENDED and contract.document and not note:
        raise validation_error("note", _("replacing a signed contract's document needs a note"))
    storage = Contract._meta.get_field("document").storage
    holder = Contract(pk=contract.pk)
    holder._upload_content_type = checked.content_type
    holder.document.save(checked.original_name, upload, save=False)
    new_name = holder.document.name
    try:
        with transaction.atomic():
            locked = _locked(contract)
            authorize(actor, Action.RELATIONSHIP_CHANGE, party=locked.party)
            old_name, old_file = locked.document_name, locked.document.name
            before = {"name": old_name, "sha256": locked.document_sha256} if old_file else None
            locked.document.name = new_name
            locked.document_name = checked.original_name
            locked.document_size = checked.size
            locked.document_content_type = checked.content_type
            locked.document_sha256 = checked.sha256
            locked.document_uploaded_at = timezone.now()
            locked.updated_at = timezone.now()
            locked.save()
            after = {"name": checked.original_name, "sha256": checked.sha256}
            if locked.status in AMENDED:
                ContractAmendment.objects.create(
                    contract=locked,
                    actor=actor if getattr(actor, "pk", None) else None,
                    changes={"document": [before, after]},
                    note=note,
                )
            audit_record(
                actor=actor,
                action="contract.document_uploaded",
                target=locked,
                data={
                    "name": checked.original_name,
                    "size": checked.size,
                    "content_type": checked.content_type,
                    "sha256": checked.sha256,
                    "replaced": old_name if old_file else None,
                },
            )
            if old_file and old_file != new_name:
                transaction.on_commit(lambda: storage.delete(old_file), robust=True)
    except BaseException:
        storage.delete(new_name)
        raise
    return locked


def contract_document_response(*, user, contract: Contract):
    """The document as a streamed attachment (nosniff) after the rights check; NOT_FOUND
    without a document, PERMISSION_DENIED when `contract_document_may_open` says no."""
    if not contract_document_may_open(user=user, contract=contract):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED,
            _("Only the client's account managers may open this contract's document."),
            {"action": "contract.document_open"},
        )
    if not contract.document:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("This contract has no document."))
    return stored_file_response(
        file_field=contract.document,
        filename=contract.document_name,
        content_type=contract.document_content_type,
    )
