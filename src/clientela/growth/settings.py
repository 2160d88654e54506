"""The business's classification and radar settings: the defaults of its business type,
overridden by what an admin changed.

Stored on `core.Business.growth_settings` as overrides only, so a change of business type
moves every value an admin did not touch to the new type's defaults. Keys: `weights`
(classification dimension -> weight), `thresholds` (ramp -> [low, high]), `radar_weights`
(radar component -> weight), `ready` (the readiness from which the radar suggests a dedicated
representative) and `conversion` (`auto`: conversion pays when the business sells
personalised services, an active personalised catalogue item or any personalised order
line; `yes`; `no`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import validation_error
from clientela.growth.actions import READY
from clientela.growth.classify import WEIGHTS, thresholds_for, weights_check
from clientela.growth.radar import RADAR_WEIGHTS, radar_weights_check

CONVERSION_MODES = ("auto", "yes", "no")


@dataclass(frozen=True)
class GrowthSettings:
    business_type: str
    weights: dict[str, float]
    thresholds: dict[str, tuple[float, float]]
    radar_weights: dict[str, float]
    ready: float
    conversion: str
    overrides: dict


def growth_settings_get() -> GrowthSettings:
    """The settings in force: defaults of the business type with the stored overrides."""
    from clientela.core.selectors import business_get

    business = business_get()
    stored = dict(business.growth_settings or {})
    thresholds = thresholds_for(business.business_type, stored.get("thresholds"))
    return GrowthSettings(
        business_type=business.business_type,
        weights={**WEIGHTS, **stored.get("weights", {})},
        thresholds={name: tuple(pair) for name, pair in asdict(thresholds).items()},
        radar_weights={**RADAR_WEIGHTS, **stored.get("radar_weights", {})},
        ready=float(stored.get("ready", READY)),
        conversion=stored.get("conversion", "auto"),
        overrides=stored,
    )


def growth_settings_update(
    *,
    actor,
    weights: dict | None = None,
    thresholds: dict | None = None,
    radar_weights: dict | None = None,
    ready: float | None = None,
    conversion: str | None = None,
    reset: bool = False,
) -> GrowthSettings:
    """Change some settings (admins, or the system); `reset` first drops every override.
    Everything is checked before anything is stored; a value equal to the default is stored
    as no override. The next classification run uses the new settings."""
    from clientela.core.selectors import business_get
    from clientela.core.services import audit_record

    authorize(actor, Action.SETTINGS_MANAGE)
    business = business_get()
    stored = {} if reset else dict(business.growth_settings or {})
    if weights is not None:
        weights_check(weights)
        stored["weights"] = _changed({**stored.get("weights", {}), **weights}, WEIGHTS)
    if thresholds is not None:
        merged = {**stored.get("thresholds", {}), **thresholds}
        thresholds_for(business.business_type, merged)
        base = asdict(thresholds_for(business.business_type))
        stored["thresholds"] = {
            k: [float(v[0]), float(v[1])]
            for k, v in merged.items()
            if (float(v[0]), float(v[1])) != tuple(base[k])
        }
    if radar_weights is not None:
        radar_weights_check(radar_weights)
        stored["radar_weights"] = _changed(
            {**stored.get("radar_weights", {}), **radar_weights}, RADAR_WEIGHTS
        )
    if ready is not None:
        value = float(ready)
        if not (math.isfinite(value) and 0.0 < value <= 1.0):
            raise validation_error("ready", _("must be above 0 and at most 1"))
        stored["ready"] = value
    if conversion is not None:
        if conversion not in CONVERSION_MODES:
            raise validation_error("conversion", _("must be auto, yes or no"))
        stored["conversion"] = conversion
    stored = {k: v for k, v in stored.items() if v not in ({}, None)}
    with transaction.atomic():
        business.growth_settings = stored
        business.save(update_fields=["growth_settings"])
        audit_record(actor=actor, action="growth.settings_updated", target=business, data=stored)
    return growth_settings_get()


def _changed(values: dict, defaults: dict) -> dict:
    return {k: float(v) for k, v in values.items() if float(v) != defaults[k]}


def conversion_pays(settings: GrowthSettings) -> bool:
    """Whether turning customers into clients pays for this business (see the module)."""
    if settings.conversion != "auto":
        return settings.conversion == "yes"
    from clientela.commerce.models import CatalogItem, OrderLine

    return (
        CatalogItem.objects.filter(offering="personalised", active=True).exists()
        or OrderLine.objects.filter(offering="personalised").exists()
    )
