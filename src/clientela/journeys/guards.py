"""The guard registry: every journey move passes through every registered guard.

A guard is a function taking a `Move` and returning `None` (allowed) or a plain sentence
saying why the move is refused. Guards are registered under a stable rule name; a refusal
raises `ApplicationError(TRANSITION_REFUSED, sentence, {"rule": name})`, so the UI and the
API can say exactly which rule refused. Later apps register their own (the client desk:
"a client enters purchase only with a signed contract"). Guards run in registration order
and the first refusal wins.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from clientela.core.errors import ApplicationError, ErrorCode


@dataclass(frozen=True)
class Move:
    relationship: Any  # parties.Relationship
    kind: str
    from_stage: str  # "" when the relationship enters its journey
    to_stage: str
    actor: Any
    reason: str


Guard = Callable[[Move], str | None]


@dataclass(frozen=True)
class GuardSpec:
    rule: str
    description: str
    check: Guard


_REGISTRY: dict[str, GuardSpec] = {}


def register(rule: str, *, description: str) -> Callable[[Guard], Guard]:
    """Decorator: register `check` under `rule` (re-registering a rule replaces it)."""

    def decorate(check: Guard) -> Guard:
        _REGISTRY[rule] = GuardSpec(rule=rule, description=description, check=check)
        return check

    return decorate


def unregister(rule: str) -> None:
    _REGISTRY.pop(rule, None)


def registered() -> list[GuardSpec]:
    return list(_REGISTRY.values())


def check_move(move: Move) -> None:
    """Raise TRANSITION_REFUSED naming the first rule that refuses `move`."""
    for spec in list(_REGISTRY.values()):
        refusal = spec.check(move)
        if refusal:
            raise ApplicationError(
                ErrorCode.TRANSITION_REFUSED,
                refusal,
                {"rule": spec.rule, "from_stage": move.from_stage, "to_stage": move.to_stage},
            )
