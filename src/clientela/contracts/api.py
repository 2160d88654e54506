"""Contracts: the REST endpoints under /api/v1/contracts.

The same services as the desk pages: every staff token reads; writes need
`RELATIONSHIP_CHANGE` on the client (account managers on their own clients); the document
download follows `contract_document_may_open`. Single contracts carry an ETag; writes honour
`If-Match` (412 when stale). Status changes are 409 `transition_refused` when the status
machine does not allow them.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from clientela.api.etags import conditional_write, with_etag
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathId,
    actor,
    created,
    links_to,
    no_current_relationship,
    page,
    party_ref,
    responses,
    user_ref,
)
from clientela.api.schemas.common import ListQuery
from clientela.contracts import selectors, services
from clientela.contracts.schemas import (
    AmendmentOut,
    ContractIn,
    ContractOut,
    ContractPatch,
    ContractQuery,
    TransitionIn,
    amendment_out,
    contract_out,
)
from clientela.core.files import DOCX, JPEG, ODT, PDF, PNG

router = Router(tags=["Contracts"])

ContractPage = page_schema(ContractOut)
AmendmentPage = page_schema(AmendmentOut)
_LINKS = links_to(
    "getContract",
    "updateContract",
    "transitionContract",
    "uploadContractDocument",
    "downloadContractDocument",
    "listContractAmendments",
)
_BINARY = {"schema": {"type": "string", "format": "binary"}}
_DOWNLOAD = {
    "responses": {
        200: {
            "description": "The signed document, as an attachment.",
            "content": {
                ctype: _BINARY for ctype in (PDF, PNG, JPEG, DOCX, ODT, "application/octet-stream")
            },
        }
    }
}


def _represent(public_id: str) -> dict:
    return contract_out(selectors.contract_get(public_id=public_id))


def _conditional(request: HttpRequest, public_id: str):
    return conditional_write(
        request,
        lambda: selectors.contract_lock(public_id=public_id),
        lambda: _represent(public_id),
    )


@router.get("", response=responses(200, ContractPage), operation_id="listContracts")
def list_contracts(request: HttpRequest, query: Query[ContractQuery]):
    """Every contract, newest first; filters: status, party (id), owner (the client's
    account manager, by username), renewing_before (signed/active contracts renewing on or
    before that date, from today on)."""
    party = party_ref("party", query.party) if query.party else None
    owner = user_ref("owner", query.owner) if query.owner else None
    rows, next_cursor = keyset_page(
        selectors.contract_list(
            status=query.status,
            party_id=party.pk if party else None,
            owner_id=owner.pk if owner else None,
            renewing_before=query.renewing_before,
        ).prefetch_related("signatories", "services"),
        ordering=("-created_at", "-id"),
        cursor=query.cursor,
        limit=query.limit,
        tag="contracts",
    )
    return page(rows, next_cursor, contract_out)


@router.post(
    "",
    response=responses(201, ContractOut),
    operation_id="createContract",
    openapi_extra=_LINKS,
)
def create_contract(request: HttpRequest, response: HttpResponse, payload: ContractIn):
    """A new draft contract with the client `party` (its current client relationship)."""
    from clientela.parties.selectors import relationship_current

    party = party_ref("party", payload.party)
    relationship = relationship_current(party=party)
    if relationship is None:
        raise no_current_relationship()
    data = payload.dict(exclude={"party"})
    data["currency"] = data["currency"] or ""
    contract = services.contract_create(actor=actor(request), relationship=relationship, **data)
    body = with_etag(response, _represent(contract.public_id))
    return created(response, body, path=f"contracts/{contract.public_id}")


@router.get("/{public_id}", response=responses(200, ContractOut), operation_id="getContract")
def get_contract(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, _represent(public_id))


@router.patch(
    "/{public_id}",
    response=responses(200, ContractOut, conditional=True),
    operation_id="updateContract",
)
def update_contract(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: ContractPatch
):
    """Change the fields sent. Drafts change freely; once signed the change is an amendment
    and `note` is required (422 naming `note`). Honours If-Match."""
    changes = payload.dict(exclude_unset=True)
    note = changes.pop("note", "")
    nullable = {"end_on", "renewal_on"}
    changes = {k: v for k, v in changes.items() if v is not None or k in nullable}
    with _conditional(request, public_id):
        services.contract_update(
            actor=actor(request),
            contract=selectors.contract_get(public_id=public_id),
            note=note,
            **changes,
        )
    return with_etag(response, _represent(public_id))


@router.post(
    "/{public_id}/transition",
    response=responses(200, ContractOut, conditional=True),
    operation_id="transitionContract",
)
def transition_contract(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: TransitionIn
):
    """Move to `status`: draft→sent→signed→active→expired, sent→draft, and draft, sent,
    signed or active→terminated (needs `reason`). Others are 409 `transition_refused`."""
    with _conditional(request, public_id):
        services.contract_transition(
            actor=actor(request),
            contract=selectors.contract_get(public_id=public_id),
            status=payload.status,
            reason=payload.reason,
        )
    return with_etag(response, _represent(public_id))


def _upload(request, response, public_id: str, document, note: str) -> dict:
    with _conditional(request, public_id):
        services.contract_document_upload(
            actor=actor(request),
            contract=selectors.contract_get(public_id=public_id),
            upload=document,
            note=note,
        )
    return with_etag(response, _represent(public_id))


@router.post(
    "/{public_id}/document",
    response=responses(200, ContractOut, conditional=True),
    operation_id="uploadContractDocument",
)
def upload_document(
    request: HttpRequest,
    response: HttpResponse,
    public_id: PathId,
    document: File[UploadedFile],
    note: Form[str] = "",
):
    """Upload the signed document (multipart field `document`): PDF, PNG, JPEG, DOCX or ODT
    judged by its bytes, at most CLIENTELA_MAX_UPLOAD_BYTES. Replacing the document of a
    signed contract needs `note`."""
    return _upload(request, response, public_id, document, note[:2000])


@router.get(
    "/{public_id}/document",
    response=responses(200, None),
    operation_id="downloadContractDocument",
    openapi_extra=_DOWNLOAD,
)
def download_document(request: HttpRequest, public_id: PathId):
    """The signed document as an attachment (`X-Content-Type-Options: nosniff`). 403 when
    the business restricts documents and the caller is not an account manager (owner or
    backup) of the client, a manager or an admin; 404 without a document."""
    return services.contract_document_response(
        user=actor(request), contract=selectors.contract_get(public_id=public_id)
    )


@router.get(
    "/{public_id}/amendments",
    response=responses(200, AmendmentPage),
    operation_id="listContractAmendments",
)
def list_amendments(request: HttpRequest, public_id: PathId, query: Query[ListQuery]):
    """The contract's amendments (status changes included), newest first."""
    contract = selectors.contract_get(public_id=public_id)
    rows, next_cursor = keyset_page(
        selectors.contract_amendments(contract=contract),
        ordering=("-at", "-id"),
        cursor=query.cursor,
        limit=query.limit,
        tag="amendments",
    )
    return page(rows, next_cursor, amendment_out)
