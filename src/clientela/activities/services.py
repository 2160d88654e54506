"""Recording activities and touchpoints: one at a time (with permission checks) or in bulk."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from clientela.accounts.permissions import Action, authorize
from clientela.activities.models import DEFAULT_CHANNEL, Activity, ActivityKind, Channel, Direction
from clientela.core.errors import validation_error
from clientela.core.services import audit_record


def activity_log(
    *,
    actor,
    party,
    kind: str,
    channel: str = "",
    direction: str = Direction.OUTBOUND,
    staff=None,
    occurred_at: datetime | None = None,
    subject: str = "",
    body: str = "",
    properties: dict | None = None,
    external_id: str | None = None,
) -> Activity:
    """Log one activity on the party's timeline. Linked to the party's current relationship
    at the time, so a later conversion keeps it with the journey it belonged to."""
    from clientela.parties.selectors import relationship_current

    authorize(actor, Action.ACTIVITY_LOG, party=party)
    activity = _build(
        party_id=party.pk,
        relationship_id=getattr(relationship_current(party=party), "pk", None),
        kind=kind,
        channel=channel,
        direction=direction,
        staff=staff if staff is not None else (actor if getattr(actor, "pk", None) else None),
        occurred_at=occurred_at,
        subject=subject,
        body=body,
        properties=properties,
        external_id=external_id,
    )
    with transaction.atomic():
        activity.save()
        audit_record(
            actor=actor,
            action="activity.logged",
            target=activity.party,
            data={"activity": activity.public_id, "kind": kind},
        )
    return activity


@dataclass
class TouchpointIn:
    """One touchpoint for the bulk path; `party_id` is the internal id."""

    party_id: int
    kind: str
    occurred_at: datetime
    channel: str = ""
    direction: str = Direction.INBOUND
    staff_id: int | None = None
    relationship_id: int | None = None
    subject: str = ""
    properties: dict = field(default_factory=dict)
    external_id: str | None = None


def activity_record_bulk(*, actor, items: list[TouchpointIn], batch_size: int = 5000) -> int:
    """Record many touchpoints at once (web and shop events at volume).

    Guarantees: every item is validated before anything is written, and the whole batch is
    written in one transaction; items whose external_id is already recorded are skipped
    (idempotent re-delivery). Returns the number of items offered."""
    authorize(actor, Action.ACTIVITY_LOG)
    rows = []
    for index, item in enumerate(items):
        try:
            rows.append(
                _build(
                    party_id=item.party_id,
                    relationship_id=item.relationship_id,
                    kind=item.kind,
                    channel=item.channel,
                    direction=item.direction,
                    staff=None,
                    staff_id=item.staff_id,
                    occurred_at=item.occurred_at,
                    subject=item.subject,
                    body="",
                    properties=item.properties,
                    external_id=item.external_id,
                )
            )
        except Exception as exc:  # re-raised naming the item
            from clientela.core.errors import ApplicationError

            if isinstance(exc, ApplicationError):
                raise validation_error(f"items[{index}]", exc.message) from exc
            raise
    for row in rows:
        row.assign_public_id()
    with transaction.atomic():
        Activity.objects.bulk_create(rows, batch_size=batch_size, ignore_conflicts=True)
    return len(rows)


def _build(
    *,
    party_id,
    relationship_id,
    kind,
    channel,
    direction,
    staff,
    occurred_at,
    subject,
    body,
    properties,
    external_id,
    staff_id=None,
) -> Activity:
    if kind not in ActivityKind.values:
        raise validation_error("kind", f"unknown activity kind {kind!r}")
    channel = channel or DEFAULT_CHANNEL[ActivityKind(kind)]
    if channel not in Channel.values:
        raise validation_error("channel", f"unknown channel {channel!r}")
    if direction not in Direction.values:
        raise validation_error("direction", f"must be one of {', '.join(Direction.values)}")
    if occurred_at is not None and timezone.is_naive(occurred_at):
        raise validation_error("occurred_at", "needs a time zone")
    if properties is not None and not isinstance(properties, dict):
        raise validation_error("properties", "must be an object")
    activity = Activity(
        party_id=party_id,
        relationship_id=relationship_id,
        kind=kind,
        channel=channel,
        direction=direction,
        occurred_at=occurred_at or timezone.now(),
        subject=(subject or "")[:200],
        body=body or "",
        properties=properties or {},
        external_id=external_id or None,
    )
    if staff is not None:
        activity.staff = staff
    elif staff_id is not None:
        activity.staff_id = staff_id
    activity.created_at = activity.updated_at = timezone.now()
    return activity
