"""The onboarding journey rules and jobs, registered when the app is ready:
- hook `onboarding.start`: a client entering onboarding gets its plan;
- guard `client.onboarding_complete`: a client enters relationship management only when its
  plan is complete (no plan: nothing to complete, allowed), switchable per business with
  the desk setting `guard_onboarding_for_management`;
- sweep `onboarding.late_tasks`: tell the assignee (and the client's account manager) once
  when a task becomes late.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from clientela.journeys.guards import Move, register
from clientela.journeys.hooks import on_enter


@on_enter("client", "onboarding", name="onboarding.start")
def start_plan(*, relationship, from_stage, to_stage, actor, at) -> None:
    from clientela.onboarding.services import onboarding_plan_start_on_enter

    onboarding_plan_start_on_enter(relationship=relationship, actor=actor, at=at)


@register(
    "client.onboarding_complete",
    description="A client enters relationship management only when its onboarding plan is "
    "complete (with no plan there is nothing to complete).",
)
def client_onboarding_complete(move: Move) -> str | None:
    if move.kind != "client" or move.to_stage != "relationship_management":
        return None
    from clientela.clientdesk.settings import desk_setting
    from clientela.onboarding.selectors import onboarding_is_complete

    if not desk_setting("guard_onboarding_for_management"):
        return None
    if move.relationship.pk and not onboarding_is_complete(relationship_id=move.relationship.pk):
        return _(
            "A client enters relationship management only when its onboarding plan is "
            "complete: finish the open tasks first."
        )
    return None


try:
    from clientela.notifications.sweeps import register as register_sweep
except ImportError:  # the notifications app is not there yet
    register_sweep = None

if register_sweep is not None:

    @register_sweep("onboarding.late_tasks")
    def late_tasks_sweep(*, now) -> int:
        from clientela.onboarding.sweeps import onboarding_late_sweep

        return onboarding_late_sweep(now=now)
