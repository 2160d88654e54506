"""Coupons: creating batches and personal coupons, validating and redeeming codes.

Limits hold under concurrency: a redemption locks the batch row (which holds the
per-customer counts) and then the code row (which holds its use count), always in that
order, and checks every limit with both locks held. A redemption tied to an order is
released when the order is refunded or cancelled (`coupon_redemptions_release`, called by
the commerce hook in `coupons.rules`), which gives the use back to the code.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
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
from clientela.coupons.codes import PREFIX_PATTERN, code_normalise, codes_generate, prefix_normalise
from clientela.coupons.models import Coupon, CouponBatch, CouponKind, CouponRedemption
from clientela.coupons.terms import (
    business_currency,
    coupon_find,
    money_parse,
    order_amount_parse,
    refused,
    terms_check,
)

MAX_CODES = 50000
_UNSET = object()


def coupon_batch_create(
    *,
    actor,
    name: str,
    kind: str,
    value,
    code_count: int,
    currency: str | None = None,
    min_spend=None,
    valid_from: date | None = None,
    valid_to: date | None = None,
    max_redemptions: int | None = 1,
    per_customer_limit: int | None = 1,
    prefix: str = "",
    note: str = "",
) -> CouponBatch:
    """A batch of `code_count` (1..50,000) new codes sharing these terms.

    Guarantees: COUPON_MANAGE; percent values in (0, 100], fixed values > 0 with a currency
    (the business's by default); the codes are unique, generated with `secrets`, written
    with one bulk insert; the batch, its codes and a `coupon.batch_created` audit event are
    written in one transaction, or nothing is."""
    authorize(actor, Action.COUPON_MANAGE)
    if isinstance(code_count, bool) or not isinstance(code_count, int):
        raise validation_error("code_count", _("must be a whole number"))
    if not 1 <= code_count <= MAX_CODES:
        raise validation_error(
            "code_count", _("must be from 1 to %(max)s") % {"max": f"{MAX_CODES:,}"}
        )
    prefix = prefix_normalise(prefix)
    if not PREFIX_PATTERN.match(prefix):
        raise validation_error("prefix", _("use at most 12 letters A-Z and digits"))
    batch = _batch_build(
        actor=actor,
        name=name,
        kind=kind,
        value=value,
        currency=currency,
        min_spend=min_spend,
        valid_from=valid_from,
        valid_to=valid_to,
        max_redemptions=max_redemptions,
        per_customer_limit=per_customer_limit,
        code_count=code_count,
        prefix=prefix,
        note=note,
        party=None,
    )
    with transaction.atomic():
        batch.save()
        _codes_create(batch=batch, count=code_count)
        audit_record(
            actor=actor,
            action="coupon.batch_created",
            target=batch,
            data={
                "name": batch.name,
                "kind": batch.kind,
                "value": batch.value,
                "codes": code_count,
            },  # fmt: skip
        )
    return batch


def coupon_issue_personal(
    *,
    actor,
    party,
    kind: str,
    value: Decimal,
    valid_days: int,
    min_spend: Decimal | None = None,
    note: str = "",
) -> Coupon:
    """One single-use code that only `party` may redeem, valid from today for `valid_days`
    days (today included). COUPON_MANAGE, or actor None (the system: a reward, a referral
    bonus). The coupon and a `coupon.personal_issued` audit event are one transaction."""
    authorize(actor, Action.COUPON_MANAGE)
    if isinstance(valid_days, bool) or not isinstance(valid_days, int):
        raise validation_error("valid_days", _("must be a whole number of days"))
    if not 1 <= valid_days <= 3660:
        raise validation_error("valid_days", _("must be from 1 to 3660 days"))
    today = timezone.localdate()
    note = (note or "").strip()
    batch = _batch_build(
        actor=actor,
        name=(note[:200] or _("Personal coupon for %(name)s") % {"name": party.display_name})[:200],
        kind=kind,
        value=value,
        currency=None,
        min_spend=min_spend,
        valid_from=today,
        valid_to=today + timedelta(days=valid_days - 1),
        max_redemptions=1,
        per_customer_limit=1,
        code_count=1,
        prefix="P",
        note=note,
        party=party,
    )
    with transaction.atomic():
        batch.save()
        coupon = _codes_create(batch=batch, count=1)[0]
        audit_record(
            actor=actor,
            action="coupon.personal_issued",
            target=party,
            data={
                "batch": batch.public_id,
                "code": coupon.code,
                "kind": batch.kind,
                "value": batch.value,
                "valid_to": batch.valid_to,
            },  # fmt: skip
        )
    coupon.batch = batch
    return coupon


def coupon_batch_update(
    *, actor, batch: CouponBatch, name=None, is_active=None, valid_to=_UNSET, note=None
) -> CouponBatch:
    """Rename, (de)activate, or move the end date of a batch; its terms otherwise stay what
    the codes were issued with. COUPON_MANAGE; row-locked; audited."""
    authorize(actor, Action.COUPON_MANAGE)
    with transaction.atomic():
        locked = CouponBatch.objects.select_for_update().get(pk=batch.pk)
        changes = {}
        if name is not None:
            locked.name = str(name).strip()
            changes["name"] = locked.name
        if note is not None:
            locked.note = str(note).strip()
            changes["note"] = locked.note
        if is_active is not None:
            if not isinstance(is_active, bool):
                raise validation_error("is_active", _("must be true or false"))
            locked.is_active = is_active
            changes["is_active"] = is_active
        if valid_to is not _UNSET:
            if valid_to is not None and valid_to < locked.valid_from:
                raise validation_error("valid_to", _("must not be before the start date"))
            locked.valid_to = valid_to
            changes["valid_to"] = valid_to
        if not locked.name:
            raise validation_error("name", _("is required"))
        locked.updated_at = timezone.now()
        _clean(locked)
        locked.save()
        audit_record(actor=actor, action="coupon.batch_changed", target=locked, data=changes)
    return locked


def coupon_validate(*, code: str, party, order_amount, at: datetime | None = None) -> Decimal:
    """The discount `code` gives `party` on an order of `order_amount` at `at` (now): a
    Decimal in cents, never more than the order amount. Otherwise a VALIDATION error whose
    `reason` (in extra) is one of unknown, inactive, not_yet_valid, expired, below_min_spend,
    used_up, customer_limit, other_customer, naming the field (`code`, or `order_amount`
    for the minimum spend). Reads only: `coupon_redeem` checks again under locks."""
    amount = order_amount_parse(order_amount)
    coupon = coupon_find(code)
    return terms_check(coupon=coupon, batch=coupon.batch, party=party, amount=amount, at=at)


def coupon_redeem(
    *,
    actor,
    code: str,
    party,
    order_amount,
    order=None,
    key: str | None = None,
    at: datetime | None = None,
) -> CouponRedemption:
    """Redeem `code` for `party` on an order of `order_amount` (optionally the recorded
    `order`, which must be the party's paid order).

    Guarantees: LOYALTY_REDEEM; every rule of `coupon_validate`, checked with the batch and
    the code rows locked, so concurrent redemptions never exceed a code's uses or a
    customer's limit; the redemption, the code's count and a `coupon.redeemed` audit event
    are one transaction; the same `key` returns the first redemption and redeems nothing
    (CONFLICT when that key redeemed another code)."""
    authorize(actor, Action.LOYALTY_REDEEM, party=party)
    amount = order_amount_parse(order_amount)
    if key is not None:
        key = str(key).strip()
        if not key or len(key) > 120:
            raise validation_error("key", _("must be 1 to 120 characters"))
    if order is not None:
        _check_order(order=order, party=party)
    with transaction.atomic():
        previous = _by_key(key, code)
        if previous is not None:
            return previous
        found = coupon_find(code)
        batch = CouponBatch.objects.select_for_update().get(pk=found.batch_id)
        coupon = Coupon.objects.select_for_update().get(pk=found.pk)
        previous = _by_key(key, code)
        if previous is not None:
            return previous
        discount = terms_check(coupon=coupon, batch=batch, party=party, amount=amount, at=at)
        if (
            order is not None
            and batch.kind == CouponKind.FIXED
            and order.currency != batch.currency
        ):
            raise refused(
                "order",
                "currency",
                _("is in %(order)s, the coupon in %(coupon)s")
                % {"order": order.currency, "coupon": batch.currency},
            )
        redemption = CouponRedemption(
            coupon=coupon,
            batch=batch,
            party=party,
            order=order,
            order_amount=amount,
            discount=discount,
            currency=batch.currency or (order.currency if order else business_currency()),
            at=at or timezone.now(),
            key=key,
            actor=actor if getattr(actor, "pk", None) else None,
        )
        redemption.assign_public_id()
        try:
            with transaction.atomic():
                redemption.save()
        except IntegrityError:
            previous = _by_key(key, code)
            if previous is None:
                raise
            return previous
        Coupon.objects.filter(pk=coupon.pk).update(
            times_redeemed=F("times_redeemed") + 1, updated_at=timezone.now()
        )
        audit_record(
            actor=actor,
            action="coupon.redeemed",
            target=party,
            data={
                "code": coupon.code,
                "batch": batch.public_id,
                "discount": discount,
                "order": order.public_id if order else None,
                "redemption": redemption.public_id,
            },  # fmt: skip
        )
    return redemption


def coupon_redemptions_release(*, order, actor=None) -> int:
    """Release the redemptions tied to `order` (refunded or cancelled): each stops counting
    and gives its use back to the code. Idempotent; returns how many were released."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            CouponRedemption.objects.select_for_update()
            .filter(order_id=order.pk, released_at__isnull=True)
            .select_related("coupon")
            .order_by("id")
        )
        for row in rows:
            Coupon.objects.filter(pk=row.coupon_id, times_redeemed__gt=0).update(
                times_redeemed=F("times_redeemed") - 1, updated_at=now
            )
            row.released_at = now
            row.save(update_fields=["released_at", "updated_at"])
            audit_record(
                actor=actor,
                action="coupon.released",
                target=row,
                data={"code": row.coupon.code, "order": order.public_id},
            )
    return len(rows)


def _by_key(key: str | None, code) -> CouponRedemption | None:
    if key is None:
        return None
    previous = CouponRedemption.objects.select_related("coupon", "batch").filter(key=key).first()
    if previous is not None and previous.coupon.code != code_normalise(code):
        raise ApplicationError(
            ErrorCode.CONFLICT,
            _("key: this key already redeemed another code"),
            {"fields": {"key": [_("already redeemed another code")]}},
        )
    return previous


def _check_order(*, order, party) -> None:
    if order.payer_id != party.pk:
        raise refused("order", "other_customer", _("was paid by another party"))
    if order.status != "paid":
        raise refused("order", "order_status", _("is not a paid order"))


def _batch_build(*, actor, party, name, kind, value, currency, min_spend, valid_from,
                 valid_to, max_redemptions, per_customer_limit, code_count, prefix,
                 note) -> CouponBatch:  # fmt: skip
    name = str(name or "").strip()
    if not name:
        raise validation_error("name", _("is required"))
    if kind not in CouponKind.values:
        raise validation_error(
            "kind", _("must be one of %(choices)s") % {"choices": ", ".join(CouponKind.values)}
        )
    value = money_parse("value", value)
    if value <= 0:
        raise validation_error("value", _("must be more than 0"))
    if kind == CouponKind.PERCENT and value > 100:
        raise validation_error("value", _("a percentage must be at most 100"))
    if kind == CouponKind.FIXED:
        currency = (currency or business_currency()).strip().upper()
        if len(currency) != 3 or not currency.isalpha() or not currency.isascii():
            raise validation_error("currency", _("must be a three-letter ISO 4217 code"))
    else:
        currency = ""
    if min_spend is not None:
        min_spend = money_parse("min_spend", min_spend)
    for field, limit in (("max_redemptions", max_redemptions),
                         ("per_customer_limit", per_customer_limit)):  # fmt: skip
        if limit is not None and (
            isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= 1000000
        ):
            raise validation_error(field, _("must be empty (unlimited) or from 1 to 1,000,000"))
    valid_from = valid_from or timezone.localdate()
    if valid_to is not None and valid_to < valid_from:
        raise validation_error("valid_to", _("must not be before the start date"))
    batch = CouponBatch(
        name=name,
        kind=kind,
        value=value,
        currency=currency,
        min_spend=min_spend,
        valid_from=valid_from,
        valid_to=valid_to,
        max_redemptions=max_redemptions,
        per_customer_limit=per_customer_limit,
        code_count=code_count,
        prefix=prefix,
        party=party,
        note=str(note or "").strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _clean(batch)
    return batch


def _clean(batch: CouponBatch) -> None:
    try:
        batch.full_clean(exclude=["party", "created_by"])
    except ValidationError as exc:
        raise from_django_validation(exc) from exc


def _codes_create(*, batch: CouponBatch, count: int) -> list[Coupon]:
    now = timezone.now()
    rows = []
    for code in codes_generate(prefix=batch.prefix, count=count):
        row = Coupon(batch=batch, code=code, created_at=now, updated_at=now)
        row.assign_public_id()
        rows.append(row)
    return Coupon.objects.bulk_create(rows, batch_size=2000)
