"""The built-in journey rules. Registered when the app is ready."""

from __future__ import annotations

from django.utils.translation import gettext as _

from clientela.journeys.definitions import Stage, stage_index, stage_label
from clientela.journeys.guards import Move, register


@register(
    "journey.stage_exists", description="The target stage belongs to the relationship's journey."
)
def stage_exists(move: Move) -> str | None:
    if stage_index(move.kind, move.to_stage) < 0:
        stage = stage_label(move.to_stage)
        if move.kind == "client":
            return _("“%(stage)s” is not a stage of the client journey.") % {"stage": stage}
        return _("“%(stage)s” is not a stage of the customer journey.") % {"stage": stage}
    return None


@register("journey.current_relationship", description="Only a current, open relationship moves.")
def current_relationship(move: Move) -> str | None:
    rel = move.relationship
    if not rel.is_current or rel.status in {"converted", "ended"}:
        return _("This relationship is closed; its journey is kept as history and cannot move.")
    return None


@register(
    "journey.one_step_forward",
    description="Forward moves go one stage at a time; backward moves need a reason.",
)
def one_step_forward(move: Move) -> str | None:
    if not move.from_stage:
        return None
    start = stage_index(move.kind, move.from_stage)
    end = stage_index(move.kind, move.to_stage)
    if end == start:
        return _("The relationship is already in “%(stage)s”.") % {
            "stage": stage_label(move.to_stage)
        }
    if end > start + 1:
        skipped = stage_label(_stage_after(move.kind, start))
        return _("Stages cannot be skipped: move to “%(stage)s” first.") % {"stage": skipped}
    if end < start and not move.reason.strip():
        return _("Moving a relationship back needs a reason.")
    return None


@register(
    "client.owner_required",
    description="A client enters onboarding (and later stages) only with an account manager.",
)
def client_owner_required(move: Move) -> str | None:
    if move.kind != "client" or move.relationship.owner_id:
        return None
    from clientela.clientdesk.settings import desk_setting

    if not desk_setting("guard_owner_for_onboarding"):
        return None
    if stage_index("client", move.to_stage) >= stage_index("client", Stage.ONBOARDING):
        return _("A client enters onboarding only with an account manager: assign one first.")
    return None


def _stage_after(kind: str, index: int) -> str:
    from clientela.journeys.definitions import journey_stages

    return journey_stages(kind)[index + 1]
