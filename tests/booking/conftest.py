from __future__ import annotations

from datetime import time

import pytest

from clientela.booking.setup import availability_set, service_create
from tests.api.conftest import anonymous, api, base_url, own_client  # noqa: F401
from tests.factories import UserFactory, make_party

WEEKDAYS_9_TO_5 = [(d, time(9), time(17)) for d in range(5)]


def make_staff(username: str, *, zone: str = "Europe/Madrid", hours=None, role="account_manager"):
    user = UserFactory(username=username, role=role)
    availability_set(
        actor=None, user=user, time_zone=zone, hours=WEEKDAYS_9_TO_5 if hours is None else hours
    )
    return user


def make_service(*staff, duration=60, buffer=0, name="Strategy session"):
    return service_create(
        actor=None, name=name, duration_minutes=duration, buffer_minutes=buffer, staff=staff
    )


@pytest.fixture
def ana(db):
    return make_staff("ana")


@pytest.fixture
def client_party(users):
    return make_party(
        given_name="Olga",
        family_name="Kowalska",
        emails=["olga@example.test"],
        relationship_kind="client",
        owner=users["account_manager"],
        stage="consideration",
    )
