"""Fixtures: a real SMTP server on 127.0.0.1 (aiosmtpd), settings pointing at it, and the
worker run the way `clientela worker --batch` runs it."""

from __future__ import annotations

import datetime as dt
import signal
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone

from tests.api.conftest import anonymous, api, base_url  # noqa: F401


class Inbox:
    """An SMTP handler keeping every accepted message; `refusals` are answers given to the
    next DATA commands instead of accepting (e.g. "451 try later")."""

    def __init__(self) -> None:
        self.messages: list = []
        self.envelopes: list = []
        self.refusals: list[str] = []
        self.refused_recipients: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused_recipients:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusals:
            return self.refusals.pop(0)
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    """A running SMTP server and the settings that make Clientela send to it."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    settings.CLIENTELA_SMTP_HOST = "127.0.0.1"
    settings.DEFAULT_FROM_EMAIL = "desk@clientela.test"
    settings.CLIENTELA_BASE_URL = "https://crm.example.test"
    try:
        yield inbox
    finally:
        controller.stop()


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
def due_now():
    """Let the waits pass: every waiting email (and its deferred task) becomes due."""

    def make_due() -> None:
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult

        from clientela.notifications.models import Notification

        past = timezone.now() - dt.timedelta(seconds=1)
        Notification.objects.exclude(next_attempt_at=None).update(next_attempt_at=past)
        DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=past)

    return make_due
