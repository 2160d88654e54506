"""Loyalty: configuring the programme (settings, earning rules, campaigns, tiers).

Guarantees: LOYALTY_CONFIGURE (admins, managers, marketers; actor None = the system);
values are validated (`full_clean`) and a bad one is a VALIDATION error naming the field;
every change is written in one transaction with an audit event. Changes apply to what is
earned from then on; entries already written never change.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import (
    ApplicationError,
    ErrorCode,
    from_django_validation,
    validation_error,
)
from clientela.core.services import audit_record
from clientela.loyalty.models import Campaign, EarningRule, Programme, RuleKind, Tier
from clientela.loyalty.selectors import programme_get

PROGRAMME_FIELDS = {
    "name": str,
    "currency": str,
    "base_rate": Decimal,
    "min_spend": Decimal,
    "expiry_months": int,
    "auto_enrol": bool,
    "active": bool,
    "tier_window_months": int,
    "review_every_months": int,
}
RULE_FIELDS = {
    "kind": str,
    "category": str,
    "channel": str,
    "extra_per_unit": Decimal,
    "multiplier": Decimal,
    "active": bool,
}
CAMPAIGN_FIELDS = {
    "name": str,
    "starts_on": "date",
    "ends_on": "date",
    "multiplier": Decimal,
    "bonus_points": int,
    "category": str,
    "channel": str,
    "active": bool,
}
TIER_FIELDS = {
    "name": str,
    "threshold": int,
    "position": int,
    "benefits": str,
    "multiplier": Decimal,
}


def programme_update(*, actor, **changes) -> Programme:
    """Change the programme's settings; what is not given keeps its value."""
    authorize(actor, Action.LOYALTY_CONFIGURE)
    _known(changes, PROGRAMME_FIELDS)
    with transaction.atomic():
        programme_get()
        programme = Programme.objects.select_for_update().get(pk=1)
        _assign(programme, changes, PROGRAMME_FIELDS)
        if "currency" in changes:
            programme.currency = programme.currency.strip().upper()
        programme.updated_at = timezone.now()
        _save(programme)
        audit_record(
            actor=actor, action="loyalty.programme_changed", target=programme, data=changes
        )
    return programme


def rule_create(*, actor, **values) -> EarningRule:
    """A category rule (`category` set, `channel` empty) or a channel rule (`channel` set);
    one rule per category or channel (CONFLICT otherwise)."""
    return _create(actor, EarningRule, RULE_FIELDS, values, "loyalty.rule_created", _check_rule)


def rule_update(*, actor, rule: EarningRule, **changes) -> EarningRule:
    return _update(actor, rule, RULE_FIELDS, changes, "loyalty.rule_changed", _check_rule)


def rule_delete(*, actor, rule: EarningRule) -> None:
    _delete(actor, rule, "loyalty.rule_deleted")


def campaign_create(*, actor, **values) -> Campaign:
    """A bonus campaign between two dates (ends_on not before starts_on)."""
    return _create(
        actor, Campaign, CAMPAIGN_FIELDS, values, "loyalty.campaign_created", _check_campaign
    )


def campaign_update(*, actor, campaign: Campaign, **changes) -> Campaign:
    return _update(
        actor, campaign, CAMPAIGN_FIELDS, changes, "loyalty.campaign_changed", _check_campaign
    )


def campaign_delete(*, actor, campaign: Campaign) -> None:
    _delete(actor, campaign, "loyalty.campaign_deleted")


def tier_create(*, actor, **values) -> Tier:
    """A tier; names and thresholds are unique (CONFLICT otherwise). Members move into it
    by promotion (when they next earn) or at their review."""
    return _create(actor, Tier, TIER_FIELDS, values, "loyalty.tier_created", None)


def tier_update(*, actor, tier: Tier, **changes) -> Tier:
    return _update(actor, tier, TIER_FIELDS, changes, "loyalty.tier_changed", None)


