"""Rate limiting per token (and per signed-in user): a fixed window in the cache."""

from __future__ import annotations

from django.test import override_settings

from tests.api.conftest import signed_in_client


@override_settings(API_RATE="3/minute")
def test_the_request_over_the_limit_is_429_with_retry_after(api):
    client = api("viewer", "read")

    answers = [client.get("/me") for _ in range(4)]

    assert [r.status_code for r in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert refused.json() == {
        "code": "rate_limited",
        "message": "Too many requests: at most 3 per 60 seconds. Retry later.",
        "fields": {},
    }
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


@override_settings(API_RATE="2/minute")
def test_each_token_has_its_own_window(api):
    first, second = api("viewer", "read"), api("viewer", "read")

    statuses = [first.get("/me").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    assert second.get("/me").status_code == 200


@override_settings(API_RATE="2/minute")
def test_a_limited_write_writes_nothing(api):
    from clientela.parties.models import Party

    client = api("manager")
    client.get("/me")
    client.get("/me")

    response = client.post("/parties", json={"given_name": "Late"})

    assert response.status_code == 429
    assert Party.objects.count() == 0


@override_settings(API_RATE="2/minute")
def test_a_signed_in_user_is_limited_too(live_server, users):
    client = signed_in_client(live_server, "viewer")
    try:
        statuses = [client.get("/api/v1/me").status_code for _ in range(3)]
    finally:
        client.close()

    assert statuses == [200, 200, 429]
