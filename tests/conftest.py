from __future__ import annotations

import pytest

from clientela.accounts.models import Role
from tests.factories import UserFactory

PASSWORD = "pw-for-tests-1"


@pytest.fixture
def users(db):
    """One active user per role, keyed by role value."""
    return {role.value: UserFactory(username=role.value, role=role.value) for role in Role}


@pytest.fixture
def admin(users):
    return users["admin"]


@pytest.fixture
def account_manager(users):
    return users["account_manager"]
