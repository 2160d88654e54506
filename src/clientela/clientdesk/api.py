"""Client desk: the REST endpoints under /api/v1/desk. Thin over the desk's selectors and
services, the functions the pages call. Every signed-in role reads (an account manager's
morning list and workload are their own unless they name another); writes follow the
services' rights."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from clientela.accounts.models import Role
from clientela.api.etags import with_etag
from clientela.api.routers._common import PathId, actor, created, not_found, responses, user_ref
from clientela.clientdesk import selectors, services
from clientela.clientdesk.schemas import (
    BackupIn,
    BackupOut,
    BackupQuery,
    DeskSettingsOut,
    DeskSettingsPatch,
    HealthOut,
    HealthQuery,
    MorningOut,
    MorningQuery,
    ReassignIn,
    ReassignOut,
    WorkloadOut,
)
from clientela.clientdesk.settings import desk_settings_get, desk_settings_update
from clientela.clientdesk.views.common import today

router = Router(tags=["Client desk"])


def _relationship(public_id: str):
    from clientela.parties.models import Relationship

    found = Relationship.objects.select_related("party").filter(public_id=public_id).first()
    if found is None:
        raise not_found(_("No relationship %(id)s.") % {"id": public_id})
    return found


@router.get("/morning", response=responses(200, MorningOut), operation_id="getDeskMorning")
def get_morning(request: HttpRequest, query: Query[MorningQuery]):
    """The morning list of `owner` (default: the caller when an account manager, else every
    client): overdue check-ins, renewals, falling engagement, negative feedback, late
    onboarding tasks and clients at risk, each with the client's health."""
    user = actor(request)
    owner = user_ref("owner", query.owner)
    if owner is None and user.role == Role.ACCOUNT_MANAGER:
        owner = user
    desk = selectors.morning_list(owner_id=owner.pk if owner else None, today=today())
    return _morning_out(desk, owner)


def _morning_out(desk, owner) -> dict:
    from clientela.accounts.models import User
    from clientela.parties.models import Relationship

    ids = set(desk.health)
    refs = {
        r["id"]: r
        for r in Relationship.objects.filter(id__in=ids).values(
            "id", "public_id", "party__public_id", "party__display_name", "owner_id"
        )
    }
    names = dict(
        User.objects.filter(pk__in={r["owner_id"] for r in refs.values()}).values_list(
            "pk", "username"
        )
    )

    def item(relationship_id: int, detail: dict) -> dict:
        ref = refs[relationship_id]
        health = desk.health.get(relationship_id)
        return {
            "relationship": ref["public_id"],
            "party": ref["party__public_id"],
            "party_name": ref["party__display_name"],
            "owner": names.get(ref["owner_id"]),
            "health": {"score": health.score, "band": health.band} if health else None,
            "detail": detail,
        }

    return {
        "owner": owner.username if owner else None,
        "today": desk.today,
        "counts": desk.counts,
        "checkins": [
            item(
                d.relationship_id,
                {
                    "due_on": d.due_on.isoformat(),
                    "days_overdue": d.days_overdue,
                    "channel": d.channel,
                },
            )
            for d in desk.checkins
        ],
        "renewals": [
            item(
                r.relationship_id,
                {
                    "contract": r.contract_public_id,
                    "title": r.title,
                    "renewal_on": r.renewal_on.isoformat(),
                    "notice_deadline": r.notice_deadline.isoformat(),
                    "value": str(r.value),
                    "currency": r.currency,
                },
            )
            for r in desk.renewals
        ],
        "falling": [
            item(f.relationship_id, {"recent": f.recent, "previous": f.previous})
            for f in desk.falling
        ],
        "negative": [
            item(
                n.relationship_id,
                {
                    "review": n.review_public_id,
                    "answered_on": n.answered_on.isoformat(),
                    "score": n.score,
                    "comment": n.comment,
                },
            )
            for n in desk.negative
        ],
        "late_tasks": [
            item(
                t.relationship_id,
                {
                    "task": t.task_public_id,
                    "title": t.title,
                    "due_on": t.due_on.isoformat(),
                    "days_late": t.days_late,
                },
            )
            for t in desk.late_tasks
        ],
        "at_risk": [item(c.relationship_id, {}) for c in desk.at_risk],
    }


