"""The customer desk's settings, per business.

Stored on `core.Business.customer_desk_settings` as the values an admin changed; everything
else is the default below. Keys and meaning:
- `auto_stage_moves`: a paid order moves the payer's customer journey (first purchase to
  purchase, a repeat purchase within `repeat_window_days` to retention; see `stages.py`);
- `repeat_window_days`: how soon after an earlier paid order a purchase counts as a repeat;
- `lapsing_after_days`: a customer without a paid order for this many days is lapsing;
- `p_alive_at_risk_below`, `p_alive_watch_below`: the P(alive) bands of the retention view
  (below the first: at risk; below the second: watch; otherwise healthy). The first must be
  below the second.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clientela.core.errors import validation_error

DEFAULTS: dict[str, Any] = {
    "auto_stage_moves": True,
    "repeat_window_days": 90,
    "lapsing_after_days": 120,
    "p_alive_at_risk_below": 0.3,
    "p_alive_watch_below": 0.7,
}
_LIMITS: dict[str, tuple[float, float]] = {
    "repeat_window_days": (1, 3660),
    "lapsing_after_days": (1, 3660),
    "p_alive_at_risk_below": (0.0, 1.0),
    "p_alive_watch_below": (0.0, 1.0),
}


def customer_desk_settings_get() -> dict[str, Any]:
    """The settings in force: the defaults with the stored overrides (unknown keys dropped)."""
    from clientela.core.selectors import business_get

    stored = business_get().customer_desk_settings or {}
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}


def customer_desk_setting(key: str) -> Any:
    return customer_desk_settings_get()[key]


def customer_desk_settings_update(*, actor, **values: Any) -> dict[str, Any]:
    """Change some settings. Guarantees: only admins (SETTINGS_MANAGE); every value is
    checked before anything is stored (a bad one names its field), and so is the pair of
    P(alive) bands as they will be; only values that differ from the default are stored;
    an audit event records the change."""
    from clientela.accounts.permissions import Action, authorize
    from clientela.core.models import Business
    from clientela.core.selectors import business_get
    from clientela.core.services import audit_record

    authorize(actor, Action.SETTINGS_MANAGE)
    clean = {key: _checked(key, value) for key, value in values.items()}
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business_get().pk)
        merged = {**DEFAULTS, **(business.customer_desk_settings or {}), **clean}
        merged = {k: v for k, v in merged.items() if k in DEFAULTS}
        if merged["p_alive_at_risk_below"] >= merged["p_alive_watch_below"]:
            field = (
                "p_alive_at_risk_below"
                if "p_alive_at_risk_below" in clean
                else "p_alive_watch_below"
            )
            raise validation_error(
                field, _("the at-risk band must end below the watch band (at risk < watch)")
            )
        business.customer_desk_settings = {k: v for k, v in merged.items() if DEFAULTS.get(k) != v}
        business.save(update_fields=["customer_desk_settings"])
        audit_record(
            actor=actor, action="customer_desk.settings_changed", target=business, data=clean
        )
    return customer_desk_settings_get()


def _checked(key: str, value: Any) -> Any:
    if key not in DEFAULTS:
        raise validation_error(key, _("is not a customer desk setting"))
    default = DEFAULTS[key]
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise validation_error(key, _("must be true or false"))
        return value
    low, high = _LIMITS[key]
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise validation_error(key, _("must be a whole number"))
    else:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise validation_error(key, _("must be a number"))
        value = float(value)
        if value != value:  # NaN
            raise validation_error(key, _("must be a number"))
    if not low <= value <= high:
        raise validation_error(
            key, _("must be between %(low)s and %(high)s") % {"low": low, "high": high}
        )
    return value
