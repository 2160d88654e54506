"""Coupons: batches of codes (bulk or personal), the codes, and their redemptions.

The terms (kind, value, minimum spend, validity, limits) live on the batch; a personal
coupon is a batch of one code bound to one party. A code's `times_redeemed` counts its
redemptions that still hold (a redemption released by a refunded or cancelled order stops
counting), and is only changed with the code's row locked (see `coupons.services`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.core.models import PublicIdModel


class CouponKind(models.TextChoices):
    PERCENT = "percent", _("Percentage")
    FIXED = "fixed", _("Fixed amount")


def _today():
    return timezone.localdate()


class CouponBatch(PublicIdModel):
    """A set of codes sharing the same terms. `party` set: a personal coupon (one code that
    only that party may use). Dates are the business's local days, both inclusive; no
    `valid_to` means no end. `max_redemptions` is per code (1 = single use, None =
    unlimited); `per_customer_limit` counts one party's redemptions over the whole batch
    (None = unlimited)."""

    PUBLIC_ID_PREFIX = "cpb"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=CouponKind.choices)
    value = models.DecimalField(
        max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    currency = models.CharField(max_length=3, blank=True)
    min_spend = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    valid_from = models.DateField(default=_today)
    valid_to = models.DateField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(
        null=True, blank=True, default=1, validators=[MinValueValidator(1)]
    )
    per_customer_limit = models.PositiveIntegerField(
        null=True, blank=True, default=1, validators=[MinValueValidator(1)]
    )
    code_count = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(50000)]
    )
    prefix = models.CharField(max_length=12, blank=True)
    party = models.ForeignKey(
        "parties.Party",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="personal_coupon_batches",
    )
    note = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gt=0)
                & (Q(kind="fixed") | Q(value__lte=100))
                & (Q(kind="percent") | ~Q(currency="")),
                name="coupon_batch_value_valid",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="coupon_batch_dates_ordered",
            ),
        ]
        indexes = [models.Index(fields=["party", "-created_at"], name="coupon_batch_party")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_personal(self) -> bool:
        return self.party_id is not None


class Coupon(PublicIdModel):
    """One code. Codes are stored upper case; lookups normalise what is typed."""

    PUBLIC_ID_PREFIX = "cpn"

    batch = models.ForeignKey(CouponBatch, on_delete=models.CASCADE, related_name="coupons")
    code = models.CharField(max_length=40, unique=True)
    times_redeemed = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["batch", "id"], name="coupon_batch_id")]

    def __str__(self) -> str:
        return self.code


class CouponRedemption(PublicIdModel):
    """One use of a code by a party, for an order amount. `released_at` set: the order was
    refunded or cancelled and the use no longer counts. `key` makes a redemption
    idempotent: the same key never redeems twice."""

    PUBLIC_ID_PREFIX = "cpr"

    coupon = models.ForeignKey(Coupon, on_delete=models.CASCADE, related_name="redemptions")
    batch = models.ForeignKey(CouponBatch, on_delete=models.CASCADE, related_name="redemptions")
    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="coupon_redemptions"
    )
    order = models.ForeignKey(
        "commerce.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="coupon_redemptions",
    )
    order_amount = models.DecimalField(max_digits=14, decimal_places=2)
    discount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3)
    at = models.DateTimeField(default=timezone.now)
    key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    released_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["batch", "party"], name="coupon_red_batch_party"),
            models.Index(fields=["party", "-at"], name="coupon_red_party_at"),
            models.Index(fields=["-at"], name="coupon_red_at"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount__gte=0) & Q(discount__lte=models.F("order_amount")),
                name="coupon_redemption_discount_bounded",
            )
        ]

    def __str__(self) -> str:
        return f"{self.coupon_id} by {self.party_id}: -{self.discount} {self.currency}"