@router.get("/workload", response=responses(200, list[WorkloadOut]), operation_id="getDeskWorkload")
def get_workload(request: HttpRequest):
    """One line per account manager (an account manager sees their own line only)."""
    user = actor(request)
    own = user.pk if user.role == Role.ACCOUNT_MANAGER else None
    return [
        {
            "username": line.username,
            "name": line.name,
            "clients": line.clients,
            "contract_value": str(line.contract_value),
            "overdue_checkins": line.overdue_checkins,
            "late_tasks": line.late_tasks,
            "renewals": line.renewals,
            "average_health": line.average_health,
        }
        for line in selectors.workload(today=today(), user_id=own)
    ]


@router.get("/health", response=responses(200, HealthOut), operation_id="getDeskHealth")
def get_health(request: HttpRequest, query: Query[HealthQuery]):
    """A client's health: score, band, reasons (in the caller's language) and components."""
    relationship = _relationship(query.relationship)
    health = selectors.client_health(relationship_ids=[relationship.pk], today=today())[
        relationship.pk
    ]
    return {
        "relationship": relationship.public_id,
        "party": relationship.party.public_id,
        "score": health.score,
        "band": health.band,
        "reasons": health.reasons,
        "components": health.components,
    }


@router.post("/reassign", response=responses(200, ReassignOut), operation_id="reassignClients")
def reassign(request: HttpRequest, payload: ReassignIn):
    """Give `to_owner` the listed relationships, or all of `from_owner`'s: all or nothing
    (managers and admins)."""
    moved = services.relationships_reassign(
        actor=actor(request),
        to_owner=user_ref("to_owner", payload.to_owner),
        relationship_public_ids=payload.relationships,
        from_owner=user_ref("from_owner", payload.from_owner),
    )
    return {"moved": moved}


def _backup_out(backup) -> dict:
    return {
        "id": backup.public_id,
        "user": backup.user.username,
        "name": str(backup.user),
        "added_at": backup.created_at,
    }


@router.get(
    "/relationships/{public_id}/backups",
    response=responses(200, list[BackupOut]),
    operation_id="listRelationshipBackups",
)
def list_backups(request: HttpRequest, public_id: PathId):
    relationship = _relationship(public_id)
    return [_backup_out(b) for b in selectors.relationship_backups(relationship_id=relationship.pk)]


@router.post(
    "/relationships/{public_id}/backups",
    response=responses(201, BackupOut),
    operation_id="addRelationshipBackup",
)
def add_backup(request: HttpRequest, response: HttpResponse, public_id: PathId, payload: BackupIn):
    """Name a backup account manager (managers, admins, or the client's own account
    manager)."""
    relationship = _relationship(public_id)
    backup = services.relationship_backup_add(
        actor=actor(request), relationship=relationship, user=user_ref("user", payload.user)
    )
    return created(response, _backup_out(backup))


@router.delete(
    "/relationships/{public_id}/backups",
    response=responses(204, None),
    operation_id="removeRelationshipBackup",
)
def remove_backup(request: HttpRequest, public_id: PathId, query: Query[BackupQuery]):
    relationship = _relationship(public_id)
    services.relationship_backup_remove(
        actor=actor(request), relationship=relationship, user=user_ref("user", query.user)
    )
    return Status(204, None)


@router.get("/settings", response=responses(200, DeskSettingsOut), operation_id="getDeskSettings")
def get_settings(request: HttpRequest, response: HttpResponse):
    return with_etag(response, desk_settings_get())


@router.patch(
    "/settings", response=responses(200, DeskSettingsOut), operation_id="updateDeskSettings"
)
def update_settings(request: HttpRequest, response: HttpResponse, payload: DeskSettingsPatch):
    """Change some settings (admins only); only the fields sent."""
    values = payload.model_dump(exclude_unset=True, exclude_none=True)
    return with_etag(response, desk_settings_update(actor=actor(request), **values))
