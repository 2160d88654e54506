"""API tests speak real HTTP to a live server (pytest-django's `live_server`) with httpx.

`api(role, scope)` gives an httpx client for `/api/v1` authenticated with a fresh personal
token of the user with that role (see tests/conftest.py `users`)."""

from __future__ import annotations

import re

import httpx
import pytest
from django.core.cache import cache

from clientela.api.services import token_create
from tests.conftest import PASSWORD
from tests.factories import make_party


@pytest.fixture(autouse=True)
def _fresh_rate_windows():
    """Rate counters live in the cache: every test starts with empty windows."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def base_url(live_server) -> str:
    return f"{live_server.url}/api/v1"


@pytest.fixture
def api(base_url, users):
    clients: list[httpx.Client] = []

    def make(role: str = "admin", scope: str = "write", *, secret: str | None = None):
        if secret is None:
            _token, secret = token_create(
                actor=None, user=users[role], name=f"{role} ({scope})", scope=scope
            )
        client = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {secret}"}, timeout=30
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def anonymous(base_url):
    with httpx.Client(base_url=base_url, timeout=30) as client:
        yield client


@pytest.fixture
def customer(users):
    """A customer in consideration, owned by nobody."""
    return make_party(
        given_name="Carmen",
        family_name="García",
        emails=["carmen@example.test"],
        relationship_kind="customer",
        stage="consideration",
    )


@pytest.fixture
def client_of_manager(users):
    """A client in consideration owned by the manager (not by the account manager)."""
    return make_party(
        given_name="Marek",
        family_name="Nowak",
        emails=["marek@example.test"],
        relationship_kind="client",
        owner=users["manager"],
        stage="consideration",
    )


@pytest.fixture
def own_client(users):
    """A client in consideration owned by the account manager."""
    return make_party(
        given_name="Olga",
        family_name="Kowalska",
        relationship_kind="client",
        owner=users["account_manager"],
        stage="consideration",
    )


def signed_in_client(live_server, username: str) -> httpx.Client:
    """An httpx client of the whole site, signed in through the real login form."""
    client = httpx.Client(base_url=live_server.url, timeout=30)
    page = client.get("/login/")
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
    )
    assert response.status_code == 302
    return client
