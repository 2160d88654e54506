"""What this app registers with the rest of Clientela at start-up: commerce order hooks,
journey hooks and guards, notification sweeps. Imported by the AppConfig's ready()."""

from __future__ import annotations

from clientela.commerce.hooks import on_order_status_changed

_RELEASING = {"refunded", "cancelled"}


@on_order_status_changed(name="coupons.release")
def release_coupons_of_undone_orders(*, order, from_status, to_status, actor) -> None:
    """A refunded or cancelled order gives back the coupon uses redeemed on it (one query
    when it had none)."""
    if to_status not in _RELEASING:
        return
    from clientela.coupons.services import coupon_redemptions_release

    coupon_redemptions_release(order=order, actor=actor)
