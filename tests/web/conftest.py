from __future__ import annotations

import pytest

from tests.conftest import PASSWORD
from tests.factories import make_party

ROLES = ["admin", "manager", "account_manager", "support_agent", "marketer", "viewer"]


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
def login(client, users):
    def sign_in(role: str):
        assert client.login(username=role, password=PASSWORD) is True
        return client

    return sign_in
