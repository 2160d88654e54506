from __future__ import annotations

import signal

import pytest
from django.core.management import call_command
from django.test import Client

from clientela.accounts.models import Role
from clientela.webhooks.services import webhook_subscription_create
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.webhooks.receiver import Receiver

ROLES = [role.value for role in Role]


@pytest.fixture
def receiver():
    with Receiver() as running:
        yield running


@pytest.fixture
def staff(transactional_db):
    """One user per role, committed (the worker's tests run on committed data)."""
    return {role: UserFactory(username=role, role=role) for role in ROLES}


@pytest.fixture
def subscribe(staff, receiver):
    """Subscribe the receiver (as the admin) and teach it the secret."""

    def make(event_types, **kwargs):
        subscription = webhook_subscription_create(
            actor=staff["admin"], url=receiver.url, event_types=event_types, **kwargs
        )
        receiver.secrets = [subscription.secret]
        return subscription

    return make


@pytest.fixture
def signals_restored():
    """The db worker installs its own SIGINT/SIGTERM handlers; give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


@pytest.fixture
def run_worker(signals_restored):
    """Run what is due the way `clientela worker --batch` does, then return."""

    def run() -> None:
        call_command(
            "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
        )

    return run


@pytest.fixture
def login(staff):
    def sign_in(role: str) -> Client:
        client = Client()
        assert client.login(username=role, password=PASSWORD) is True
        return client

    return sign_in


@pytest.fixture
def fast_settings(settings):
    """Short waits and timeout, so retries and timeouts are testable in seconds."""
    settings.WEBHOOK_RETRY_SCHEDULE = "1m,5m"
    settings.WEBHOOK_TIMEOUT = "0.5"
    settings.WEBHOOK_DISABLE_AFTER = "3"
    return settings
