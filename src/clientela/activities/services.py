"""Recording activities and touchpoints: one at a time (with permission checks) or in bulk."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize, authorize_parties
from clientela.activities.models import DEFAULT_CHANNEL, Activity, ActivityKind, Channel, Direction
from clientela.core.bulk import rows_copy_skipping_conflicts
from clientela.core.errors import ApplicationError, validation_error
from clientela.core.ids import new_public_ids
from clientela.core.services import audit_record
from clientela.webhooks import events as webhook_events


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
        webhook_events.emit_activity_logged(activity=activity)
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

    Guarantees: the actor may log activities on every party named; every item is validated
    (its party, relationship and staff exist; the relationship is the party's) before
    anything is written, and the whole batch is written in one transaction with one audit
    event; an item without a relationship is linked to its party's current one, as
    `activity_log` does; items whose external_id is already recorded are skipped
    (idempotent re-delivery). Returns the number of items offered."""
    from clientela.core.selectors import business_get

    rows = _validated_rows(actor, items)
    if not rows:
        return 0
    with transaction.atomic():
        _insert_skipping_conflicts(rows, batch_size=batch_size)
        audit_record(
            actor=actor,
            action="activity.bulk_recorded",
            target=business_get(),
            data={"offered": len(rows)},
        )
    return len(rows)


@dataclass(frozen=True)
class KeyedOutcome:
    """What happened to one keyed touchpoint: the activity now recorded under its external
    id (`public_id`, on `party_id`), and whether this call created it."""

    public_id: str
    party_id: int
    created: bool


def activity_record_bulk_keyed(
    *, actor, items: list[TouchpointIn], batch_size: int = 5000
) -> list[KeyedOutcome]:
    """`activity_record_bulk` for items that all carry an external id, reporting per item.

    Same guarantees (permission on every party, every item validated before anything is
    written, one transaction, one audit event, current relationship linked), plus: the
    outcome of item i is `result[i]`; an external id already recorded (before this call,
    or by a concurrent call that committed first: the unique constraint decides, the
    insert skips conflicts) is reported with the existing activity and `created=False`,
    which may belong to another party: the caller decides whether that is a conflict.
    External ids must be distinct within one call."""
    from clientela.core.selectors import business_get

    rows = _validated_rows(actor, items)
    keys = [row["external_id"] for row in rows]
    if any(key is None for key in keys) or len(set(keys)) != len(keys):
        raise validation_error("items", _("every item needs its own external_id"))
    if not rows:
        return []
    with transaction.atomic():
        # Insert all, skipping conflicts, then read back who holds each key that this call
        # did not insert: that lookup sees rows of concurrent writers that committed first.
        inserted = _insert_skipping_conflicts(sorted(rows, key=_external_id), batch_size=batch_size)
        known = {
            row["external_id"]: (row["public_id"], row["party_id"])
            for row in rows
            if row["external_id"] in inserted
        }
        known.update(_by_external_id(set(keys) - known.keys()))
        outcomes = [
            KeyedOutcome(
                public_id=known[row["external_id"]][0],
                party_id=known[row["external_id"]][1],
                created=known[row["external_id"]][0] == row["public_id"],
            )
            for row in rows
        ]
        audit_record(
            actor=actor,
            action="activity.bulk_recorded",
            target=business_get(),
            data={"offered": len(rows), "created": sum(o.created for o in outcomes)},
        )
    return outcomes


# Every column of a new activity, as `_validated_rows` gives them (the id comes from the
# sequence).
_COPIED = (
    "public_id",
    "created_at",
    "updated_at",
    "party_id",
    "relationship_id",
    "kind",
    "channel",
    "direction",
    "staff_id",
    "occurred_at",
    "subject",
    "body",
    "properties",
    "external_id",
)


def _external_id(row: dict) -> str:
    return row["external_id"]


def _insert_skipping_conflicts(rows: list[dict], *, batch_size: int) -> set[str]:
    """Insert validated rows in their order; a row whose external id is already recorded
    is skipped. Returns the external ids this call inserted: PostgreSQL says which (COPY,
    no model instances, no parameter lists, `RETURNING`); elsewhere the ORM's bulk insert
    cannot tell, so the set is empty and the caller reads every key back."""
    if connection.vendor == "postgresql":
        return rows_copy_skipping_conflicts(
            model=Activity,
            columns=_COPIED,
            rows=[tuple(row[name] for name in _COPIED) for row in rows],
            returning="external_id",
        )
    Activity.objects.bulk_create(
        [Activity(**row) for row in rows], batch_size=batch_size, ignore_conflicts=True
    )
    return set()


def _by_external_id(keys: set[str]) -> dict[str, tuple[str, int]]:
    return {
        key: (public_id, party_id)
        for key, public_id, party_id in _rows(
            Activity.objects, "external_id", keys, "external_id", "public_id", "party_id"
        )
    }


