"""Coupons: the terms of a batch checked against one use (the rules of `coupon_validate`),
and the discount formula. Pure reads; `coupons.services` calls them with the rows locked."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.coupons.codes import code_normalise
from clientela.coupons.models import Coupon, CouponBatch, CouponKind, CouponRedemption

CENT = Decimal("0.01")
MAX_MONEY = Decimal("999999999999.99")


def refused(field: str, reason: str, problem: str) -> ApplicationError:
    return ApplicationError(
        ErrorCode.VALIDATION,
        f"{field}: {problem}",
        {"fields": {field: [str(problem)]}, "reason": reason},
    )


def coupon_find(code) -> Coupon:
    normalised = code_normalise(code)
    coupon = (
        Coupon.objects.select_related("batch").filter(code=normalised).first()
        if normalised
        else None
    )
    if coupon is None:
        raise refused("code", "unknown", _("no such coupon code"))
    return coupon


def terms_check(*, coupon: Coupon, batch: CouponBatch, party, amount: Decimal, at) -> Decimal:
    when = timezone.localtime(at).date() if at is not None else timezone.localdate()
    if not batch.is_active:
        raise refused("code", "inactive", _("this coupon is no longer active"))
    if when < batch.valid_from:
        raise refused(
            "code", "not_yet_valid",
            _("is valid from %(day)s") % {"day": batch.valid_from.isoformat()},
        )  # fmt: skip
    if batch.valid_to is not None and when > batch.valid_to:
        raise refused(
            "code", "expired", _("expired on %(day)s") % {"day": batch.valid_to.isoformat()}
        )
    if batch.party_id is not None and (party is None or party.pk != batch.party_id):
        raise refused("code", "other_customer", _("is a personal coupon of another customer"))
    if batch.min_spend is not None and amount < batch.min_spend:
        raise refused(
            "order_amount", "below_min_spend",
            _("is below the minimum spend of %(min)s") % {"min": batch.min_spend},
        )  # fmt: skip
    if batch.max_redemptions is not None and coupon.times_redeemed >= batch.max_redemptions:
        raise refused("code", "used_up", _("has been used up"))
    if batch.per_customer_limit is not None and party is not None:
        used = CouponRedemption.objects.filter(
            batch_id=batch.pk, party_id=party.pk, released_at__isnull=True
        ).count()
        if used >= batch.per_customer_limit:
            raise refused(
                "code",
                "customer_limit",
                _("this customer has used this coupon the most times allowed"),
            )
    return coupon_discount(kind=batch.kind, value=batch.value, amount=amount)


def coupon_discount(*, kind: str, value: Decimal, amount: Decimal) -> Decimal:
    """percent: amount x value / 100 rounded half up to the cent; fixed: the value. Never
    more than `amount`."""
    if kind == CouponKind.PERCENT:
        discount = (amount * value / Decimal(100)).quantize(CENT, rounding=ROUND_HALF_UP)
    else:
        discount = value
    return min(discount, amount)


def order_amount_parse(value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise validation_error("order_amount", _("must be an amount")) from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_MONEY:
        raise validation_error("order_amount", _("must be an amount from 0"))
    if amount != amount.quantize(CENT):
        raise validation_error("order_amount", _("has at most 2 decimal places"))
    return amount.quantize(CENT)


def business_currency() -> str:
    from clientela.core.selectors import business_get

    return business_get().currency


def money_parse(field: str, value) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise validation_error(field, _("must be an amount")) from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_MONEY:
        raise validation_error(field, _("must be an amount from 0"))
    if amount != amount.quantize(CENT):
        raise validation_error(field, _("has at most 2 decimal places"))
    return amount.quantize(CENT)
