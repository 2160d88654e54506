"""Shared builders for the support tests: a Madrid 09:00-17:00 calendar and tickets."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from clientela.support.setup import calendar_set
from tests.factories import make_party

MADRID = ZoneInfo("Europe/Madrid")
NINE_TO_FIVE = {str(d): [["09:00", "17:00"]] for d in range(5)}


def local(*args) -> datetime:
    return datetime(*args, tzinfo=MADRID)


def madrid_calendar(holidays=()):
    return calendar_set(
        actor=None,
        time_zone="Europe/Madrid",
        hours=NINE_TO_FIVE,
        holidays=[{"date": d, "name": "Holiday"} for d in holidays],
    )


def customer(name="Popescu", email="ana@example.test"):
    return make_party(
        family_name=name, emails=[email] if email else [], relationship_kind="customer",
        stage="purchase",
    )  # fmt: skip


def client(owner, name="Ionescu", email="ion@example.test"):
    return make_party(
        given_name="Ion", family_name=name, emails=[email] if email else [],
        relationship_kind="client", owner=owner, stage="consideration",
    )  # fmt: skip
