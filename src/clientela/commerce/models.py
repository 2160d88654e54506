"""The catalogue (standardised goods vs personalised services) and orders.

Every order line names its payer and its consumer: the consumer is whoever uses what was
bought (a gift's recipient), and defaults to the payer.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.core.models import PublicIdModel


class Offering(models.TextChoices):
    STANDARDISED = "standardised", _("Standardised good or service")
    PERSONALISED = "personalised", _("Personalised service")


class CatalogItem(PublicIdModel):
    PUBLIC_ID_PREFIX = "itm"

    sku = models.CharField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    offering = models.CharField(max_length=14, choices=Offering.choices)
    category = models.CharField(max_length=80, blank=True)
    unit_price = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(max_length=3, default="EUR")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrderStatus(models.TextChoices):
    PAID = "paid", _("Paid")
    REFUNDED = "refunded", _("Refunded")
    CANCELLED = "cancelled", _("Cancelled")


class SalesChannel(models.TextChoices):
    STORE = "store", _("Store")
    ONLINE = "online", _("Online shop")
    PHONE = "phone", _("Phone")
    IN_PERSON = "in_person", _("In person")
    MARKETPLACE = "marketplace", _("Marketplace")
    INVOICE = "invoice", _("Invoice")


class Order(PublicIdModel):
    PUBLIC_ID_PREFIX = "ord"

    payer = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="orders")
    relationship = models.ForeignKey(
        "parties.Relationship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="orders",
    )
    external_id = models.CharField(max_length=120, null=True, blank=True, unique=True)
    placed_at = models.DateTimeField(default=timezone.now)
    currency = models.CharField(max_length=3)
    channel = models.CharField(
        max_length=12, choices=SalesChannel.choices, default=SalesChannel.STORE
    )
    status = models.CharField(max_length=10, choices=OrderStatus.choices, default=OrderStatus.PAID)
    total = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        indexes = [models.Index(fields=["payer", "-placed_at"], name="order_payer_time")]

    def __str__(self) -> str:
        return f"{self.external_id or self.public_id} ({self.total} {self.currency})"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(
        CatalogItem, null=True, blank=True, on_delete=models.PROTECT, related_name="lines"
    )
    description = models.CharField(max_length=200)
    offering = models.CharField(max_length=14, choices=Offering.choices)
    quantity = models.DecimalField(max_digits=12, decimal_places=3, default=Decimal("1"))
    unit_price = models.DecimalField(max_digits=14, decimal_places=2)
    amount = models.DecimalField(max_digits=14, decimal_places=2)
    payer = models.ForeignKey("parties.Party", on_delete=models.PROTECT, related_name="paid_lines")
    consumer = models.ForeignKey(
        "parties.Party", on_delete=models.PROTECT, related_name="consumed_lines"
    )

    class Meta:
        indexes = [models.Index(fields=["consumer"], name="line_consumer")]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.description}"
