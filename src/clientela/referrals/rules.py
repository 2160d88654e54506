"""What this app registers with the rest of Clientela at start-up: commerce order hooks,
journey hooks and guards, notification sweeps. Imported by the AppConfig's ready()."""

from __future__ import annotations

from datetime import datetime

from clientela.commerce.hooks import on_orders_recorded


@on_orders_recorded(name="referrals.attribute")
def _attribute(*, orders: list, actor, bulk: bool) -> None:
    """A referred customer's first qualifying purchase qualifies the referral (see
    `referrals.services.referrals_attribute`)."""
    from clientela.referrals.services import referrals_attribute

    referrals_attribute(orders=orders, actor=actor)


def referrals_expiry_sweep(*, now: datetime) -> int:
    """Expire the pending referrals past their window. Sends no notification: returns 0."""
    from clientela.referrals.services import referrals_expire

    referrals_expire(now=now)
    return 0


def _register_sweep() -> None:
    try:
        from clientela.notifications import sweeps
    except ModuleNotFoundError:  # pragma: no cover
        return
    sweeps.register("referrals.expire")(referrals_expiry_sweep)


_register_sweep()
