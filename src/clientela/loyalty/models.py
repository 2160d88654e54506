"""Loyalty: the programme, its earning rules, campaigns and tiers, and the points ledger.

The ledger is append-only: a `PointsEntry` is never updated or deleted, with one exception,
the `remaining` column of a lot (an entry that added points: earn, a positive adjustment,
a cancelled redemption). Spending (redeem, expire, reverse, negative adjust) consumes lots
first-expiring-first and lowers their `remaining`; the account's `balance` always equals the
sum of its lots' `remaining` and can never go below zero (a database check constraint).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.commerce.models import SalesChannel
from clientela.core.models import PublicIdModel

ZERO = Decimal("0")


class Programme(models.Model):
    """The business's one loyalty programme (a single row, id=1; see
    `selectors.programme_get`)."""

    name = models.CharField(max_length=120, default="Loyalty programme")
    currency = models.CharField(max_length=3, default="EUR")
    # Points per currency unit spent.
    base_rate = models.DecimalField(
        max_digits=10, decimal_places=4, default=Decimal("1"), validators=[MinValueValidator(ZERO)]
    )
    # An order whose total is below this earns nothing; at or above, the whole amount earns.
    min_spend = models.DecimalField(
        max_digits=14, decimal_places=2, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    # Earned points expire this many months after they were earned; 0 = never.
    expiry_months = models.PositiveSmallIntegerField(default=0, validators=[MaxValueValidator(120)])
    auto_enrol = models.BooleanField(default=True)
    # Off until the business switches it on: before that, orders earn nothing.
    active = models.BooleanField(default=False)
    # Tiers: points earned in the last `tier_window_months`; reviewed every
    # `review_every_months` per member.
    tier_window_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    review_every_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    updated_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class RuleKind(models.TextChoices):
    CATEGORY = "category", _("Category")
    CHANNEL = "channel", _("Sales channel")


class EarningRule(PublicIdModel):
    """Extra earning for order lines of one catalogue category, or for orders of one sales
    channel: `extra_per_unit` points per currency unit added to the base rate (categories
    only) and a `multiplier`."""

    PUBLIC_ID_PREFIX = "lrl"

    kind = models.CharField(max_length=10, choices=RuleKind.choices)
    category = models.CharField(max_length=80, blank=True)
    channel = models.CharField(max_length=12, choices=SalesChannel.choices, blank=True)
    extra_per_unit = models.DecimalField(
        max_digits=10, decimal_places=4, default=ZERO, validators=[MinValueValidator(ZERO)]
    )
    multiplier = models.DecimalField(
        max_digits=6, decimal_places=3, default=Decimal("1"), validators=[MinValueValidator(ZERO)]
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "category", "channel", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "category", "channel"], name="loyalty_rule_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.category or self.channel}"


class Campaign(PublicIdModel):
    """A bonus between two dates (inclusive, in the business's time zone): a multiplier on
    the points of matching lines and/or a fixed bonus per matching order, optionally only
    for one category or one channel."""

    PUBLIC_ID_PREFIX = "lcp"

    name = models.CharField(max_length=120)
    starts_on = models.DateField()
    ends_on = models.DateField()
    multiplier = models.DecimalField(
        max_digits=6, decimal_places=3, default=Decimal("1"), validators=[MinValueValidator(ZERO)]
    )
    bonus_points = models.PositiveIntegerField(default=0, validators=[MaxValueValidator(10**7)])
    category = models.CharField(max_length=80, blank=True)
    channel = models.CharField(max_length=12, choices=SalesChannel.choices, blank=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["-starts_on", "id"]

    def __str__(self) -> str:
        return self.name


class Tier(PublicIdModel):
    """A tier reached with `threshold` points earned in the programme's rolling window."""

    PUBLIC_ID_PREFIX = "ltr"

    name = models.CharField(max_length=60, unique=True)
    threshold = models.PositiveIntegerField(unique=True)
    position = models.PositiveSmallIntegerField(default=0)
    benefits = models.TextField(blank=True)
    multiplier = models.DecimalField(
        max_digits=6, decimal_places=3, default=Decimal("1"), validators=[MinValueValidator(ZERO)]
    )

    class Meta:
        ordering = ["threshold"]

    def __str__(self) -> str:
        return self.name


class LoyaltyAccount(PublicIdModel):
    """A party's membership: its balance (never negative), its tier and the date of its
    next tier review."""

    PUBLIC_ID_PREFIX = "lac"

    party = models.OneToOneField(
        "parties.Party", on_delete=models.CASCADE, related_name="loyalty_account"
    )
    balance = models.IntegerField(default=0)
    enrolled_at = models.DateTimeField(default=timezone.now)
    tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.SET_NULL, related_name="accounts"
    )
    tier_since = models.DateTimeField(null=True, blank=True)
    next_review_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="loyalty_balance_not_negative")
        ]
        indexes = [models.Index(fields=["next_review_on"], name="loyalty_account_review")]

    def __str__(self) -> str:
        return f"{self.party_id}: {self.balance}"


class EntryKind(models.TextChoices):
    EARN = "earn", _("Earned")
    REDEEM = "redeem", _("Redeemed")
    EXPIRE = "expire", _("Expired")
    ADJUST = "adjust", _("Adjusted")
    REVERSE = "reverse", _("Reversed")


class PointsEntry(PublicIdModel):
    """One line of the ledger (signed points, the balance after it). See the module
    docstring for what may change after the insert (a lot's `remaining` only)."""

    PUBLIC_ID_PREFIX = "lpe"

    account = models.ForeignKey(LoyaltyAccount, on_delete=models.CASCADE, related_name="entries")
    kind = models.CharField(max_length=8, choices=EntryKind.choices)
    points = models.IntegerField()
    balance_after = models.IntegerField()
    occurred_at = models.DateTimeField(default=timezone.now)
    # Lots only: when the lot expires (None = never) and how much of it is left.
    expires_at = models.DateTimeField(null=True, blank=True)
    remaining = models.IntegerField(null=True, blank=True)
    order = models.ForeignKey(
        "commerce.Order",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # The entry this one undoes or ends: the earn a reverse takes back, the redeem a
    # cancellation gives back, the lot an expire entry ends.
    related = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A reverse that could not take back everything (the member had spent it): the rest.
    unrecovered = models.IntegerField(default=0)
    # Spending entries: which lots they consumed, [[lot id, points], ...].
    allocation = models.JSONField(null=True, blank=True)
    reference = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    key = models.CharField(max_length=160, null=True, blank=True, unique=True)

    class Meta:
        indexes = [
            models.Index(fields=["account", "-id"], name="loyalty_entry_account"),
            models.Index(
                fields=["account", "expires_at"],
                name="loyalty_open_lots",
                condition=Q(remaining__gt=0),
            ),
            models.Index(
                fields=["expires_at"], name="loyalty_expiring", condition=Q(remaining__gt=0)
            ),
            models.Index(fields=["kind", "occurred_at"], name="loyalty_entry_kind_time"),
            # One customer's earnings in a tier window: without it SQLite (no ANALYZE) walks
            # every earn of the window through the index above on each recorded order.
            models.Index(
                fields=["account", "kind", "occurred_at"], name="loyalty_entry_account_kind"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining__isnull=True) | Q(remaining__gte=0),
                name="loyalty_remaining_not_negative",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.points:+d} -> {self.balance_after}"
