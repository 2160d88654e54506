"""Writes on parties, contact points, memberships and relationships.

Every function checks the actor's role (accounts.permissions), validates with full_clean,
writes inside one transaction, and records an audit event.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import (
    ApplicationError,
    ErrorCode,
    from_django_validation,
    validation_error,
)
from clientela.core.services import audit_record
from clientela.parties.models import (
    AcquisitionChannel,
    ContactPoint,
    ContactPointKind,
    Membership,
    Party,
    PartyKind,
    Relationship,
    RelationshipKind,
    RelationshipStatus,
    Tag,
)
from clientela.parties.text import fold


def party_names_fill(party: Party) -> None:
    """Derive display name and the search/sort keys from the name fields."""
    if party.kind == PartyKind.ORGANISATION:
        party.display_name = party.organisation_name.strip()
        party.family_key = fold(party.organisation_name)[:200]
    else:
        party.display_name = " ".join(
            part for part in (party.given_name.strip(), party.family_name.strip()) if part
        )
        party.family_key = fold(party.family_name)[:200]
    party.sort_key = fold(party.display_name)[:220]


def contact_normalize(kind: str, value: str) -> str:
    """Canonical form used for matching: emails lower-cased, phones digits and '+' only."""
    value = value.strip()
    if kind == ContactPointKind.EMAIL:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise validation_error("email", f"{value!r} is not a valid email address") from exc
        return value.lower()
    if kind == ContactPointKind.PHONE:
        digits = "".join(ch for ch in value if ch.isdigit() or ch == "+")
        if len(digits.replace("+", "")) < 5:
            raise validation_error("phone", f"{value!r} is not a valid phone number")
        return digits
    return fold(value)


def party_create(
    *,
    actor,
    kind: str = PartyKind.PERSON,
    given_name: str = "",
    family_name: str = "",
    organisation_name: str = "",
    language: str = "",
    external_id: str | None = None,
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    addresses: Iterable[str] = (),
    tags: Iterable[str] = (),
    marketing_consent: bool = False,
    consent_source: str = "",
    notes: str = "",
    relationship_kind: str | None = None,
    acquisition_channel: str = AcquisitionChannel.OTHER,
    owner=None,
    stage: str | None = None,
    at: datetime | None = None,
) -> Party:
    """Create a party with its contact points and tags, and (optionally) open its
    relationship. All or nothing: a bad email or a refused stage leaves no trace."""
    authorize(actor, Action.PARTY_CREATE)
    party = Party(
        kind=kind,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        organisation_name=organisation_name.strip(),
        language=language,
        external_id=external_id or None,
        marketing_consent=marketing_consent,
        consent_source=consent_source if marketing_consent else "",
        consent_at=(at or timezone.now()) if marketing_consent else None,
        notes=notes,
    )
    if at:
        party.created_at = party.updated_at = at
    _validate_names(party)
    party_names_fill(party)
    points = _contact_points(emails, phones, addresses)
    with transaction.atomic():
        _save_validated(party, exclude=["public_id"])
        for point_kind, value, normalized in points:
            ContactPoint.objects.create(
                party=party,
                kind=point_kind,
                value=value,
                normalized=normalized,
                is_primary=not ContactPoint.objects.filter(party=party, kind=point_kind).exists(),
            )
        if tags:
            party.tags.set(_tags(tags))
        audit_record(
            actor=actor, action="party.created", target=party, data={"name": party.display_name}
        )
        if relationship_kind:
            relationship_open(
                actor=actor,
                party=party,
                kind=relationship_kind,
                acquisition_channel=acquisition_channel,
                owner=owner,
                stage=stage,
                at=at,
            )
    return party


def party_update(*, actor, party: Party, **fields) -> Party:
    """Change name, language or notes fields; keys and display name follow."""
    authorize(actor, Action.PARTY_UPDATE, party=party)
    allowed = {"given_name", "family_name", "organisation_name", "language", "notes", "external_id"}
    unknown = set(fields) - allowed
    if unknown:
        raise validation_error(sorted(unknown)[0], "cannot be changed here")
    before = {name: getattr(party, name) for name in fields}
    for name, value in fields.items():
        setattr(party, name, value.strip() if isinstance(value, str) else value)
    _validate_names(party)
    party_names_fill(party)
    party.updated_at = timezone.now()
    with transaction.atomic():
        _save_validated(party)
        audit_record(
            actor=actor,
            action="party.updated",
            target=party,
            data={"before": before, "after": fields},
        )
    return party


def party_add_contact_point(
    *, actor, party: Party, kind: str, value: str, label: str = "", primary: bool = False
) -> ContactPoint:
    authorize(actor, Action.PARTY_UPDATE, party=party)
    if kind not in ContactPointKind.values:
        raise validation_error("kind", f"must be one of {', '.join(ContactPointKind.values)}")
    normalized = contact_normalize(kind, value)
    with transaction.atomic():
        if ContactPoint.objects.filter(party=party, kind=kind, normalized=normalized).exists():
            raise ApplicationError(
                ErrorCode.CONFLICT,
                f"{kind}: {value!r} is already recorded",
                {"fields": {kind: ["already recorded"]}},
            )
        first = not ContactPoint.objects.filter(party=party, kind=kind).exists()
        if primary and not first:
            ContactPoint.objects.filter(party=party, kind=kind).update(is_primary=False)
        point = ContactPoint.objects.create(
            party=party,
            kind=kind,
            value=value.strip(),
            normalized=normalized,
            label=label,
            is_primary=primary or first,
        )
        audit_record(
            actor=actor,
            action="party.contact_added",
            target=party,
            data={"kind": kind, "value": value},
        )
    return point


def party_set_tags(*, actor, party: Party, tags: Iterable[str]) -> Party:
    """Replace the party's tags (marketers may do this too)."""
    authorize(actor, Action.PARTY_TAG, party=party)
    with transaction.atomic():
        party.tags.set(_tags(tags))
        audit_record(
            actor=actor,
            action="party.tagged",
            target=party,
            data={"tags": sorted(t.name for t in party.tags.all())},
        )
    return party


