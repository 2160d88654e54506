"""Authentication over real HTTP: personal tokens (scope, expiry, revocation, last use), the
browser session with CSRF, the schema and the docs page."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from django.utils import timezone

from clientela.api.models import ApiToken
from clientela.api.services import token_create, token_revoke
from clientela.parties.models import Party
from tests.api.conftest import signed_in_client

UNAUTHENTICATED = {
    "code": "unauthenticated",
    "message": "Authentication required: send a Bearer token.",
    "fields": {},
}


def _bearer(base_url: str, secret: str) -> httpx.Client:
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {secret}"})


def test_a_request_without_credentials_is_401_in_the_error_shape(anonymous):
    response = anonymous.get("/parties")

    assert response.status_code == 401
    assert response.json() == UNAUTHENTICATED
    assert response.headers["WWW-Authenticate"] == 'Bearer realm="clientela"'


def test_an_unknown_token_is_401(base_url, users):
    # given a secret in the right format that was never issued
    with _bearer(base_url, "cla_abcdefgh_" + "a" * 40) as client:
        response = client.get("/parties")

    assert response.status_code == 401
    assert response.json() == {
        "code": "unauthenticated",
        "message": "The token is unknown.",
        "fields": {},
    }


def test_a_token_with_a_wrong_key_but_a_real_prefix_is_401_unknown(base_url, users):
    # given a real token whose key part is altered
    _token, secret = token_create(actor=None, user=users["viewer"], name="t", scope="read")
    forged = secret[:-4] + ("aaaa" if not secret.endswith("aaaa") else "bbbb")

    with _bearer(base_url, forged) as client:
        response = client.get("/parties")

    assert (response.status_code, response.json()["message"]) == (401, "The token is unknown.")


def test_a_revoked_token_is_401(base_url, users):
    token, secret = token_create(actor=None, user=users["viewer"], name="t", scope="read")
    token_revoke(actor=users["viewer"], token=token)

    with _bearer(base_url, secret) as client:
        response = client.get("/parties")

    assert (response.status_code, response.json()) == (
        401,
        {"code": "unauthenticated", "message": "The token was revoked.", "fields": {}},
    )


def test_an_expired_token_is_401(base_url, users):
    # given a token whose expiry has passed
    token, secret = token_create(
        actor=None,
        user=users["viewer"],
        name="t",
        scope="read",
        expires_at=timezone.now() + timedelta(days=1),
    )
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with _bearer(base_url, secret) as client:
        response = client.get("/parties")

    assert (response.status_code, response.json()["message"]) == (401, "The token has expired.")


def test_the_token_of_a_deactivated_user_is_401(base_url, users):
    _token, secret = token_create(actor=None, user=users["viewer"], name="t", scope="read")
    users["viewer"].is_active = False
    users["viewer"].save(update_fields=["is_active"])

    with _bearer(base_url, secret) as client:
        response = client.get("/parties")

    assert (response.status_code, response.json()["message"]) == (
        401,
        "The token's user is deactivated.",
    )


def test_an_authorization_header_that_is_not_bearer_is_401(base_url, users):
    with httpx.Client(base_url=base_url, headers={"Authorization": "Token abc"}) as client:
        response = client.get("/parties")

    assert (response.status_code, response.json()["message"]) == (
        401,
        "The Authorization header must be: Bearer <token>.",
    )


def test_a_read_token_reads_but_every_writing_method_is_403(api, customer):
    # given a read-scope token of an admin (whose role may change anything)
    client = api("admin", "read")
    party = customer.public_id

    # when it reads, then it may
    assert client.get(f"/parties/{party}").status_code == 200

    # when it tries every kind of writing method
    answers = [
        client.post("/parties", json={"given_name": "New"}),
        client.patch(f"/parties/{party}", json={"notes": "changed"}),
        client.put(f"/parties/{party}/tags", json={"tags": ["vip"]}),
    ]

    # then each is refused with the scope error and nothing is written
    assert [(r.status_code, r.json()) for r in answers] == [
        (
            403,
            {
                "code": "insufficient_scope",
                "message": "This token may only read: create a read-write token to change data.",
                "fields": {},
            },
        )
    ] * 3
    assert Party.objects.count() == 1
    customer.refresh_from_db()
    assert (customer.notes, list(customer.tags.all())) == ("", [])


def test_last_used_is_written_at_most_once_a_minute(base_url, users):
    # given a token never used
    token, secret = token_create(actor=None, user=users["viewer"], name="t", scope="read")
    assert token.last_used_at is None

    with _bearer(base_url, secret) as client:
        # when it is used twice in a row
        client.get("/me")
        token.refresh_from_db()
        first = token.last_used_at
        client.get("/me")
        token.refresh_from_db()
        second = token.last_used_at

        # then the time is recorded once
        assert first is not None and second == first

        # when the last use is more than a minute old, the next use records the time again
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
        client.get("/me")
    token.refresh_from_db()
    assert token.last_used_at > first


def test_me_says_who_the_token_acts_as(api, users):
    response = api("marketer", "read").get("/me")

    body = response.json()
    assert response.status_code == 200
    assert body["username"] == "marketer"
    assert body["role"] == "marketer"
    assert body["token"]["name"] == "marketer (read)"
    assert body["token"]["scope"] == "read"
    assert re.fullmatch(r"cla_[a-z2-7]{8}", body["token"]["prefix"])


def test_the_session_authenticates_reads_and_csrf_guards_writes(live_server, users):
    client = signed_in_client(live_server, "manager")
    try:
        # a read needs no CSRF token
        me = client.get("/api/v1/me")
        assert (me.status_code, me.json()["username"], me.json()["token"]) == (200, "manager", None)

        # a write without the CSRF header is refused, and nothing is written
        refused = client.post("/api/v1/parties", json={"given_name": "Ewa"})
        assert (refused.status_code, refused.json()) == (
            403,
            {
                "code": "csrf_failed",
                "message": "CSRF check failed: send the X-CSRFToken header with the session.",
                "fields": {},
            },
        )
        assert Party.objects.count() == 0

        # with the header it goes through
        accepted = client.post(
            "/api/v1/parties",
            json={"given_name": "Ewa"},
            headers={"X-CSRFToken": client.cookies["csrftoken"]},
        )
        assert (accepted.status_code, accepted.json()["display_name"]) == (201, "Ewa")
    finally:
        client.close()


def test_the_schema_needs_authentication(anonymous, api):
    assert anonymous.get("/openapi.json").json() == UNAUTHENTICATED

    schema = api("viewer", "read").get("/openapi.json")

    assert schema.status_code == 200
    assert schema.json()["openapi"].startswith("3.")
    assert schema.json()["info"]["title"] == "Clientela API"


def test_the_docs_page_needs_a_login_and_loads_nothing_from_another_site(live_server, users):
    # anonymous visitors go to the login page
    with httpx.Client(base_url=live_server.url) as anonymous:
        assert anonymous.get("/api/docs").headers["Location"] == "/login/?next=/api/docs"

    client = signed_in_client(live_server, "viewer")
    try:
        page = client.get("/api/docs")
        assert page.status_code == 200
        sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
        # every script, stylesheet and icon comes from this server's static files
        assert sources and all(source.startswith("/static/ninja/") for source in sources)
        assert "/static/ninja/swagger-ui-bundle.js" in sources
        for source in sources:
            assert client.get(source).status_code == 200
        # and the page reads this server's schema, with Swagger's online validator off
        assert '"url": "/api/v1/openapi.json"' in page.text
        assert '"validatorUrl": null' in page.text
    finally:
        client.close()
