"""Who may do what with contracts: the whole matrix, through the services."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from clientela.contracts.services import (
    contract_document_upload,
    contract_transition,
    contract_update,
)
from clientela.core.errors import ApplicationError
from tests.contracts.conftest import draft
from tests.contracts.test_files import PDF_BYTES

ROLES = ["admin", "manager", "account_manager", "support_agent", "marketer", "viewer"]


def _row(actor, relationship) -> tuple[bool, ...]:
    contract = draft(relationship, None)
    upload = SimpleUploadedFile("a.pdf", PDF_BYTES)
    return (
        _allowed(draft, relationship, actor),
        _allowed(contract_update, actor=actor, contract=contract, title="T"),
        _allowed(contract_transition, actor=actor, contract=contract, status="sent"),
        _allowed(contract_document_upload, actor=actor, contract=contract, upload=upload),
    )


def _allowed(fn, *args, **kwargs) -> bool:
    try:
        fn(*args, **kwargs)
    except ApplicationError as exc:
        assert exc.code.value == "permission_denied", exc
        return False
    return True


@pytest.mark.parametrize("whose", ["own", "other"])
def test_permission_matrix(users, own_rel, other_rel, whose):
    relationship = own_rel if whose == "own" else other_rel
    result = {}
    for role in ROLES:
        result[role] = _row(users[role], relationship)
    am = whose == "own"
    assert result == {
        "admin": (True, True, True, True),
        "manager": (True, True, True, True),
        "account_manager": (am, am, am, am),
        "support_agent": (False, False, False, False),
        "marketer": (False, False, False, False),
        "viewer": (False, False, False, False),
    }


def test_an_inactive_user_may_do_nothing(users, own_rel):
    am = users["account_manager"]
    am.is_active = False
    am.save()
    with pytest.raises(ApplicationError) as caught:
        draft(own_rel, am)
    assert caught.value.code.value == "permission_denied"
