"""Writes on relationships: open, assign an owner, convert between client and customer, end.

Every function checks the actor's role and ownership (accounts.permissions), writes inside
one transaction with the relationship row locked, and records an audit event.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize, is_allowed
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.core.services import audit_record
from clientela.parties.models import (
    AcquisitionChannel,
    Party,
    Relationship,
    RelationshipKind,
    RelationshipStatus,
)
from clientela.parties.services._common import require_aware, save_validated
from clientela.parties.services.current import party_current_refresh
from clientela.webhooks import events as webhook_events

# Roles that may own (be the account manager of) a relationship.
OWNER_ROLES = frozenset({"account_manager", "manager", "admin"})


def relationship_open(
    *,
    actor,
    party: Party,
    kind: str,
    acquisition_channel: str = AcquisitionChannel.OTHER,
    owner=None,
    stage: str | None = None,
    at: datetime | None = None,
    reason: str = "",
    converted_from: Relationship | None = None,
) -> Relationship:
    """Open the party's current relationship and enter its journey (guards apply)."""
    from clientela.journeys.definitions import Stage
    from clientela.journeys.services import journey_enter

    authorize(actor, Action.RELATIONSHIP_CHANGE, party=party)
    _check_owner(actor, owner)
    if kind not in RelationshipKind.values:
        raise validation_error("kind", _("must be client or customer"))
    require_aware("at", at)
    at = at or timezone.now()
    relationship = Relationship(
        party=party,
        kind=kind,
        acquisition_channel=acquisition_channel,
        owner=owner,
        started_at=at,
        created_at=at,
        converted_from=converted_from,
    )
    with transaction.atomic():
        if Relationship.objects.filter(party=party, is_current=True).exists():
            raise ApplicationError(
                ErrorCode.CONFLICT,
                _("%(party)s already has a current relationship; convert it instead.")
                % {"party": party},
            )
        relationship.stage = stage or Stage.AWARENESS
        save_validated(relationship, exclude=["public_id"])
        journey_enter(
            actor=actor, relationship=relationship, stage=relationship.stage, reason=reason, at=at
        )
        party_current_refresh(party_ids=[party.pk])
        audit_record(
            actor=actor,
            action="relationship.opened",
            target=relationship,
            data={
                "kind": kind,
                "stage": relationship.stage,
                "owner": getattr(owner, "username", None),
            },
        )
        webhook_events.emit_relationship_opened(relationship=relationship)
    return relationship


def relationship_assign_owner(*, actor, relationship: Relationship, owner) -> Relationship:
    """Give the current relationship an owner (account manager). Managers and admins assign
    anyone; an account manager may take a relationship they may change for themselves.

    The row is locked and re-read, so the client-in-onboarding rule is checked against the
    stage the relationship really has, not the caller's copy."""
    with transaction.atomic():
        locked = relationship_lock(relationship=relationship)
        relationship_owner_change_locked(actor=actor, locked=locked, owner=owner)
        party_current_refresh(party_ids=[locked.party_id])
    relationship.owner = owner
    relationship.updated_at = locked.updated_at
    return relationship


def relationship_owner_change_locked(*, actor, locked: Relationship, owner) -> None:
    """The owner change itself, for callers that already hold `locked`'s row lock (inside
    their transaction): `relationship_assign_owner` and the client desk's bulk reassignment,
    so both apply exactly the same rules. Checks the actor's rights, the new owner, that the
    relationship is current and that a client in onboarding or later keeps an owner (while the
    desk's `guard_owner_for_onboarding` is on); saves,
    records the audit event and emits the webhook. The caller must then call
    `party_current_refresh` for the party (once for a batch)."""
    from clientela.clientdesk.settings import desk_setting
    from clientela.journeys.definitions import Stage, stage_index

    if not is_allowed(actor, Action.RELATIONSHIP_ASSIGN):
        authorize(actor, Action.RELATIONSHIP_CHANGE, party=locked.party)
    _check_owner(actor, owner)
    if not locked.is_current:
        raise ApplicationError(
            ErrorCode.CONFLICT, _("Only the current relationship changes owner.")
        )
    if (
        owner is None
        and locked.kind == RelationshipKind.CLIENT
        and stage_index("client", locked.stage) >= stage_index("client", Stage.ONBOARDING)
        and desk_setting("guard_owner_for_onboarding")
    ):
        raise ApplicationError(
            ErrorCode.TRANSITION_REFUSED,
            _("A client in onboarding or later must keep an account manager."),
            {"rule": "client.owner_required"},
        )
    before = locked.owner
    locked.owner = owner
    locked.updated_at = timezone.now()
    locked.save(update_fields=["owner", "updated_at"])
    audit_record(
        actor=actor,
        action="relationship.owner_assigned",
        target=locked,
        data={
            "from": getattr(before, "username", None),
            "to": getattr(owner, "username", None),
        },
    )
    webhook_events.emit_relationship_owner_changed(relationship=locked, before=before)