def tier_delete(*, actor, tier: Tier) -> None:
    """Delete a tier; its members have no tier until their next promotion or review."""
    _delete(actor, tier, "loyalty.tier_deleted")


def _create(actor, model, fields, values, action, check):
    authorize(actor, Action.LOYALTY_CONFIGURE)
    _known(values, fields)
    obj = model()
    _assign(obj, values, fields)
    if check:
        check(obj)
    try:
        with transaction.atomic():
            _save(obj)
            audit_record(actor=actor, action=action, target=obj, data=values)
    except IntegrityError as exc:
        raise _taken(fields) from exc
    return obj


def _update(actor, obj, fields, changes, action, check):
    authorize(actor, Action.LOYALTY_CONFIGURE)
    _known(changes, fields)
    _assign(obj, changes, fields)
    if check:
        check(obj)
    obj.updated_at = timezone.now()
    try:
        with transaction.atomic():
            _save(obj)
            audit_record(actor=actor, action=action, target=obj, data=changes)
    except IntegrityError as exc:
        raise _taken(fields) from exc
    return obj


def _delete(actor, obj, action) -> None:
    authorize(actor, Action.LOYALTY_CONFIGURE)
    with transaction.atomic():
        audit_record(actor=actor, action=action, target=obj, data={})
        obj.delete()


def _taken(fields) -> ApplicationError:
    field = "name" if "threshold" in fields else ("kind" if "kind" in fields else "name")
    problem = _("already exists")
    if "threshold" in fields:
        problem = _("a tier with this name or threshold already exists")
    elif "kind" in fields:
        problem = _("a rule for this category or channel already exists")
    return ApplicationError(
        ErrorCode.CONFLICT, f"{field}: {problem}", {"fields": {field: [problem]}}
    )


def _known(values: dict, fields: dict) -> None:
    for name in values:
        if name not in fields:
            raise validation_error(name, _("is not a setting that can be changed"))


def _assign(obj, values: dict, fields: dict) -> None:
    import datetime as dt

    for name, value in values.items():
        kind = fields[name]
        if value is None:
            raise validation_error(name, _("cannot be empty"))
        if kind is bool and not isinstance(value, bool):
            raise validation_error(name, _("must be true or false"))
        if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
            raise validation_error(name, _("must be a whole number"))
        if kind is int and not 0 <= value <= 10**9:
            raise validation_error(name, _("must be between 0 and 1000000000"))
        if kind is str and not isinstance(value, str):
            raise validation_error(name, _("must be text"))
        if kind == "date" and not isinstance(value, dt.date):
            raise validation_error(name, _("must be a date"))
        if kind is Decimal:
            try:
                value = Decimal(str(value))
            except (InvalidOperation, ValueError) as exc:
                raise validation_error(name, _("must be a number")) from exc
            if not value.is_finite() or value < 0 or value > Decimal("100000"):
                raise validation_error(name, _("must be a number from 0 to 100000"))
        if kind is str:
            value = value.strip()
        setattr(obj, name, value)


def _save(obj) -> None:
    # Uniqueness is the database's to enforce: a duplicate rule or tier is an IntegrityError
    # that `_taken` turns into the CONFLICT naming the field (full_clean would make it a
    # validation error on no field).
    try:
        obj.full_clean(
            exclude=["public_id"] if hasattr(obj, "public_id") else None,
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    obj.save()


def _check_rule(rule: EarningRule) -> None:
    if rule.kind == RuleKind.CATEGORY:
        if not rule.category:
            raise validation_error("category", _("is required for a category rule"))
        rule.channel = ""
    elif rule.kind == RuleKind.CHANNEL:
        if not rule.channel:
            raise validation_error("channel", _("is required for a channel rule"))
        rule.category = ""
        rule.extra_per_unit = Decimal("0")


def _check_campaign(campaign: Campaign) -> None:
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        raise validation_error("ends_on", _("cannot be before starts_on"))
