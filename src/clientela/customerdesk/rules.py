"""What this app registers with the rest of Clientela at start-up: the commerce hook that
moves customer journeys from purchases (see `stages.py` for the rules)."""

from __future__ import annotations

from clientela.commerce.hooks import on_orders_recorded


@on_orders_recorded(name="customerdesk.stages")
def _stages_from_orders(*, orders, actor, bulk: bool) -> None:
    from clientela.customerdesk.stages import customer_stages_from_orders

    customer_stages_from_orders(orders=orders, actor=actor, bulk=bulk)