def relationship_convert(
    *,
    actor,
    relationship: Relationship,
    owner=None,
    stage: str | None = None,
    reason: str,
    at: datetime | None = None,
) -> Relationship:
    """Convert a customer into a client (or a client back into a customer).

    Guarantees: the old relationship is closed as `converted` but kept, with its journey,
    orders and timeline; the new relationship points back to it (`converted_from`) and enters
    its own journey at `stage` (consideration by default) through the guards; all in one
    transaction, so a refused stage leaves the old relationship current. The old row is
    locked, so two people converting at once cannot both succeed."""
    from clientela.journeys.definitions import Stage

    authorize(actor, Action.RELATIONSHIP_CHANGE, party=relationship.party)
    _check_owner(actor, owner)
    if not (reason or "").strip():
        raise validation_error("reason", _("say why the relationship is converted"))
    require_aware("at", at)
    at = at or timezone.now()
    with transaction.atomic():
        locked = relationship_lock(relationship=relationship)
        if not locked.is_current or locked.status != RelationshipStatus.ACTIVE:
            raise ApplicationError(
                ErrorCode.CONFLICT, _("Only the current, active relationship converts.")
            )
        to_kind = (
            RelationshipKind.CLIENT
            if locked.kind == RelationshipKind.CUSTOMER
            else RelationshipKind.CUSTOMER
        )
        locked.is_current = False
        locked.status = RelationshipStatus.CONVERTED
        locked.ended_at = at
        locked.end_reason = reason.strip()[:300]
        locked.updated_at = timezone.now()
        locked.save(update_fields=["is_current", "status", "ended_at", "end_reason", "updated_at"])
        new = relationship_open(
            actor=actor,
            party=locked.party,
            kind=to_kind,
            acquisition_channel=AcquisitionChannel.CONVERSION,
            owner=owner,
            stage=stage or Stage.CONSIDERATION,
            at=at,
            reason=reason,
            converted_from=locked,
        )
        audit_record(
            actor=actor,
            action="relationship.converted",
            target=locked.party,
            data={
                "from": locked.kind,
                "to": to_kind,
                "reason": reason,
                "old": locked.public_id,
                "new": new.public_id,
            },
        )
        webhook_events.emit_relationship_converted(old=locked, new=new, reason=reason)
    for name in ("is_current", "status", "ended_at", "end_reason", "updated_at"):
        setattr(relationship, name, getattr(locked, name))
    return new


def relationship_end(
    *, actor, relationship: Relationship, reason: str, at: datetime | None = None
) -> Relationship:
    """End the current relationship (lost, churned). It stays current, so the party keeps its
    side; a converted relationship is history and an ended one is already closed."""
    authorize(actor, Action.RELATIONSHIP_CHANGE, party=relationship.party)
    if not (reason or "").strip():
        raise validation_error("reason", _("say why the relationship ends"))
    require_aware("at", at)
    with transaction.atomic():
        locked = relationship_lock(relationship=relationship)
        if not locked.is_current or locked.status not in {
            RelationshipStatus.ACTIVE,
            RelationshipStatus.PAUSED,
        }:
            raise ApplicationError(
                ErrorCode.CONFLICT, _("Only the current, open relationship can end.")
            )
        locked.status = RelationshipStatus.ENDED
        locked.ended_at = at or timezone.now()
        locked.end_reason = reason.strip()[:300]
        locked.updated_at = timezone.now()
        locked.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
        audit_record(
            actor=actor, action="relationship.ended", target=locked, data={"reason": reason}
        )
        webhook_events.emit_relationship_ended(relationship=locked)
    for name in ("status", "ended_at", "end_reason", "updated_at"):
        setattr(relationship, name, getattr(locked, name))
    return relationship


def relationship_lock(*, relationship: Relationship) -> Relationship:
    """The relationship's row, locked for the caller's transaction and read again (with its
    party), so checks see what is stored, not the caller's copy; NOT_FOUND when it is gone."""
    try:
        return (
            Relationship.objects.select_for_update(of=("self",))
            .select_related("party")
            .get(pk=relationship.pk)
        )
    except Relationship.DoesNotExist as exc:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such relationship.")) from exc


def _check_owner(actor, owner) -> None:
    """An owner must be an active account manager, manager or admin; only managers and
    admins (and the system) give a relationship to someone other than themselves."""
    if owner is None:
        return
    if getattr(actor, "pk", None) != owner.pk:
        authorize(actor, Action.RELATIONSHIP_ASSIGN)
    if owner.role not in OWNER_ROLES:
        raise validation_error(
            "owner",
            _("%(owner)s cannot own relationships (role %(role)s)")
            % {"owner": owner, "role": owner.role},
        )
    if not owner.is_active:
        raise validation_error(
            "owner", _("%(owner)s is inactive and cannot own relationships") % {"owner": owner}
        )
