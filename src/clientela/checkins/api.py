"""Check-ins: the REST endpoints under /api/v1/checkins. Thin: the same services and
selectors as the desk pages."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router, Status

from clientela.api.etags import conditional_write, with_etag
from clientela.api.locks import lock_relationship
from clientela.api.pagination import decode_cursor, encode_cursor, page_schema
from clientela.api.routers._common import PathId, actor, responses, user_ref
from clientela.checkins import selectors, services
from clientela.checkins.schemas import (
    CadenceIn,
    CadenceOut,
    CheckinIn,
    CheckinOut,
    DueOut,
    DueQuery,
)

router = Router(tags=["Check-ins"])

DuePage = page_schema(DueOut, "CheckinDuePage")


def cadence_out(cadence, *, today: date) -> dict:
    status = selectors.checkin_status(relationship_id=cadence.relationship_id, today=today)
    punctuality = selectors.checkin_punctuality(
        relationship_ids=[cadence.relationship_id], today=today
    )[cadence.relationship_id]
    return {
        "id": cadence.public_id,
        "relationship": cadence.relationship.public_id,
        "party": cadence.relationship.party.public_id,
        "every_days": cadence.every_days,
        "channel": cadence.channel,
        "is_active": cadence.is_active,
        "started_on": cadence.started_on,
        "last_contact_at": status.last_contact_at,
        "next_due_on": status.due_on,
        "days_overdue": status.days_overdue,
        "punctuality": punctuality,
        "created_at": cadence.created_at,
        "updated_at": cadence.updated_at,
    }


def _represent(public_id: str) -> dict:
    cadence = selectors.cadence_get(relationship_public_id=public_id)
    return cadence_out(cadence, today=timezone.localdate())


@router.get(
    "/cadences/{public_id}", response=responses(200, CadenceOut), operation_id="getCheckinCadence"
)
def get_cadence(request: HttpRequest, response: HttpResponse, public_id: PathId):
    """The check-in cadence of a client relationship (by the relationship's id) and its clock."""
    return with_etag(response, _represent(public_id))


@router.put(
    "/cadences/{public_id}",
    response=responses(200, CadenceOut, conditional=True),
    operation_id="putCheckinCadence",
)
def put_cadence(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: CadenceIn
):
    """Create or replace the cadence of a client relationship (account managers: their own
    clients). Honours If-Match."""
    from clientela.parties.selectors import relationship_get

    relationship = relationship_get(public_id=public_id)
    with conditional_write(
        request, lambda: lock_relationship(public_id), lambda: _represent(public_id)
    ):
        services.cadence_set(
            actor=actor(request),
            relationship=relationship,
            every_days=payload.every_days,
            channel=payload.channel,
            is_active=payload.is_active,
            started_on=payload.started_on,
        )
    return with_etag(response, _represent(public_id))


@router.get("/due", response=responses(200, DuePage), operation_id="listCheckinsDue")
def list_due(request: HttpRequest, query: Query[DueQuery]):
    """Overdue check-ins and those due within `within_days` days, most overdue first (of one
    account manager's clients with `owner`, else everyone's)."""
    from clientela.accounts.models import User

    owner = user_ref("owner", query.owner) if query.owner else None
    rows = selectors.checkins_due(
        owner_id=owner.pk if owner else None,
        today=timezone.localdate(),
        within_days=query.within_days,
    )
    tag = f"checkins-due:{query.owner or ''}:{query.within_days}"
    if query.cursor:
        after = tuple(decode_cursor(query.cursor, tag, [str, str, int]))
        rows = [r for r in rows if _key(r) > after]
    chunk, more = rows[: query.limit], len(rows) > query.limit
    names = dict(
        User.objects.filter(pk__in={r.owner_id for r in chunk}).values_list("pk", "username")
    )
    last = chunk[-1] if chunk else None
    return {
        "items": [
            {
                "relationship": r.relationship_public_id,
                "party": r.party_public_id,
                "party_name": r.party_name,
                "owner": names.get(r.owner_id),
                "channel": r.channel,
                "every_days": r.every_days,
                "last_contact_at": r.last_contact_at,
                "due_on": r.due_on,
                "days_overdue": r.days_overdue,
            }
            for r in chunk
        ],
        "next": encode_cursor(tag, list(_key(last))) if more and last else None,
    }


def _key(row: selectors.CheckinDue) -> tuple[str, str, int]:
    """The queue's order (see `checkins_due`) as cursor values."""
    return (row.due_on.isoformat(), row.party_name.lower(), row.relationship_id)


@router.post("/{public_id}/log", response=responses(201, CheckinOut), operation_id="logCheckin")
def log_checkin(request: HttpRequest, public_id: PathId, payload: CheckinIn):
    """Log a check-in with the client of this relationship: an activity on its timeline (the
    activity rules apply) that restarts the cadence's clock."""
    from clientela.parties.selectors import relationship_get

    relationship = relationship_get(public_id=public_id)
    activity = services.checkin_log(
        actor=actor(request),
        relationship=relationship,
        channel=payload.channel,
        note=payload.note,
        at=payload.at,
    )
    status = selectors.checkin_status(relationship_id=relationship.pk, today=timezone.localdate())
    return Status(
        201,
        {
            "activity": activity.public_id,
            "relationship": relationship.public_id,
            "kind": activity.kind,
            "occurred_at": activity.occurred_at,
            "next_due_on": status.due_on if status else None,
        },
    )
