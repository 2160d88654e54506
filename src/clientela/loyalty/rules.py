"""What this app registers with the rest of Clientela at start-up: commerce order hooks,
journey hooks and guards, notification sweeps. Imported by the AppConfig's ready().

- `loyalty.earn`: orders recorded (one call per batch) earn points, set-based.
- `loyalty.reverse`: a paid order refunded or cancelled gives its points back.
- sweeps `loyalty.expiry` (expire lots past their date) and `loyalty.tiers` (tier reviews).
"""

from __future__ import annotations

from clientela.commerce.hooks import on_order_status_changed, on_orders_recorded


@on_orders_recorded(name="loyalty.earn")
def _earn(*, orders, actor, bulk: bool) -> None:
    from clientela.loyalty.services import points_earn_orders

    # The system earns: whoever recorded the order did not need loyalty rights for it.
    points_earn_orders(actor=None, order_ids=[order.pk for order in orders])


@on_order_status_changed(name="loyalty.reverse")
def _reverse(*, order, from_status, to_status, actor) -> None:
    from clientela.commerce.models import OrderStatus
    from clientela.loyalty.services import points_reverse_order

    if from_status == OrderStatus.PAID and to_status in {
        OrderStatus.REFUNDED,
        OrderStatus.CANCELLED,
    }:
        points_reverse_order(actor=actor, order=order)


def _register_sweeps() -> None:
    try:
        from clientela.notifications import sweeps
    except ModuleNotFoundError:  # pragma: no cover
        return

    @sweeps.register("loyalty.expiry")
    def loyalty_expiry(*, now) -> int:
        from clientela.loyalty.services import points_expire_due

        return points_expire_due(now=now)

    @sweeps.register("loyalty.tiers")
    def loyalty_tier_reviews(*, now) -> int:
        from clientela.loyalty.tiers import tiers_review

        return tiers_review(now=now)


_register_sweeps()