def party_set_consent(
    *, actor, party: Party, consent: bool, source: str, at: datetime | None = None
) -> Party:
    """Record marketing consent (given or withdrawn) with its date and source."""
    authorize(actor, Action.PARTY_CONSENT, party=party)
    if not source.strip():
        raise validation_error("consent_source", "say where the consent (or withdrawal) came from")
    party.marketing_consent = consent
    party.consent_at = at or timezone.now()
    party.consent_source = source.strip()[:100]
    party.updated_at = timezone.now()
    with transaction.atomic():
        party.save(
            update_fields=["marketing_consent", "consent_at", "consent_source", "updated_at"]
        )
        audit_record(
            actor=actor,
            action="party.consent",
            target=party,
            data={"consent": consent, "source": party.consent_source},
        )
    return party


def membership_add(
    *, actor, person: Party, organisation: Party, role: str, title: str = ""
) -> Membership:
    authorize(actor, Action.PARTY_UPDATE, party=organisation)
    if person.kind != PartyKind.PERSON:
        raise validation_error("person", "must be a person")
    if organisation.kind != PartyKind.ORGANISATION:
        raise validation_error("organisation", "must be an organisation")
    membership = Membership(person=person, organisation=organisation, role=role, title=title)
    with transaction.atomic():
        _save_validated(membership)
        audit_record(
            actor=actor,
            action="party.member_added",
            target=organisation,
            data={"person": person.public_id, "role": role},
        )
    return membership


def relationship_open(
    *,
    actor,
    party: Party,
    kind: str,
    acquisition_channel: str = AcquisitionChannel.OTHER,
    owner=None,
    stage: str | None = None,
    at: datetime | None = None,
    reason: str = "",
    converted_from: Relationship | None = None,
) -> Relationship:
    """Open the party's current relationship and enter its journey (guards apply)."""
    from clientela.journeys.definitions import Stage
    from clientela.journeys.services import journey_enter

    authorize(actor, Action.RELATIONSHIP_CHANGE, party=party)
    if kind not in RelationshipKind.values:
        raise validation_error("kind", "must be client or customer")
    at = at or timezone.now()
    relationship = Relationship(
        party=party,
        kind=kind,
        acquisition_channel=acquisition_channel,
        owner=owner,
        started_at=at,
        created_at=at,
        converted_from=converted_from,
    )
    with transaction.atomic():
        if Relationship.objects.filter(party=party, is_current=True).exists():
            raise ApplicationError(
                ErrorCode.CONFLICT,
                f"{party} already has a current relationship; convert it instead.",
            )
        relationship.stage = stage or Stage.AWARENESS
        _save_validated(relationship, exclude=["public_id"])
        journey_enter(
            actor=actor, relationship=relationship, stage=relationship.stage, reason=reason, at=at
        )
        audit_record(
            actor=actor,
            action="relationship.opened",
            target=relationship,
            data={
                "kind": kind,
                "stage": relationship.stage,
                "owner": getattr(owner, "username", None),
            },
        )
    return relationship


def relationship_assign_owner(*, actor, relationship: Relationship, owner) -> Relationship:
    """Give the relationship an owner (account manager). Managers and admins assign anyone;
    an account manager may take a relationship they may change for themselves."""
    from clientela.accounts.permissions import is_allowed

    if not is_allowed(actor, Action.RELATIONSHIP_ASSIGN):
        authorize(actor, Action.RELATIONSHIP_CHANGE, party=relationship.party)
        if owner is None or owner.pk != actor.pk:
            authorize(actor, Action.RELATIONSHIP_ASSIGN)
    if owner is not None and (
        not owner.is_active or owner.role not in {"account_manager", "manager", "admin"}
    ):
        raise validation_error("owner", f"{owner} cannot own relationships (role {owner.role})")
    if owner is None and relationship.kind == RelationshipKind.CLIENT:
        from clientela.journeys.definitions import Stage, stage_index

        if stage_index("client", relationship.stage) >= stage_index("client", Stage.ONBOARDING):
            raise ApplicationError(
                ErrorCode.TRANSITION_REFUSED,
                "A client in onboarding or later must keep an account manager.",
                {"rule": "client.owner_required"},
            )
    before = relationship.owner
    relationship.owner = owner
    relationship.updated_at = timezone.now()
    with transaction.atomic():
        relationship.save(update_fields=["owner", "updated_at"])
        audit_record(
            actor=actor,
            action="relationship.owner_assigned",
            target=relationship,
            data={
                "from": getattr(before, "username", None),
                "to": getattr(owner, "username", None),
            },
        )
    return relationship


