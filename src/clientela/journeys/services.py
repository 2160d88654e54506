"""Journey moves. Every move passes the guard registry and is recorded with who and why."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.core.services import audit_record
from clientela.journeys.guards import Move, check_move
from clientela.journeys.hooks import run_on_enter
from clientela.journeys.models import JourneyTransition
from clientela.webhooks import events as webhook_events


def journey_enter(
    *, actor, relationship, stage: str, reason: str = "", at: datetime | None = None
) -> JourneyTransition:
    """Record a just-saved relationship entering its journey at `stage` (guards apply,
    from_stage is empty). Called by parties.services inside its transaction, so a refusal
    rolls the new relationship back too."""
    _require_aware(at)
    check_move(Move(relationship, relationship.kind, "", stage, actor, reason))
    at = at or timezone.now()
    _store_stage(relationship, stage, at)
    transition = JourneyTransition.objects.create(
        relationship=relationship,
        from_stage="",
        to_stage=stage,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        reason=reason[:500],
    )
    run_on_enter(relationship=relationship, from_stage="", to_stage=stage, actor=actor, at=at)
    return transition


def journey_move(
    *, actor, relationship, to_stage: str, reason: str = "", at: datetime | None = None
) -> JourneyTransition:
    """Move `relationship` to `to_stage`.

    Guarantees: the actor may change this party; every registered guard allowed the move
    (else TRANSITION_REFUSED naming the rule, nothing written); the transition, the new stage
    and an audit event are written together. The row is locked for the move, so two people
    moving the same card cannot both succeed from the same starting stage."""
    from clientela.parties.models import Relationship

    _require_aware(at)
    with transaction.atomic():
        try:
            locked = Relationship.objects.select_for_update().get(pk=relationship.pk)
        except Relationship.DoesNotExist as exc:
            raise ApplicationError(ErrorCode.NOT_FOUND, _("Relationship not found.")) from exc
        authorize(actor, Action.RELATIONSHIP_CHANGE, party=locked.party)
        from_stage = locked.stage
        check_move(Move(locked, locked.kind, from_stage, to_stage, actor, reason))
        at = at or timezone.now()
        _store_stage(locked, to_stage, at)
        transition = JourneyTransition.objects.create(
            relationship=locked,
            from_stage=from_stage,
            to_stage=to_stage,
            at=at,
            actor=actor if getattr(actor, "pk", None) else None,
            reason=reason[:500],
        )
        run_on_enter(
            relationship=locked, from_stage=from_stage, to_stage=to_stage, actor=actor, at=at
        )
        audit_record(
            actor=actor,
            action="journey.moved",
            target=locked,
            data={"from": from_stage, "to": to_stage, "reason": reason},
        )
        webhook_events.emit_journey_stage_changed(relationship=locked, transition=transition)
    relationship.stage = locked.stage
    relationship.stage_entered_at = locked.stage_entered_at
    return transition


def journey_transitions_bulk_create(*, transitions: list[JourneyTransition]) -> int:
    """Bulk path for generated or imported history (demo data); no guards, no audit."""
    JourneyTransition.objects.bulk_create(transitions, batch_size=5000)
    return len(transitions)


def _require_aware(at: datetime | None) -> None:
    if at is not None and (not isinstance(at, datetime) or timezone.is_naive(at)):
        raise validation_error("at", _("needs a time zone"))


def _store_stage(relationship, stage: str, at: datetime) -> None:
    relationship.stage = stage
    relationship.stage_entered_at = at
    relationship.updated_at = timezone.now()
    if relationship.pk:
        from clientela.parties.services import party_current_refresh

        relationship.save(update_fields=["stage", "stage_entered_at", "updated_at"])
        party_current_refresh(party_ids=[relationship.party_id])
