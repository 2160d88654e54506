"""The contracts API over real HTTP (live server, personal tokens)."""

from __future__ import annotations

import datetime as dt
import hashlib

from clientela.clientdesk.settings import desk_settings_update
from tests.contracts.conftest import draft, signed
from tests.contracts.test_files import PDF_BYTES
from tests.factories import make_party

BODY = {
    "title": "Advisory 2027",
    "value": "1500.00",
    "billing": "quarterly",
    "start_on": "2027-01-01",
    "end_on": "2027-12-31",
    "notice_days": 60,
}


def test_create_get_and_etag(api, users, own_rel, service_item):
    client = api("account_manager")
    response = client.post(
        "/contracts",
        json={**BODY, "party": own_rel.party.public_id, "services": [service_item.public_id]},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["Location"].endswith(f"/api/v1/contracts/{body['id']}")
    assert {
        k: body[k]
        for k in (
            "status",
            "currency",
            "value",
            "annual_value",
            "renewal_date",
            "notice_deadline",
            "owner",
            "services",
            "allowed_transitions",
            "document",
            "party_name",
        )
    } == {
        "status": "draft",
        "currency": "EUR",
        "value": "1500.00",
        "annual_value": "6000.00",
        "renewal_date": "2027-12-31",
        "notice_deadline": "2027-11-01",
        "owner": "account_manager",
        "services": [service_item.public_id],
        "allowed_transitions": ["sent", "terminated"],
        "document": None,
        "party_name": "Olga Kowalska",
    }
    got = client.get(f"/contracts/{body['id']}")
    assert (got.status_code, got.json(), got.headers["ETag"]) == (
        200,
        body,
        response.headers["ETag"],
    )


def test_create_refusals(api, users, own_rel, other_rel):
    customer = make_party(relationship_kind="customer", stage="consideration")
    cases = [
        ("account_manager", {**BODY, "party": other_rel.party.public_id}, 403, "permission_denied"),
        ("viewer", {**BODY, "party": own_rel.party.public_id}, 403, "permission_denied"),
        ("admin", {**BODY, "party": customer.public_id}, 422, "validation_error"),
        ("admin", {**BODY, "party": "pty_missing"}, 422, "validation_error"),
        (
            "admin",
            {**BODY, "party": own_rel.party.public_id, "end_on": "2026-01-01"},
            422,
            "validation_error",
        ),
    ]
    for role, body, status, code in cases:
        response = api(role).post("/contracts", json=body)
        assert (response.status_code, response.json()["code"]) == (status, code), body


def test_patch_needs_a_note_once_signed_and_honours_if_match(api, users, own_rel):
    contract = signed(own_rel, users["manager"])
    client = api("account_manager")
    etag = client.get(f"/contracts/{contract.public_id}").headers["ETag"]
    refused = client.patch(f"/contracts/{contract.public_id}", json={"value": "1100"})
    assert (refused.status_code, refused.json()["fields"]) == (
        422,
        {"note": ["a signed contract changes only with a note"]},
    )
    ok = client.patch(
        f"/contracts/{contract.public_id}",
        json={"value": "1100", "end_on": None, "note": "Open-ended from now"},
        headers={"If-Match": etag},
    )
    assert (ok.status_code, ok.json()["value"], ok.json()["end_on"]) == (200, "1100.00", None)
    stale = client.patch(
        f"/contracts/{contract.public_id}",
        json={"title": "Other", "note": "x"},
        headers={"If-Match": etag},
    )
    assert stale.status_code == 412
    amendments = client.get(f"/contracts/{contract.public_id}/amendments").json()
    assert [(a["changes"], a["note"], a["actor"]) for a in amendments["items"]][0] == (
        {"value": ["1000.00", "1100.00"], "end_on": ["2027-12-31", None]},
        "Open-ended from now",
        "account_manager",
    )
    assert [a["changes"].get("status") for a in amendments["items"]] == [
        None,
        ["sent", "signed"],
        ["draft", "sent"],
    ]


def test_transition_endpoint(api, users, own_rel):
    contract = draft(own_rel, users["manager"])
    client = api("account_manager")
    url = f"/contracts/{contract.public_id}/transition"
    refused = client.post(url, json={"status": "active"})
    assert (refused.status_code, refused.json()["code"]) == (409, "transition_refused")
    assert client.post(url, json={"status": "sent"}).json()["status"] == "sent"
    signed_body = client.post(url, json={"status": "signed"}).json()
    assert (signed_body["status"], signed_body["allowed_transitions"]) == (
        "signed",
        ["active", "expired", "terminated"],
    )
    no_reason = client.post(url, json={"status": "terminated"})
    assert (no_reason.status_code, no_reason.json()["fields"]) == (
        422,
        {"reason": ["a termination needs a reason"]},
    )
    viewer = api("viewer").post(url, json={"status": "active"})
    assert viewer.status_code == 403


def test_list_filters_and_cursor(api, users, own_rel, other_rel):
    today = dt.date.today()
    a = signed(
        own_rel, None, start_on=today - dt.timedelta(days=300), end_on=today + dt.timedelta(days=20)
    )
    b = draft(own_rel, None)
    c = signed(
        other_rel,
        None,
        active=True,
        start_on=today - dt.timedelta(days=10),
        end_on=today + dt.timedelta(days=200),
    )
    client = api("viewer")
    ids = lambda response: [row["id"] for row in response.json()["items"]]  # noqa: E731
    assert ids(client.get("/contracts")) == [c.public_id, b.public_id, a.public_id]
    assert ids(client.get("/contracts", params={"status": "draft"})) == [b.public_id]
    assert ids(client.get("/contracts", params={"owner": "manager"})) == [c.public_id]
    assert ids(client.get("/contracts", params={"party": own_rel.party.public_id})) == [
        b.public_id,
        a.public_id,
    ]
    renewing = client.get(
        "/contracts", params={"renewing_before": (today + dt.timedelta(days=60)).isoformat()}
    )
    assert ids(renewing) == [a.public_id]
    first = client.get("/contracts", params={"limit": 2})
    second = client.get("/contracts", params={"limit": 2, "cursor": first.json()["next"]})
    assert (ids(first), ids(second), second.json()["next"]) == (
        [c.public_id, b.public_id],
        [a.public_id],
        None,
    )
    unknown = client.get("/contracts", params={"owner": "ghost"})
    assert (unknown.status_code, list(unknown.json()["fields"])) == (422, ["owner"])


def test_document_upload_and_download_over_http(api, users, own_rel, other_rel):
    contract = draft(own_rel, users["manager"])
    client = api("account_manager")
    url = f"/contracts/{contract.public_id}/document"
    assert client.get(url).status_code == 404
    fake = client.post(url, files={"document": ("contract.pdf", b"<html>", "application/pdf")})
    assert (fake.status_code, fake.json()["fields"]) == (
        422,
        {"document": ["only PDF, PNG, JPEG, DOCX or ODT documents are accepted"]},
    )
    empty = client.post(url, files={"document": ("contract.pdf", b"", "application/pdf")})
    assert (empty.status_code, empty.json()["fields"]) == (
        422,
        {"document": ["the file is empty"]},
    )
    ok = client.post(url, files={"document": ("Signed.pdf", PDF_BYTES, "text/plain")})
    assert (
        ok.status_code,
        ok.json()["document"]["content_type"],
        ok.json()["document"]["sha256"],
    ) == (
        200,
        "application/pdf",
        hashlib.sha256(PDF_BYTES).hexdigest(),
    )
    download = api("viewer").get(url)
    assert (
        download.status_code,
        download.content,
        download.headers["Content-Type"],
        download.headers["Content-Disposition"],
        download.headers["X-Content-Type-Options"],
    ) == (200, PDF_BYTES, "application/pdf", 'attachment; filename="Signed.pdf"', "nosniff")
    other = draft(other_rel, users["manager"])
    refused = client.post(
        f"/contracts/{other.public_id}/document", files={"document": ("a.pdf", PDF_BYTES)}
    )
    assert refused.status_code == 403


def test_download_rights_with_the_restriction(api, users, own_rel, other_rel):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from clientela.contracts.services import contract_document_upload

    desk_settings_update(actor=None, restrict_contract_documents=True)
    statuses = {}
    for name, rel in (("own", own_rel), ("other", other_rel)):
        contract = draft(rel, None)
        contract_document_upload(
            actor=None, contract=contract, upload=SimpleUploadedFile("c.pdf", PDF_BYTES)
        )
        statuses[name] = {
            role: api(role).get(f"/contracts/{contract.public_id}/document").status_code
            for role in ("admin", "manager", "account_manager", "support_agent", "viewer")
        }
    assert statuses == {
        "own": {
            "admin": 200,
            "manager": 200,
            "account_manager": 200,
            "support_agent": 403,
            "viewer": 403,
        },
        "other": {
            "admin": 200,
            "manager": 200,
            "account_manager": 403,
            "support_agent": 403,
            "viewer": 403,
        },
    }


def test_anonymous_is_refused(anonymous, users, own_rel):
    contract = draft(own_rel, None)
    for path in (
        "/contracts",
        f"/contracts/{contract.public_id}",
        f"/contracts/{contract.public_id}/document",
    ):
        assert anonymous.get(path).status_code == 401