def relationship_convert(
    *,
    actor,
    relationship: Relationship,
    owner=None,
    stage: str | None = None,
    reason: str,
    at: datetime | None = None,
) -> Relationship:
    """Convert a customer into a client (or a client back into a customer).

    Guarantees: the old relationship is closed as `converted` but kept, with its journey,
    orders and timeline; the new relationship points back to it (`converted_from`) and enters
    its own journey at `stage` (consideration by default) through the guards; all in one
    transaction, so a refused stage leaves the old relationship current."""
    from clientela.journeys.definitions import Stage

    authorize(actor, Action.RELATIONSHIP_CHANGE, party=relationship.party)
    if not reason.strip():
        raise validation_error("reason", "say why the relationship is converted")
    if not relationship.is_current or relationship.status != RelationshipStatus.ACTIVE:
        raise ApplicationError(
            ErrorCode.CONFLICT, "Only the current, active relationship converts."
        )
    to_kind = (
        RelationshipKind.CLIENT
        if relationship.kind == RelationshipKind.CUSTOMER
        else RelationshipKind.CUSTOMER
    )
    at = at or timezone.now()
    with transaction.atomic():
        relationship.is_current = False
        relationship.status = RelationshipStatus.CONVERTED
        relationship.ended_at = at
        relationship.end_reason = reason.strip()[:300]
        relationship.updated_at = timezone.now()
        relationship.save(
            update_fields=["is_current", "status", "ended_at", "end_reason", "updated_at"]
        )
        new = relationship_open(
            actor=actor,
            party=relationship.party,
            kind=to_kind,
            acquisition_channel=AcquisitionChannel.CONVERSION,
            owner=owner,
            stage=stage or Stage.CONSIDERATION,
            at=at,
            reason=reason,
            converted_from=relationship,
        )
        audit_record(
            actor=actor,
            action="relationship.converted",
            target=relationship.party,
            data={
                "from": relationship.kind,
                "to": to_kind,
                "reason": reason,
                "old": relationship.public_id,
                "new": new.public_id,
            },
        )
    return new


def relationship_end(
    *, actor, relationship: Relationship, reason: str, at: datetime | None = None
) -> Relationship:
    """End the relationship (lost, churned). It stays current, so the party keeps its side."""
    authorize(actor, Action.RELATIONSHIP_CHANGE, party=relationship.party)
    if not reason.strip():
        raise validation_error("reason", "say why the relationship ends")
    relationship.status = RelationshipStatus.ENDED
    relationship.ended_at = at or timezone.now()
    relationship.end_reason = reason.strip()[:300]
    relationship.updated_at = timezone.now()
    with transaction.atomic():
        relationship.save(update_fields=["status", "ended_at", "end_reason", "updated_at"])
        audit_record(
            actor=actor, action="relationship.ended", target=relationship, data={"reason": reason}
        )
    return relationship


def _validate_names(party: Party) -> None:
    if party.kind not in PartyKind.values:
        raise validation_error("kind", "must be person or organisation")
    if party.kind == PartyKind.ORGANISATION and not party.organisation_name.strip():
        raise validation_error("organisation_name", "is required for an organisation")
    if party.kind == PartyKind.PERSON and not (
        party.given_name.strip() or party.family_name.strip()
    ):
        raise validation_error("given_name", "a person needs a given or family name")


def _contact_points(emails, phones, addresses) -> list[tuple[str, str, str]]:
    seen, points = set(), []
    for kind, values in (
        (ContactPointKind.EMAIL, emails),
        (ContactPointKind.PHONE, phones),
        (ContactPointKind.ADDRESS, addresses),
    ):
        for value in values:
            if not value or not value.strip():
                continue
            normalized = contact_normalize(kind, value)
            if (kind, normalized) not in seen:
                seen.add((kind, normalized))
                points.append((kind, value.strip(), normalized))
    return points


def _tags(names: Iterable[str]) -> list[Tag]:
    tags = []
    for name in {n.strip().lower() for n in names if n and n.strip()}:
        if len(name) > 60:
            raise validation_error("tags", f"tag {name[:20]!r}... is longer than 60 characters")
        tags.append(Tag.objects.get_or_create(name=name)[0])
    return tags


def _save_validated(instance, exclude: list[str] | None = None) -> None:
    try:
        instance.full_clean(exclude=exclude, validate_unique=True)
    except ValidationError as exc:
        raise from_django_validation(exc) from exc
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as exc:
        raise ApplicationError(
            ErrorCode.CONFLICT, f"Conflicts with an existing record: {exc}"
        ) from exc
