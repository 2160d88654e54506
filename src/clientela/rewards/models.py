"""Rewards: the catalogue members spend loyalty points on, and the redemptions.

A reward's `stock` (None = unlimited) never goes below zero: it is only taken with the
reward's row locked, and a check constraint guards it. A redemption spends the points in the
loyalty ledger (one `redeem` entry, key `reward:<redemption id>`) and, for a discount
reward, issues a personal coupon.
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


class RewardKind(models.TextChoices):
    DISCOUNT = "discount", _("Discount")
    FREE_ITEM = "free_item", _("Free item")
    GIFT = "gift", _("Gift")
    EXPERIENCE = "experience", _("Experience")


class Reward(PublicIdModel):
    """One entry of the catalogue. Dates are the business's local days, both inclusive;
    empty means no limit. Discount rewards carry the terms of the personal coupon they
    issue (`coupon_kind`, `coupon_value`, valid for `coupon_valid_days`)."""

    PUBLIC_ID_PREFIX = "rwd"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=RewardKind.choices)
    points_cost = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100_000_000)]
    )
    description = models.TextField(blank=True, max_length=2000)
    stock = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    coupon_kind = models.CharField(
        max_length=10, blank=True, choices=[("percent", _("Percentage")), ("fixed", _("Fixed"))]
    )
    coupon_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    coupon_valid_days = models.PositiveSmallIntegerField(
        default=30, validators=[MinValueValidator(1), MaxValueValidator(3660)]
    )

    class Meta:
        ordering = ["points_cost", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stock__isnull=True) | Q(stock__gte=0), name="reward_stock_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(kind="discount")
                | (Q(coupon_kind__in=["percent", "fixed"]) & Q(coupon_value__gt=0)),
                name="reward_discount_has_coupon_terms",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def available_on(self, day) -> bool:
        """Active, within its dates on `day`, and in stock."""
        return (
            self.is_active
            and (self.valid_from is None or self.valid_from <= day)
            and (self.valid_to is None or day <= self.valid_to)
            and (self.stock is None or self.stock > 0)
        )


class RedemptionStatus(models.TextChoices):
    ISSUED = "issued", _("Issued")
    FULFILLED = "fulfilled", _("Fulfilled")
    CANCELLED = "cancelled", _("Cancelled")


class RewardRedemption(PublicIdModel):
    """A member's redemption of a reward: issued -> fulfilled (handed over) or cancelled
    (points and stock given back)."""

    PUBLIC_ID_PREFIX = "rdm"

    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    party = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="reward_redemptions"
    )
    points = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=RedemptionStatus.choices, default=RedemptionStatus.ISSUED
    )
    points_entry = models.ForeignKey(
        "loyalty.PointsEntry", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    coupon = models.ForeignKey(
        "coupons.Coupon", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)
    issued_at = models.DateTimeField(default=timezone.now)
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["party", "-issued_at"], name="reward_red_party"),
            models.Index(fields=["-issued_at"], name="reward_red_issued"),
        ]

    def __str__(self) -> str:
        return f"{self.reward_id} for {self.party_id} ({self.status})"
