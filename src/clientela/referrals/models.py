"""Referrals: the programme's settings, each party's personal code, and the referrals.

A referral says "`referrer` brought `referred`": it starts `pending` when it is claimed (on
the public landing page of the referrer's link, or by staff/API with the code), becomes
`qualified` with the referred party's first paid order at or above the programme's minimum
inside the qualifying window (both sides are then rewarded with loyalty points, within the
referrer's yearly cap), or `expired` when the window passes without one.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clientela.core.models import PublicIdModel

# Codes are read aloud and typed from paper: no 0/O, 1/I/L.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 7


class ReferralProgramme(models.Model):
    """The one programme of the business (single row, id=1: `selectors.programme_get`).

    `min_purchase` is in the business's currency; an order total at or above it qualifies.
    `yearly_cap` limits how many referrals of one referrer are rewarded per calendar year
    (UTC) of qualification; blank means no cap."""

    is_active = models.BooleanField(default=True)
    referrer_points = models.PositiveIntegerField(
        default=200, validators=[MaxValueValidator(1_000_000)]
    )
    referred_points = models.PositiveIntegerField(
        default=100, validators=[MaxValueValidator(1_000_000)]
    )
    min_purchase = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    window_days = models.PositiveSmallIntegerField(
        default=60, validators=[MinValueValidator(1), MaxValueValidator(3660)]
    )
    yearly_cap = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return "referral programme"


class ReferralCode(PublicIdModel):
    """A party's personal code (one per party, unique, upper case from `CODE_ALPHABET`)."""

    PUBLIC_ID_PREFIX = "rfc"

    party = models.OneToOneField(
        "parties.Party", on_delete=models.CASCADE, related_name="referral_code"
    )
    code = models.CharField(max_length=16, unique=True)
    is_active = models.BooleanField(default=True)

    def __str__(self) -> str:
        return self.code


class ReferralStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("referral status", "Pending")
    QUALIFIED = "qualified", pgettext_lazy("referral status", "Qualified")
    EXPIRED = "expired", pgettext_lazy("referral status", "Expired")


class ReferralSource(models.TextChoices):
    LINK = "link", _("Referral link")
    STAFF = "staff", _("Staff")
    API = "api", _("API")
    DEMO = "demo", _("Demo")


class Referral(PublicIdModel):
    """One referral. A party is referred at most once (`referred` is unique)."""

    PUBLIC_ID_PREFIX = "ref"

    referrer = models.ForeignKey(
        "parties.Party", on_delete=models.CASCADE, related_name="referrals_made"
    )
    referred = models.OneToOneField(
        "parties.Party", on_delete=models.CASCADE, related_name="referral_received"
    )
    code = models.ForeignKey(
        ReferralCode, on_delete=models.PROTECT, related_name="referrals", null=True, blank=True
    )
    status = models.CharField(
        max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.PENDING
    )
    source = models.CharField(
        max_length=10, choices=ReferralSource.choices, default=ReferralSource.STAFF
    )
    referred_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    qualified_at = models.DateTimeField(null=True, blank=True)
    order = models.ForeignKey(
        "commerce.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rewarded = models.BooleanField(default=False)
    # Why a qualified referral was not rewarded (the yearly cap), or "".
    reward_note = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["referrer", "status"], name="referral_referrer_status"),
            models.Index(fields=["status", "expires_at"], name="referral_status_expiry"),
            models.Index(fields=["status", "qualified_at"], name="referral_status_qualified"),
        ]

    def __str__(self) -> str:
        return f"{self.referrer_id} -> {self.referred_id} ({self.status})"
