"""The webhook settings, parsed and validated where they are used.

`WEBHOOK_RETRY_SCHEDULE` (env `CLIENTELA_WEBHOOK_RETRY_SCHEDULE`): the waits after each failed
attempt, as durations with a unit (`30s`, `5m`, `2h`, `1d`) separated by commas; a delivery
gets one attempt more than there are waits. `WEBHOOK_TIMEOUT` (`CLIENTELA_WEBHOOK_TIMEOUT`):
seconds the receiver has to connect and to answer. `WEBHOOK_DISABLE_AFTER`
(`CLIENTELA_WEBHOOK_DISABLE_AFTER`): how many deliveries in a row may give up before the
subscription is disabled. A bad value raises a validation error naming the variable, and
Django's system checks (`manage.py check`) report it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.conf import settings

from clientela.core.errors import ApplicationError, validation_error

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DURATION = re.compile(r"^(\d+)\s*([smhd])$")


@dataclass(frozen=True)
class WebhookSettings:
    retry_waits: tuple[dt.timedelta, ...]
    timeout: float
    disable_after: int

    @property
    def max_attempts(self) -> int:
        return len(self.retry_waits) + 1


def retry_waits_parse(value: str) -> tuple[dt.timedelta, ...]:
    """'1m,5m,2h' -> the waits as timedeltas ('' or 'none': no retry at all)."""
    text = str(value).strip()
    if text.lower() in {"", "none"}:
        return ()
    waits = []
    for part in text.split(","):
        match = _DURATION.match(part.strip().lower())
        if match is None:
            raise validation_error(
                "CLIENTELA_WEBHOOK_RETRY_SCHEDULE",
                f"{part.strip()!r} is not a duration (a number and s, m, h or d, "
                "several separated by commas)",
            )
        waits.append(dt.timedelta(seconds=int(match[1]) * _UNITS[match[2]]))
    return tuple(waits)


def webhook_settings() -> WebhookSettings:
    """The current settings (read on every use, so tests and operators can change them)."""
    waits = retry_waits_parse(getattr(settings, "WEBHOOK_RETRY_SCHEDULE", "1m,5m,30m,2h,6h"))
    timeout = _number(
        "CLIENTELA_WEBHOOK_TIMEOUT", getattr(settings, "WEBHOOK_TIMEOUT", 10), float, 0.1, 300
    )
    disable_after = _number(
        "CLIENTELA_WEBHOOK_DISABLE_AFTER",
        getattr(settings, "WEBHOOK_DISABLE_AFTER", 20),
        int,
        1,
        1_000_000,
    )
    return WebhookSettings(retry_waits=waits, timeout=timeout, disable_after=disable_after)


def _number(name: str, value, kind, low, high):
    try:
        number = kind(str(value).strip())
    except ValueError:
        raise validation_error(name, f"{value!r} is not a number") from None
    if not low <= number <= high:
        raise validation_error(name, f"must be between {low} and {high}")
    return number


def settings_check(app_configs=None, **kwargs):
    """Django system check: a bad webhook setting is an error at start-up, not at the first
    delivery."""
    from django.core.checks import Error

    try:
        webhook_settings()
    except ApplicationError as exc:
        return [Error(exc.message, id="clientela.webhooks.E001")]
    return []
