"""Rewards: the catalogue (LOYALTY_CONFIGURE) and redemptions (LOYALTY_REDEEM).

A redemption is one transaction: the reward's row is locked (so stock is taken once per
redemption and never below zero), the points are spent in the loyalty ledger (whose own
lock guarantees the balance), a discount reward issues a personal coupon, and the
redemption is recorded. Any refusal rolls all of it back. Cancelling gives the points back
(`loyalty.services.points_redemption_cancel`) and the stock, and deactivates an unused
coupon.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
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
from clientela.rewards.models import RedemptionStatus, Reward, RewardKind, RewardRedemption

_FIELDS = (
    "name", "kind", "points_cost", "description", "stock", "is_active", "valid_from",
    "valid_to", "coupon_kind", "coupon_value", "coupon_valid_days",
)  # fmt: skip


def reward_create(*, actor, **fields) -> Reward:
    """A new catalogue entry. LOYALTY_CONFIGURE; every field checked (name, kind, points
    cost >= 1, stock >= 0 or None, dates ordered, a discount's coupon terms: percent in
    (0, 100] or a fixed amount > 0); audited."""
    authorize(actor, Action.LOYALTY_CONFIGURE)
    reward = Reward()
    _apply(reward, fields, creating=True)
    with transaction.atomic():
        reward.save()
        audit_record(actor=actor, action="reward.created", target=reward, data=_data(reward))
    return reward


def reward_update(*, actor, reward: Reward, **fields) -> Reward:
    """Change the fields given (row-locked). LOYALTY_CONFIGURE; the same checks as
    `reward_create`; audited."""
    authorize(actor, Action.LOYALTY_CONFIGURE)
    with transaction.atomic():
        locked = Reward.objects.select_for_update().get(pk=reward.pk)
        _apply(locked, fields, creating=False)
        locked.updated_at = timezone.now()
        locked.save()
        audit_record(actor=actor, action="reward.changed", target=locked, data=_data(locked))
    return locked


def reward_redeem(*, actor, party, reward: Reward, note: str = "") -> RewardRedemption:
    """Spend `reward.points_cost` of `party`'s points on one `reward`.

    Refused (nothing written): VALIDATION for an inactive reward, outside its dates, or a
    party that is not a loyalty member (field `party`); CONFLICT when out of stock (field
    `reward`) or the balance is short (field `points`, from the ledger). LOYALTY_REDEEM."""
    from clientela.coupons.services import coupon_issue_personal
    from clientela.loyalty.selectors import loyalty_account_get
    from clientela.loyalty.services import points_redeem

    authorize(actor, Action.LOYALTY_REDEEM, party=party)
    note = _text("note", note, 500)
    today = timezone.localdate()
    with transaction.atomic():
        locked = Reward.objects.select_for_update().get(pk=reward.pk)
        _check_available(locked, today)
        if loyalty_account_get(party_id=party.pk) is None:
            raise validation_error("party", _("is not a loyalty member"))
        redemption = RewardRedemption(
            reward=locked,
            party=party,
            points=locked.points_cost,
            note=note,
            actor=actor if getattr(actor, "pk", None) else None,
        )
        redemption.assign_public_id()
        redemption.points_entry = points_redeem(
            actor=actor,
            party=party,
            points=locked.points_cost,
            reference=f"reward:{redemption.public_id}",
            note=locked.name[:200],
            key=f"reward:{redemption.public_id}",
        )
        if locked.stock is not None:
            Reward.objects.filter(pk=locked.pk).update(stock=F("stock") - 1)
        if locked.kind == RewardKind.DISCOUNT:
            redemption.coupon = coupon_issue_personal(
                actor=None,
                party=party,
                kind=locked.coupon_kind,
                value=locked.coupon_value,
                valid_days=locked.coupon_valid_days,
                note=_("Reward: %(name)s") % {"name": locked.name},
            )
        redemption.save()
        audit_record(
            actor=actor,
            action="reward.redeemed",
            target=party,
            data={
                "reward": locked.public_id,
                "points": locked.points_cost,
                "redemption": redemption.public_id,
            },  # fmt: skip
        )
    return redemption


def reward_redemption_fulfil(*, actor, redemption: RewardRedemption) -> RewardRedemption:
    """Mark an issued redemption handed over. LOYALTY_REDEEM; CONFLICT unless issued;
    repeating it on a fulfilled redemption changes nothing."""
    authorize(actor, Action.LOYALTY_REDEEM, party=redemption.party)
    with transaction.atomic():
        locked = RewardRedemption.objects.select_for_update().get(pk=redemption.pk)
        if locked.status == RedemptionStatus.FULFILLED:
            return locked
        _must_be_issued(locked)
        locked.status = RedemptionStatus.FULFILLED
        locked.fulfilled_at = timezone.now()
        locked.updated_at = locked.fulfilled_at
        locked.save(update_fields=["status", "fulfilled_at", "updated_at"])
        audit_record(actor=actor, action="reward.fulfilled", target=locked, data={})
    return locked


def reward_redemption_cancel(
    *, actor, redemption: RewardRedemption, note: str = ""
) -> RewardRedemption:
    """Cancel an issued redemption: the points come back (a `reverse` entry), the stock
    too, and a discount reward's coupon is deactivated. CONFLICT unless issued, or when its
    coupon was already used. Repeating it on a cancelled redemption changes nothing.
    LOYALTY_REDEEM."""
    from clientela.coupons.services import coupon_batch_update
    from clientela.loyalty.services import points_redemption_cancel

    authorize(actor, Action.LOYALTY_REDEEM, party=redemption.party)
    note = _text("note", note, 500)
    with transaction.atomic():
        locked = (
            RewardRedemption.objects.select_for_update(of=("self",))
            .select_related("coupon__batch", "points_entry__account__party")
            .get(pk=redemption.pk)
        )
        if locked.status == RedemptionStatus.CANCELLED:
            return locked
        _must_be_issued(locked)
        if locked.coupon is not None and locked.coupon.times_redeemed > 0:
            raise ApplicationError(
                ErrorCode.CONFLICT,
                _("The reward's coupon was already used: it cannot be cancelled."),
                {"fields": {"coupon": [_("already used")]}},
            )
        Reward.objects.select_for_update().filter(pk=locked.reward_id).exists()
        if locked.points_entry is not None:
            points_redemption_cancel(actor=actor, entry=locked.points_entry, note=note)
        Reward.objects.filter(pk=locked.reward_id, stock__isnull=False).update(stock=F("stock") + 1)
        if locked.coupon is not None:
            coupon_batch_update(actor=None, batch=locked.coupon.batch, is_active=False)
        locked.status = RedemptionStatus.CANCELLED
        locked.cancelled_at = timezone.now()
        locked.updated_at = locked.cancelled_at
        if note:
            locked.note = (f"{locked.note}\n{note}" if locked.note else note)[:500]
        locked.save(update_fields=["status", "cancelled_at", "updated_at", "note"])
        audit_record(actor=actor, action="reward.cancelled", target=locked, data={"note": note})
    return locked


def _check_available(reward: Reward, today: date) -> None:
    if not reward.is_active:
        raise validation_error("reward", _("is not active"))
    if reward.valid_from is not None and today < reward.valid_from:
        raise validation_error(
            "reward", _("is available from %(day)s") % {"day": reward.valid_from.isoformat()}
        )
    if reward.valid_to is not None and today > reward.valid_to:
        raise validation_error(
            "reward", _("was available until %(day)s") % {"day": reward.valid_to.isoformat()}
        )
    if reward.stock is not None and reward.stock <= 0:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            _("reward: is out of stock"),
            {"fields": {"reward": [_("is out of stock")]}},
        )


def _must_be_issued(redemption: RewardRedemption) -> None:
    if redemption.status != RedemptionStatus.ISSUED:
        status = str(redemption.get_status_display()).lower()
        raise ApplicationError(
            ErrorCode.CONFLICT,
            _("status: the redemption is %(status)s") % {"status": status},
            {"fields": {"status": [_("is %(status)s") % {"status": status}]}},
        )


def _apply(reward: Reward, fields: dict, *, creating: bool) -> None:
    unknown = set(fields) - set(_FIELDS)
    if unknown:
        raise validation_error(sorted(unknown)[0], _("is not a reward field"))
    if creating:
        for required in ("name", "kind", "points_cost"):
            if fields.get(required) in (None, ""):
                raise validation_error(required, _("is required"))
    for name, value in fields.items():
        if name in ("name", "description"):
            value = _text(name, value, 200 if name == "name" else 2000)
        if name == "coupon_value" and value is not None:
            value = _amount(name, value)
        if name == "coupon_kind":
            value = value or ""
        if name in ("points_cost", "stock", "coupon_valid_days") and value is not None:
            if isinstance(value, bool) or not isinstance(value, int):
                raise validation_error(name, _("must be a whole number"))
        setattr(reward, name, value)
    if not reward.name:
        raise validation_error("name", _("is required"))
    if reward.kind not in RewardKind.values:
        raise validation_error(
            "kind", _("must be one of %(choices)s") % {"choices": ", ".join(RewardKind.values)}
        )
    if reward.points_cost is None or reward.points_cost < 1:
        raise validation_error("points_cost", _("must be at least 1 point"))
    if reward.stock is not None and reward.stock < 0:
        raise validation_error("stock", _("must not be negative"))
    if reward.valid_from and reward.valid_to and reward.valid_to < reward.valid_from:
        raise validation_error("valid_to", _("must not be before the start date"))
    if reward.kind == RewardKind.DISCOUNT:
        if reward.coupon_kind not in ("percent", "fixed"):
            raise validation_error("coupon_kind", _("a discount reward needs percent or fixed"))
        if reward.coupon_value is None or reward.coupon_value <= 0:
            raise validation_error("coupon_value", _("a discount reward needs a value above 0"))
        if reward.coupon_kind == "percent" and reward.coupon_value > 100:
            raise validation_error("coupon_value", _("a percentage must be at most 100"))
    else:
        reward.coupon_kind, reward.coupon_value = "", None
    try:
        reward.full_clean()
    except ValidationError as exc:
        raise from_django_validation(exc) from exc


def _text(field: str, value, limit: int) -> str:
    value = str(value or "").strip()
    if len(value) > limit:
        raise validation_error(field, _("is too long (at most %(n)s characters)") % {"n": limit})
    return value


def _amount(field: str, value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise validation_error(field, _("must be an amount")) from exc
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise validation_error(field, _("must be an amount with at most 2 decimal places"))
    if amount > Decimal("999999999999.99"):
        raise validation_error(field, _("is too large"))
    return amount


def _data(reward: Reward) -> dict:
    return {name: getattr(reward, name) for name in _FIELDS if name != "description"}
