"""What happens when a relationship enters a stage, registered by the apps that care.

Not a signal: `journey_move` calls `run_on_enter` explicitly, inside its transaction and
after every guard allowed the move, so a hook that fails rolls the move back with it and a
refused move runs no hook. The client desk registers "start the onboarding plan when a
client enters onboarding". Hooks run in registration order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Hook = Callable[..., None]  # hook(*, relationship, from_stage, to_stage, actor, at) -> None

_ON_ENTER: dict[tuple[str, str, str], Hook] = {}


def on_enter(kind: str, stage: str, *, name: str) -> Callable[[Hook], Hook]:
    """Decorator: call the hook when a `kind` relationship enters `stage` (a registration
    under the same name replaces the earlier one)."""

    def decorate(hook: Hook) -> Hook:
        _ON_ENTER[(kind, stage, name)] = hook
        return hook

    return decorate


def has_on_enter(*, kind: str, stage: str) -> bool:
    """Whether any hook runs when a `kind` relationship enters `stage` (a bulk writer of
    moves must then go move by move)."""
    return any(k == kind and s == stage for k, s, _name in list(_ON_ENTER))


def run_on_enter(*, relationship, from_stage: str, to_stage: str, actor: Any, at) -> None:
    for (kind, stage, _name), hook in list(_ON_ENTER.items()):
        if kind == relationship.kind and stage == to_stage:
            hook(
                relationship=relationship,
                from_stage=from_stage,
                to_stage=to_stage,
                actor=actor,
                at=at,
            )
