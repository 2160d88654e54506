"""Writes on parties, contact points, memberships and tags.

Every function checks the actor's role (accounts.permissions), validates with full_clean,
writes inside one transaction, and records an audit event.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import (
    ApplicationError,
    ErrorCode,
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
    Tag,
)
from clientela.parties.services._common import require_aware, save_validated
from clientela.parties.services.relationships import relationship_open
from clientela.parties.text import fold
from clientela.webhooks import events as webhook_events


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
    """Canonical form used for matching: emails lower-cased; phones as their digits, with a
    leading '+' kept ('+48 600-100-200' -> '+48600100200'); addresses folded."""
    value = (value or "").strip()
    if not value:
        raise validation_error(kind if kind in ContactPointKind.values else "value", _("is empty"))
    if kind == ContactPointKind.EMAIL:
        try:
            validate_email(value)
        except ValidationError as exc:
            raise validation_error(
                "email", _("%(value)s is not a valid email address") % {"value": repr(value)}
            ) from exc
        return value.lower()
    if kind == ContactPointKind.PHONE:
        digits = "".join(str(unicodedata.decimal(ch)) for ch in value if ch.isdecimal())
        if len(digits) < 5:
            raise validation_error(
                "phone", _("%(value)s is not a valid phone number") % {"value": repr(value)}
            )
        return ("+" if value.startswith("+") else "") + digits
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
    require_aware("at", at)
    party = Party(
        kind=kind,
        given_name=given_name.strip(),
        family_name=family_name.strip(),
        organisation_name=organisation_name.strip(),
        language=language,
        external_id=(external_id or "").strip() or None,
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
        save_validated(party, exclude=["public_id"])
        primary_done = set()
        for point_kind, value, normalized in points:
            save_validated(
                ContactPoint(
                    party=party,
                    kind=point_kind,
                    value=value,
                    normalized=normalized,
                    is_primary=point_kind not in primary_done,
                )
            )
            primary_done.add(point_kind)
        if tags:
            party.tags.set(_tags(tags))
        audit_record(
            actor=actor, action="party.created", target=party, data={"name": party.display_name}
        )
        webhook_events.emit_party_created(party=party)
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
    """Change name, language, notes or external id; display name and keys follow.

    Only the named fields (and the derived name keys) are written, so a concurrent change to
    consent or tags is not overwritten; on a refusal the `party` object is left as it was."""
    authorize(actor, Action.PARTY_UPDATE, party=party)
    allowed = {"given_name", "family_name", "organisation_name", "language", "notes", "external_id"}
    unknown = set(fields) - allowed
    if unknown:
        raise validation_error(sorted(unknown)[0], _("cannot be changed here"))
    cleaned: dict[str, str | None] = {}
    for name, value in fields.items():
        if name == "external_id" and value is None:
            cleaned[name] = None
            continue
        if not isinstance(value, str):
            raise validation_error(name, _("must be text"))
        cleaned[name] = value.strip() or (None if name == "external_id" else "")
    written = [*cleaned, "display_name", "sort_key", "family_key", "updated_at"]
    kept = {name: getattr(party, name) for name in written}
    before = {name: kept[name] for name in cleaned}
    try:
        for name, value in cleaned.items():
            setattr(party, name, value)
        _validate_names(party)
        party_names_fill(party)
        party.updated_at = timezone.now()
        with transaction.atomic():
            save_validated(party, update_fields=written)
            audit_record(
                actor=actor,
                action="party.updated",
                target=party,
                data={"before": before, "after": cleaned},
            )
            webhook_events.emit_party_updated(party=party, changed=cleaned)
    except Exception:
        for name, value in kept.items():
            setattr(party, name, value)
        raise
    return party


def party_add_contact_point(
    *, actor, party: Party, kind: str, value: str, label: str = "", primary: bool = False
) -> ContactPoint:
    authorize(actor, Action.PARTY_UPDATE, party=party)
    if kind not in ContactPointKind.values:
        raise validation_error(
            "kind",
            _("must be one of %(choices)s") % {"choices": ", ".join(ContactPointKind.values)},
        )
    normalized = contact_normalize(kind, value)
    point = ContactPoint(
        party=party, kind=kind, value=value.strip(), normalized=normalized, label=label.strip()
    )
    with transaction.atomic():
        if ContactPoint.objects.filter(party=party, kind=kind, normalized=normalized).exists():
            problem = _("%(value)s is already recorded") % {"value": repr(value)}
            raise ApplicationError(
                ErrorCode.CONFLICT,
                f"{kind}: {problem}",
                {"fields": {kind: [_("already recorded")]}},
            )
        first = not ContactPoint.objects.filter(party=party, kind=kind).exists()
        if primary and not first:
            ContactPoint.objects.filter(party=party, kind=kind).update(is_primary=False)
        point.is_primary = primary or first
        save_validated(point)
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
    require_aware("at", at)
    if not source.strip():
        raise validation_error(
            "consent_source", _("say where the consent (or withdrawal) came from")
        )
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
    authorize(actor, Action.PARTY_UPDATE, party=person)
    if person.kind != PartyKind.PERSON:
        raise validation_error("person", _("must be a person"))
    if organisation.kind != PartyKind.ORGANISATION:
        raise validation_error("organisation", _("must be an organisation"))
    membership = Membership(person=person, organisation=organisation, role=role, title=title)
    with transaction.atomic():
        save_validated(membership)
        audit_record(
            actor=actor,
            action="party.member_added",
            target=organisation,
            data={"person": person.public_id, "role": role},
        )
    return membership


def _validate_names(party: Party) -> None:
    if party.kind not in PartyKind.values:
        raise validation_error("kind", _("must be person or organisation"))
    if party.kind == PartyKind.ORGANISATION and not party.organisation_name.strip():
        raise validation_error("organisation_name", _("is required for an organisation"))
    if party.kind == PartyKind.PERSON and not (
        party.given_name.strip() or party.family_name.strip()
    ):
        raise validation_error("given_name", _("a person needs a given or family name"))


def _contact_points(emails, phones, addresses) -> list[tuple[str, str, str]]:
    seen, points = set(), []
    for kind, values, field in (
        (ContactPointKind.EMAIL, emails, "emails"),
        (ContactPointKind.PHONE, phones, "phones"),
        (ContactPointKind.ADDRESS, addresses, "addresses"),
    ):
        if isinstance(values, str):
            raise validation_error(field, _("must be a list, not one string"))
        for value in values:
            if not value or not value.strip():
                continue
            normalized = contact_normalize(kind, value)
            if (kind, normalized) not in seen:
                seen.add((kind, normalized))
                points.append((kind, value.strip(), normalized))
    return points


def _tags(names: Iterable[str]) -> list[Tag]:
    if isinstance(names, str):
        raise validation_error("tags", _("must be a list of tag names, not one string"))
    tags = []
    for name in {n.strip().lower() for n in names if n and n.strip()}:
        if len(name) > 60:
            raise validation_error(
                "tags",
                _("tag %(tag)s... is longer than 60 characters") % {"tag": repr(name[:20])},
            )
        tags.append(Tag.objects.get_or_create(name=name)[0])
    return tags
