"""People, organisations, and the business's relationship with each.

A party is whoever the business deals with; a relationship says how: as a `client`
(personalised services, formal and lasting) or a `customer` (standardised goods, quick
transactions). A party has at most one *current* relationship; converting a customer into a
client closes the old relationship (status `converted`) and opens a new one pointing back to
it, so the old journey, orders and timeline stay intact and visible.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientela.core.models import PublicIdModel


class PartyKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Party(PublicIdModel):
    PUBLIC_ID_PREFIX = "pty"

    kind = models.CharField(max_length=12, choices=PartyKind.choices, default=PartyKind.PERSON)
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    organisation_name = models.CharField(max_length=200, blank=True)
    display_name = models.CharField(max_length=220)
    # Lower-cased, accent-free display name: with the id, the directory's keyset sort key.
    sort_key = models.CharField(max_length=220)
    # Lower-cased, accent-free family (or organisation) name, for prefix search.
    family_key = models.CharField(max_length=200, db_index=True, blank=True)
    language = models.CharField(max_length=8, blank=True)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="parties")
    marketing_consent = models.BooleanField(default=False)
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_source = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)
    # A copy of the current relationship's kind, stage and owner ("" / None without one),
    # kept by parties.services.party_current_refresh whenever they change. It exists so the
    # directory's filters are index ranges in name order at a million parties, not a join
    # that sorts every match.
    current_kind = models.CharField(max_length=10, blank=True, default="", db_default="")
    current_stage = models.CharField(max_length=30, blank=True, default="", db_default="")
    current_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name_plural = "parties"
        indexes = [
            models.Index(fields=["sort_key", "id"], name="party_sort_key"),
            models.Index(fields=["current_kind", "sort_key", "id"], name="party_kind_sort"),
            models.Index(fields=["current_stage", "sort_key", "id"], name="party_stage_sort"),
            models.Index(fields=["current_owner", "sort_key", "id"], name="party_owner_sort"),
        ]

    def __str__(self) -> str:
        return self.display_name


class ContactPointKind(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    ADDRESS = "address", _("Address")


class ContactPoint(models.Model):
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="contact_points")
    kind = models.CharField(max_length=10, choices=ContactPointKind.choices)
    value = models.CharField(max_length=300)
    # Lower-cased value (emails) for exact and prefix search.
    normalized = models.CharField(max_length=300, db_index=True)
    label = models.CharField(max_length=40, blank=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["kind", "-is_primary", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "kind", "normalized"], name="uniq_contact_point"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.value}"


class MembershipRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    PAYER = "payer", _("Payer")
    USER = "user", _("User")
    INFLUENCER = "influencer", _("Influencer")
    EMPLOYEE = "employee", _("Employee")


class Membership(models.Model):
    """A person's place in an organisation (decision maker, payer, user, ...)."""

    person = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="members")
    role = models.CharField(max_length=20, choices=MembershipRole.choices)
    title = models.CharField(max_length=100, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "role"], name="uniq_membership"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} is {self.role} of {self.organisation_id}"


class RelationshipKind(models.TextChoices):
    CLIENT = "client", _("Client")
    CUSTOMER = "customer", _("Customer")


class AcquisitionChannel(models.TextChoices):
    NETWORKING = "networking", _("Networking")
    PARTNERSHIP = "partnership", _("Partnership")
    REFERRAL = "referral", _("Referral")
    CAMPAIGN = "campaign", _("Media campaign")
    SOCIAL_POST = "social_post", _("Social post")
    BLOG = "blog", _("Blog post")
    SEARCH_AD = "search_ad", _("Search ad")
    WORD_OF_MOUTH = "word_of_mouth", _("Word of mouth")
    WALK_IN = "walk_in", _("Walk-in")
    MARKETPLACE = "marketplace", _("Marketplace")
    WEBSITE = "website", _("Website")
    CONVERSION = "conversion", _("Converted from the other side")
    OTHER = "other", _("Other")


class RelationshipStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CONVERTED = "converted", _("Converted")
    ENDED = "ended", _("Ended")


class Relationship(PublicIdModel):
    PUBLIC_ID_PREFIX = "rel"

    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(max_length=10, choices=RelationshipKind.choices)
    acquisition_channel = models.CharField(
        max_length=20, choices=AcquisitionChannel.choices, default=AcquisitionChannel.OTHER
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_relationships",
    )
    status = models.CharField(
        max_length=10, choices=RelationshipStatus.choices, default=RelationshipStatus.ACTIVE
    )
    is_current = models.BooleanField(default=True)
    # Owned by the journeys app: changed only through journeys.services.
    stage = models.CharField(max_length=30)
    stage_entered_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    converted_from = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="converted_to"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["party"], condition=Q(is_current=True), name="one_current_relationship"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "stage"], name="rel_kind_stage"),
            models.Index(fields=["owner", "kind"], name="rel_owner_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} relationship with {self.party}"
