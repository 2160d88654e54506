"""Contracts: what a client signed, for how much, until when, and every change since.

A contract belongs to one client relationship (and, copied from it, to the client party).
Its lifecycle is a small state machine (see `TRANSITIONS`); once signed, every change is an
amendment carrying the before/after values and a required note, so the history of a legal
document is never rewritten silently. The signed document itself lives under MEDIA_ROOT with a
random stored name; the original name, size, checked content type and SHA-256 are kept here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.core.files import random_upload_to
from clientela.core.models import PublicIdModel


class BillingRhythm(models.TextChoices):
    ONE_OFF = "one_off", _("One-off")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
    YEARLY = "yearly", _("Yearly")


#: How many times a year the contract's `value` is billed (one-off: once, in its start year).
PERIODS_PER_YEAR: dict[str, int] = {
    BillingRhythm.ONE_OFF: 1,
    BillingRhythm.MONTHLY: 12,
    BillingRhythm.QUARTERLY: 4,
    BillingRhythm.YEARLY: 1,
}


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    SIGNED = "signed", _("Signed")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    TERMINATED = "terminated", _("Terminated")


#: The allowed status changes. A sent contract may go back to draft to be reworked; a draft or
#: sent one that will never be signed is terminated (with a reason); expired and terminated
#: are final (a renewal is a new contract).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ContractStatus.DRAFT: (ContractStatus.SENT, ContractStatus.TERMINATED),
    ContractStatus.SENT: (ContractStatus.SIGNED, ContractStatus.DRAFT, ContractStatus.TERMINATED),
    ContractStatus.SIGNED: (
        ContractStatus.ACTIVE,
        ContractStatus.EXPIRED,
        ContractStatus.TERMINATED,
    ),
    ContractStatus.ACTIVE: (ContractStatus.EXPIRED, ContractStatus.TERMINATED),
    ContractStatus.EXPIRED: (),
    ContractStatus.TERMINATED: (),
}

#: Statuses in which the contract binds both sides (the journey guard and the selectors).
BINDING = (ContractStatus.SIGNED, ContractStatus.ACTIVE)
#: Statuses in which a change is an amendment that needs a note.
AMENDED = (
    ContractStatus.SIGNED,
    ContractStatus.ACTIVE,
    ContractStatus.EXPIRED,
    ContractStatus.TERMINATED,
)


class Contract(PublicIdModel):
    PUBLIC_ID_PREFIX = "ctr"

    relationship = models.ForeignKey(
        "parties.Relationship", on_delete=models.CASCADE, related_name="contracts"
    )
    # Copied from the relationship at creation (the client), for filters and lists.
    party = models.ForeignKey("parties.Party", on_delete=models.CASCADE, related_name="contracts")
    signatories = models.ManyToManyField(
        "parties.Party", blank=True, related_name="contracts_signatory"
    )
    services = models.ManyToManyField("commerce.CatalogItem", blank=True, related_name="contracts")
    title = models.CharField(max_length=200)
    # The amount billed per period of `billing` (a one-off contract: the whole amount).
    value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(max_length=3)
    billing = models.CharField(
        max_length=10, choices=BillingRhythm.choices, default=BillingRhythm.MONTHLY
    )
    start_on = models.DateField()
    end_on = models.DateField(null=True, blank=True)
    # None: the renewal falls on `end_on` (see `renewal_date`).
    renewal_on = models.DateField(null=True, blank=True)
    notice_days = models.PositiveIntegerField(default=30)
    exclusive = models.BooleanField(default=False)
    status = models.CharField(
        max_length=12, choices=ContractStatus.choices, default=ContractStatus.DRAFT
    )
    signed_on = models.DateField(null=True, blank=True)
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True)
    # The signed document (never served by URL; see core.files.stored_file_response).
    document = models.FileField(upload_to=random_upload_to("contracts"), max_length=300, blank=True)
    document_name = models.CharField(max_length=200, blank=True)
    document_size = models.PositiveBigIntegerField(default=0)
    document_content_type = models.CharField(max_length=100, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    document_uploaded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "renewal_on"], name="contract_status_renewal"),
            models.Index(fields=["status", "end_on"], name="contract_status_end"),
            models.Index(fields=["relationship", "status"], name="contract_rel_status"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def renewal_date(self) -> dt.date | None:
        """The renewal date: `renewal_on`, or `end_on` when none was set."""
        return self.renewal_on or self.end_on

    @property
    def notice_deadline(self) -> dt.date | None:
        """The last day to give notice before the renewal."""
        renewal = self.renewal_date
        return None if renewal is None else renewal - dt.timedelta(days=self.notice_days)

    @property
    def annual_value(self) -> Decimal:
        return self.value * PERIODS_PER_YEAR[self.billing]

    @property
    def allowed_transitions(self) -> tuple[str, ...]:
        return TRANSITIONS.get(self.status, ())

    @property
    def is_binding(self) -> bool:
        return self.status in BINDING


class ContractAmendment(models.Model):
    """One change to a contract: who, when, which fields from what to what, and why."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # {field: [before, after]} with JSON-friendly values (dates ISO, decimals as strings).
    changes = models.JSONField(default=dict)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {', '.join(self.changes)}"


class ReminderKind(models.TextChoices):
    RENEWAL = "renewal", _("Renewal ahead")
    NOTICE = "notice", _("Notice deadline")


class ContractReminder(models.Model):
    """A reminder the sweep sent: unique per contract, kind and date, so two sweeps running
    together remind once (the second insert fails and sends nothing)."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=10, choices=ReminderKind.choices)
    on = models.DateField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "on"], name="uniq_contract_reminder"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.on} {self.contract_id}"
