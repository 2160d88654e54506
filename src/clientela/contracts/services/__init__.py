"""Contracts: writes. Import from here."""

from clientela.contracts.services.contracts import (
    EDITABLE,
    contract_create,
    contract_expire,
    contract_transition,
    contract_update,
)
from clientela.contracts.services.documents import (
    contract_document_response,
    contract_document_upload,
)

__all__ = [
    "EDITABLE",
    "contract_create",
    "contract_document_response",
    "contract_document_upload",
    "contract_expire",
    "contract_transition",
    "contract_update",
]
