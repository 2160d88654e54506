"""What happens after orders are recorded or change status, registered by the apps that
care (loyalty earns points, referrals attribute a first purchase, the customer desk moves
the customer journey).

Not a signal: the commerce services call `run_orders_recorded` and `run_order_status_changed`
explicitly, inside their transaction and after the rows are written, so a hook that fails
rolls the order back with it. Hooks receive whole batches (one call per `order_record`,
one per bulk save with only the orders that call created), so a hook must work per batch:
a constant number of queries, not one per order. Hooks run in registration order; a
registration under an existing name replaces it (a module imported twice runs once).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# hook(*, orders: list[Order], actor, bulk: bool) -> None; every order is saved (has its
# pk). `bulk` is True for the bulk saves (batches, imports, the demo), which emit no webhook
# events (docs/webhooks.md), and False for `order_record`.
RecordedHook = Callable[..., None]
# hook(*, order: Order, from_status: str, to_status: str, actor) -> None
StatusHook = Callable[..., None]

_RECORDED: dict[str, RecordedHook] = {}
_STATUS: dict[str, StatusHook] = {}


def on_orders_recorded(*, name: str) -> Callable[[RecordedHook], RecordedHook]:
    def decorate(hook: RecordedHook) -> RecordedHook:
        _RECORDED[name] = hook
        return hook

    return decorate


def on_order_status_changed(*, name: str) -> Callable[[StatusHook], StatusHook]:
    def decorate(hook: StatusHook) -> StatusHook:
        _STATUS[name] = hook
        return hook

    return decorate


def run_orders_recorded(*, orders: list, actor: Any, bulk: bool) -> None:
    if not orders:
        return
    for hook in list(_RECORDED.values()):
        hook(orders=orders, actor=actor, bulk=bulk)


def run_order_status_changed(*, order, from_status: str, to_status: str, actor: Any) -> None:
    for hook in list(_STATUS.values()):
        hook(order=order, from_status=from_status, to_status=to_status, actor=actor)
