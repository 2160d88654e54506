"""Check-ins: the journey hook (a default cadence) and the reminder sweep, registered by
`CheckinsConfig.ready()`."""

from __future__ import annotations

from clientela.journeys.hooks import on_enter


@on_enter("client", "onboarding", name="checkins.default")
def _default_cadence_on_onboarding(*, relationship, from_stage, to_stage, actor, at) -> None:
    """A client entering onboarding gets the desk's default cadence when it has none."""
    from clientela.checkins.services import cadence_ensure_default

    cadence_ensure_default(relationship=relationship, at=at)


def _register_sweep() -> None:
    try:
        from clientela.notifications import sweeps
    except ModuleNotFoundError:  # the notifications app is being built alongside
        return
    from clientela.checkins.sweeps import checkin_reminders_send

    sweeps.register("checkins.reminders")(checkin_reminders_send)


_register_sweep()
