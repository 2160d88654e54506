"""Shared builders for the check-in tests."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from clientela.activities.services import activity_log
from clientela.checkins.services import cadence_set
from tests.factories import make_party


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_current_timezone())


def client_with_cadence(
    *, owner, name: str = "Popescu", every_days: int = 30, started_on: date, channel="call"
):
    """A client in consideration owned by `owner` with an explicit cadence."""
    party = make_party(
        given_name="Ana", family_name=name, relationship_kind="client", owner=owner,
        stage="consideration",
    )  # fmt: skip
    rel = party.relationships.get()
    cadence_set(actor=None, relationship=rel, every_days=every_days, channel=channel,
                started_on=started_on)  # fmt: skip
    return rel


def touch(rel, *, kind: str, day: date, staff=None, direction="outbound", actor=None):
    return activity_log(
        actor=actor, party=rel.party, kind=kind, occurred_at=at(day), staff=staff,
        direction=direction,
    )  # fmt: skip
