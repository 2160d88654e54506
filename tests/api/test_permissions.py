"""Every role against every writing endpoint, over real HTTP, with write tokens: the API
refuses exactly what the services refuse in the UI. The tables are written out by hand."""

from __future__ import annotations

import pytest

from clientela.core.models import AuditEvent
from tests.factories import make_party

ROLES = ["admin", "manager", "account_manager", "support_agent", "marketer", "viewer"]

# Y = allowed (2xx), - = 403 permission_denied.
MATRIX = """
endpoint            admin manager account_manager support_agent marketer viewer
createParty         Y     Y       Y               -             -        -
updateParty         Y     Y       Y               -             -        -
setPartyTags        Y     Y       Y               -             Y        -
setPartyConsent     Y     Y       Y               -             Y        -
addContactPoint     Y     Y       Y               -             -        -
addMembership       Y     Y       Y               -             -        -
logActivity         Y     Y       Y               Y             -        -
recordOrder         Y     Y       Y               -             -        -
updateOrder         Y     Y       Y               -             -        -
openRelationship    Y     Y       Y               -             -        -
moveRelationship    Y     Y       Y               -             -        -
convertRelationship Y     Y       Y               -             -        -
endRelationship     Y     Y       Y               -             -        -
updateRelationship  Y     Y       -               -             -        -
createCatalogItem   Y     Y       -               -             -        -
createUser          Y     -       -               -             -        -
updateUser          Y     -       -               -             -        -
listUsers           Y     -       -               -             -        -
"""
_HEADER, *_ROWS = [line.split() for line in MATRIX.strip().splitlines()]
CASES = [
    (row[0], role, mark) for row in _ROWS for role, mark in zip(_HEADER[1:], row[1:], strict=True)
]


@pytest.fixture(autouse=True)
def _no_contract_guard(db):
    """These tests are about who may act; the signed-contract guard and the customer desk's
    automatic stage moves (the setup's order would move the customer to purchase) have their
    own tests."""
    from clientela.clientdesk.settings import desk_settings_update
    from clientela.customerdesk.settings import customer_desk_settings_update

    desk_settings_update(actor=None, guard_contract_for_purchase=False)
    customer_desk_settings_update(actor=None, auto_stage_moves=False)


def _request(endpoint: str, customer, prospect, organisation, order_id: str):
    """(method, path, json) for one writing call on the customer (or a prospect)."""
    party = customer.public_id
    rel = customer.relationships.get().public_id
    return {
        "createParty": ("POST", "/parties", {"given_name": "New"}),
        "updateParty": ("PATCH", f"/parties/{party}", {"notes": "n"}),
        "setPartyTags": ("PUT", f"/parties/{party}/tags", {"tags": ["vip"]}),
        "setPartyConsent": ("PUT", f"/parties/{party}/consent", {"consent": True, "source": "s"}),
        "addContactPoint": (
            "POST",
            f"/parties/{party}/contact-points",
            {"kind": "email", "value": "new@example.test"},
        ),
        "addMembership": (
            "POST",
            f"/parties/{party}/memberships",
            {"organisation": organisation.public_id, "role": "user"},
        ),
        "logActivity": ("POST", f"/parties/{party}/activities", {"kind": "note"}),
        "recordOrder": (
            "POST",
            "/orders",
            {"payer": party, "currency": "EUR", "lines": [{"description": "x", "unit_price": "1"}]},
        ),
        "updateOrder": ("PATCH", f"/orders/{order_id}", {"status": "refunded"}),
        "openRelationship": (
            "POST",
            "/relationships",
            {"party": prospect.public_id, "kind": "customer"},
        ),
        "moveRelationship": ("POST", f"/relationships/{rel}/move", {"to_stage": "purchase"}),
        "convertRelationship": ("POST", f"/relationships/{rel}/convert", {"reason": "r"}),
        "endRelationship": ("POST", f"/relationships/{rel}/end", {"reason": "r"}),
        "updateRelationship": ("PATCH", f"/relationships/{rel}", {"owner": "manager"}),
        "createCatalogItem": (
            "POST",
            "/catalogue/items",
            {"sku": "S1", "name": "Item", "offering": "standardised", "unit_price": "1"},
        ),
        "createUser": ("POST", "/users", {"username": "newbie", "role": "viewer"}),
        "updateUser": ("PATCH", "/users/viewer", {"role": "marketer"}),
        "listUsers": ("GET", "/users", None),
    }[endpoint]


@pytest.mark.parametrize(("endpoint", "role", "mark"), CASES)
def test_role_matrix(api, users, customer, endpoint, role, mark):
    # given a customer, a prospect, an organisation and an order of the customer
    prospect = make_party(given_name="Prospect")
    organisation = make_party(kind="organisation", organisation_name="Acme")
    order_id = (
        api("admin")
        .post(
            "/orders",
            json={
                "payer": customer.public_id,
                "currency": "EUR",
                "lines": [{"description": "x", "unit_price": "1"}],
            },
        )
        .json()["id"]
    )
    method, path, body = _request(endpoint, customer, prospect, organisation, order_id)
    client = api(role)
    audited = AuditEvent.objects.count()

    response = client.request(method, path, json=body)

    if mark == "Y":
        assert response.status_code in (200, 201), response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["code"] == "permission_denied"
        assert AuditEvent.objects.count() == audited  # nothing was written


OWNERSHIP = [
    "updateParty",
    "setPartyTags",
    "logActivity",
    "recordOrder",
    "moveRelationship",
    "convertRelationship",
    "endRelationship",
    "addContactPoint",
]


@pytest.mark.parametrize("endpoint", OWNERSHIP)
def test_an_account_manager_changes_their_own_client_but_not_anothers(
    api, users, own_client, client_of_manager, endpoint
):
    client = api("account_manager")
    organisation = make_party(kind="organisation", organisation_name="Acme")

    results = {}
    for name, party in (("own", own_client), ("other", client_of_manager)):
        method, path, body = _request(endpoint, party, party, organisation, "ord_unused")
        results[name] = client.request(method, path, json=body)

    assert results["own"].status_code in (200, 201), results["own"].text
    assert (results["other"].status_code, results["other"].json()["code"]) == (
        403,
        "permission_denied",
    )