def _validated_rows(actor, items: list[TouchpointIn]) -> list[dict]:
    """Check the permission on every party and validate every item; the column values of
    each new activity (with its public id) in input order, or a VALIDATION error naming
    `items[i].field`."""
    from clientela.accounts.models import User
    from clientela.parties.models import Party, Relationship

    authorize_parties(actor, Action.ACTIVITY_LOG, party_ids=[item.party_id for item in items])
    party_ids = {pk for (pk,) in _rows(Party.objects, "pk", {i.party_id for i in items}, "pk")}
    staff_ids = {pk for (pk,) in _rows(User.objects, "pk", {i.staff_id for i in items}, "pk")}
    rels = Relationship.objects.all()
    relationship_party = dict(
        _rows(rels, "pk", {i.relationship_id for i in items}, "pk", "party_id")
    )
    current = dict(_rows(rels.filter(is_current=True), "party_id", party_ids, "party_id", "pk"))
    rows = []
    public_ids = new_public_ids(Activity.PUBLIC_ID_PREFIX, len(items))
    for index, item in enumerate(items):
        name = f"items[{index}]"
        if item.party_id not in party_ids:
            raise validation_error(
                f"{name}.party_id", _("no party with id %(id)s") % {"id": repr(item.party_id)}
            )
        if item.staff_id is not None and item.staff_id not in staff_ids:
            raise validation_error(
                f"{name}.staff_id", _("no user with id %(id)s") % {"id": repr(item.staff_id)}
            )
        if item.relationship_id and relationship_party.get(item.relationship_id) != item.party_id:
            raise validation_error(
                f"{name}.relationship_id", _("is not a relationship of this party")
            )
        try:
            row = _values(
                party_id=item.party_id,
                relationship_id=item.relationship_id or current.get(item.party_id),
                kind=item.kind,
                channel=item.channel,
                direction=item.direction,
                staff_id=item.staff_id,
                occurred_at=item.occurred_at,
                subject=item.subject,
                body="",
                properties=item.properties,
                external_id=item.external_id,
            )
        except ApplicationError as exc:
            fields = exc.extra.get("fields", {})
            field = next(iter(fields), "")
            problems = " ".join(fields.get(field, [exc.message]))
            raise validation_error(f"{name}.{field}" if field else name, problems) from exc
        row["public_id"] = public_ids[index]
        rows.append(row)
    return rows


def _rows(queryset, field: str, ids: set, *columns: str):
    """`values_list(*columns)` of the rows whose `field` is in `ids`, 2,000 ids a query."""
    ids = sorted(i for i in ids if i is not None)
    for start in range(0, len(ids), 2000):
        chunk = ids[start : start + 2000]
        yield from queryset.filter(**{f"{field}__in": chunk}).values_list(*columns)


# The choices as sets, once: `TextChoices.values` builds a new list on every access, which
# cost more than the rest of `_build` on a 10,000-item batch.
_KINDS = frozenset(ActivityKind.values)
_CHANNELS = frozenset(Channel.values)
_DIRECTIONS = frozenset(Direction.values)


def _build(*, staff, **fields) -> Activity:
    """A validated, unsaved activity (`staff` a user or None)."""
    activity = Activity(**_values(**fields, staff_id=None))
    if staff is not None:
        activity.staff = staff
    return activity


_SCALARS = (str, int, float, bool, type(None))


def _flat_json(properties: dict) -> bool:
    """True for the usual touchpoint properties (text keys, scalar values), which are JSON
    for sure: the full `json.dumps` check is then skipped (the bulk paths dump them
    again to store them)."""
    return all(
        type(key) is str and isinstance(value, _SCALARS) for key, value in properties.items()
    )


def _values(
    *,
    party_id,
    relationship_id,
    kind,
    channel,
    direction,
    occurred_at,
    subject,
    body,
    properties,
    external_id,
    staff_id,
) -> dict:
    """The column values (attribute names) of a new activity, validated: a VALIDATION error
    names the field. Bulk paths write these without building model instances."""
    if kind not in _KINDS:
        raise validation_error("kind", _("unknown activity kind %(kind)s") % {"kind": repr(kind)})
    channel = channel or DEFAULT_CHANNEL[ActivityKind(kind)]
    if channel not in _CHANNELS:
        raise validation_error(
            "channel", _("unknown channel %(channel)s") % {"channel": repr(channel)}
        )
    if direction not in _DIRECTIONS:
        raise validation_error(
            "direction", _("must be one of %(choices)s") % {"choices": ", ".join(Direction.values)}
        )
    if occurred_at is not None and timezone.is_naive(occurred_at):
        raise validation_error("occurred_at", _("needs a time zone"))
    if properties is not None and not isinstance(properties, dict):
        raise validation_error("properties", _("must be an object"))
    if properties and not _flat_json(properties):
        try:
            json.dumps(properties)
        except (TypeError, ValueError) as exc:
            raise validation_error(
                "properties", _("must be plain JSON values (%(error)s)") % {"error": exc}
            ) from exc
    now = timezone.now()
    return {
        "party_id": party_id,
        "relationship_id": relationship_id,
        "kind": kind,
        "channel": channel,
        "direction": direction,
        "staff_id": staff_id,
        "occurred_at": occurred_at or now,
        "subject": (subject or "")[:200],
        "body": body or "",
        "properties": properties or {},
        "external_id": external_id or None,
        "created_at": now,
        "updated_at": now,
    }
