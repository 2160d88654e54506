"""The client desk's settings: guard switches and defaults, per business.

Stored on `core.Business.desk_settings` as the values an admin changed; everything else is
the default below. Keys and meaning:
- `guard_owner_for_onboarding`: a client enters onboarding (and later stages) only with an
  account manager;
- `guard_contract_for_purchase`: a client enters purchase only with a signed (or active)
  contract;
- `guard_onboarding_for_management`: a client enters relationship management only when its
  onboarding plan is complete;
- `restrict_contract_documents`: when on, an account manager opens the signed documents of
  their own clients only (as owner or backup); managers and admins open every document;
- `checkin_every_days`, `checkin_channel`: the cadence a new client gets;
- `review_every_months`: the rhythm of performance reviews a new client gets;
- `renewal_warning_days`: how far ahead renewals reach the morning list;
- `booking_link_days`: how long a signed booking or review link stays valid.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clientela.core.errors import validation_error

DEFAULTS: dict[str, Any] = {
    "guard_owner_for_onboarding": True,
    "guard_contract_for_purchase": True,
    "guard_onboarding_for_management": True,
    "restrict_contract_documents": False,
    "checkin_every_days": 30,
    "checkin_channel": "call",
    "review_every_months": 3,
    "renewal_warning_days": 60,
    "booking_link_days": 30,
}
CHANNELS = ("call", "email", "virtual_meeting", "in_person_meeting")
_LIMITS = {
    "checkin_every_days": (1, 366),
    "review_every_months": (1, 24),
    "renewal_warning_days": (1, 366),
    "booking_link_days": (1, 366),
}


def desk_settings_get() -> dict[str, Any]:
    """The settings in force: the defaults with the stored overrides (unknown keys dropped)."""
    from clientela.core.selectors import business_get

    stored = business_get().desk_settings or {}
    return {key: stored.get(key, default) for key, default in DEFAULTS.items()}


def desk_setting(key: str) -> Any:
    return desk_settings_get()[key]


def desk_settings_update(*, actor, **values: Any) -> dict[str, Any]:
    """Change some settings. Guarantees: only admins (SETTINGS_MANAGE); every value is
    checked before anything is stored (a bad one names its field); only values that differ
    from the default are stored; an audit event records the change."""
    from clientela.accounts.permissions import Action, authorize
    from clientela.core.models import Business
    from clientela.core.selectors import business_get
    from clientela.core.services import audit_record

    authorize(actor, Action.SETTINGS_MANAGE)
    clean = {key: _checked(key, value) for key, value in values.items()}
    with transaction.atomic():
        business = Business.objects.select_for_update().get(pk=business_get().pk)
        merged = {**DEFAULTS, **(business.desk_settings or {}), **clean}
        business.desk_settings = {k: v for k, v in merged.items() if DEFAULTS.get(k) != v}
        business.save(update_fields=["desk_settings"])
        audit_record(actor=actor, action="desk.settings_changed", target=business, data=clean)
    return desk_settings_get()


def _checked(key: str, value: Any) -> Any:
    if key not in DEFAULTS:
        raise validation_error(key, _("is not a client desk setting"))
    default = DEFAULTS[key]
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise validation_error(key, _("must be true or false"))
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise validation_error(key, _("must be a whole number"))
        low, high = _LIMITS[key]
        if not low <= value <= high:
            raise validation_error(
                key, _("must be between %(low)s and %(high)s") % {"low": low, "high": high}
            )
        return value
    if key == "checkin_channel" and value not in CHANNELS:
        raise validation_error(
            key, _("must be one of %(choices)s") % {"choices": ", ".join(CHANNELS)}
        )
    return value
