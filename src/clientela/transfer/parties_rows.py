"""Parties CSV rows -> plans for `parties.services.party_create`.

A row matching an existing party (same external id, or one of its emails) is `unchanged`:
re-importing a file never duplicates anyone. A party exported without an external id
carries its public id there, so re-importing an export into the same database matches too.
"""

from __future__ import annotations

from dataclasses import dataclass

from clientela.core.errors import ApplicationError, validation_error
from clientela.transfer.csv_formats import CsvRow, parse_bool, parse_choice, parse_list
from clientela.transfer.report import Plan, Rejections, reason_of

_LOOKUP_CHUNK = 500


@dataclass
class PartyPlan:
    fields: dict  # keyword arguments for party_create
    existing: object | None = None  # the matching Party: outcome unchanged


def party_rows_plan(rows: list[CsvRow], rejections: Rejections, progress=None) -> list[Plan]:
    from clientela.parties.models import (
        AcquisitionChannel,
        PartyKind,
        RelationshipKind,
    )
    from clientela.parties.services import contact_normalize

    users = UserCache()
    parsed: list[tuple[CsvRow, dict, list[str]]] = []
    for index, row in enumerate(rows, start=1):
        try:
            fields, emails = _parse(
                row, users, contact_normalize, PartyKind, RelationshipKind, AcquisitionChannel
            )
        except ApplicationError as exc:
            rejections.add(row.line, reason_of(exc))
        else:
            parsed.append((row, fields, emails))
        if progress and index % 200 == 0:
            progress("Validating", index, len(rows))
    by_external, by_email = _existing(parsed)
    plans: list[Plan] = []
    external_lines: dict[str, int] = {}
    email_lines: dict[str, int] = {}
    for row, fields, emails in parsed:
        external_id = fields["external_id"]
        try:
            if external_id:
                if external_id in external_lines:
                    raise validation_error(
                        "external_id",
                        f"{external_id!r} also appears on line {external_lines[external_id]}",
                    )
                external_lines[external_id] = row.line
            for email in emails:
                if email in email_lines:
                    raise validation_error(
                        "email",
                        f"{email!r} also appears on line {email_lines[email]}; "
                        "two parties cannot share an email",
                    )
            for email in emails:
                email_lines[email] = row.line
            existing = by_external.get(external_id) if external_id else None
            if existing is None:
                existing = _match_by_email(emails, external_id, by_email)
        except ApplicationError as exc:
            rejections.add(row.line, reason_of(exc))
            continue
        plans.append(Plan(lines=[row.line], data=PartyPlan(fields=fields, existing=existing)))
    return plans


def party_plan_apply(plan: Plan, *, actor) -> str:
    from clientela.parties.services import party_create

    data: PartyPlan = plan.data
    if data.existing is not None:
        return "unchanged"
    party_create(actor=actor, **data.fields)
    return "created"


def _parse(row, users, contact_normalize, PartyKind, RelationshipKind, AcquisitionChannel):
    from clientela.journeys.definitions import journey_stages

    if row.extra_cells:
        raise validation_error("row", "has more cells than the header has columns")
    kind = parse_choice("kind", row.get("kind"), PartyKind.values, default=PartyKind.PERSON)
    given, family, organisation = (
        row.get("given_name"),
        row.get("family_name"),
        row.get("organisation_name"),
    )
    if kind == PartyKind.PERSON and not (given or family):
        raise validation_error("given_name", "a person needs a given_name or a family_name")
    if kind == PartyKind.ORGANISATION and not organisation:
        raise validation_error("organisation_name", "is required for an organisation")
    for column, value, limit in (
        ("given_name", given, 100),
        ("family_name", family, 100),
        ("organisation_name", organisation, 200),
        ("external_id", row.get("external_id"), 100),
        ("consent_source", row.get("consent_source"), 100),
    ):
        if len(value) > limit:
            raise validation_error(column, f"is longer than {limit} characters")
    emails = [contact_normalize("email", value) for value in parse_list(row.get("email"))]
    phones = parse_list(row.get("phone"))
    for value in phones:
        contact_normalize("phone", value)
    language = row.get("language").lower()
    if len(language) > 8 or (language and not language.replace("-", "").isalpha()):
        raise validation_error("language", f"{language!r} is not a language code such as en")
    tags = parse_list(row.get("tags"))
    for tag in tags:
        if len(tag) > 60:
            raise validation_error("tags", f"tag {tag[:20]!r}... is longer than 60 characters")
    consent = parse_bool("marketing_consent", row.get("marketing_consent"))
    relationship_kind = parse_choice(
        "relationship_kind", row.get("relationship_kind"), [*RelationshipKind.values, ""]
    )
    channel, owner, stage = row.get("acquisition_channel"), row.get("owner"), row.get("stage")
    if not relationship_kind:
        for column, value in (("acquisition_channel", channel), ("owner", owner), ("stage", stage)):
            if value:
                raise validation_error(column, "needs a relationship_kind (client or customer)")
    fields = {
        "kind": kind,
        "given_name": given,
        "family_name": family,
        "organisation_name": organisation,
        "language": language,
        "external_id": row.get("external_id") or None,
        "emails": emails,
        "phones": phones,
        "tags": tags,
        "marketing_consent": consent,
        "consent_source": (row.get("consent_source") or "import") if consent else "",
    }
    if relationship_kind:
        fields["relationship_kind"] = relationship_kind
        fields["acquisition_channel"] = parse_choice(
            "acquisition_channel", channel, AcquisitionChannel.values, default="other"
        )
        fields["owner"] = users.owner(owner) if owner else None
        fields["stage"] = parse_choice(
            "stage", stage, journey_stages(relationship_kind), default="awareness"
        )
    return fields, emails


def _existing(parsed) -> tuple[dict, dict]:
    from django.db.models import Q

    from clientela.parties.models import ContactPoint, Party

    external_ids = sorted({f["external_id"] for _, f, _ in parsed if f["external_id"]})
    emails = sorted({email for _, _, row_emails in parsed for email in row_emails})
    by_external: dict[str, Party] = {}
    for start in range(0, len(external_ids), _LOOKUP_CHUNK):
        chunk = external_ids[start : start + _LOOKUP_CHUNK]
        for party in Party.objects.filter(Q(external_id__in=chunk) | Q(public_id__in=chunk)):
            by_external[party.external_id or party.public_id] = party
            by_external[party.public_id] = party
    by_email: dict[str, Party] = {}
    for start in range(0, len(emails), _LOOKUP_CHUNK):
        chunk = emails[start : start + _LOOKUP_CHUNK]
        points = ContactPoint.objects.filter(kind="email", normalized__in=chunk).select_related(
            "party"
        )
        for point in points.order_by("id"):
            by_email.setdefault(point.normalized, point.party)
    return by_external, by_email


def _match_by_email(emails: list[str], external_id: str | None, by_email: dict):
    for email in emails:
        party = by_email.get(email)
        if party is None:
            continue
        if external_id and party.external_id and party.external_id != external_id:
            raise validation_error(
                "email",
                f"{email!r} already belongs to the party with external id {party.external_id!r}",
            )
        return party
    return None


class UserCache:
    """Usernames resolved once per import."""

    def __init__(self) -> None:
        self._users: dict[str, object | None] = {}

    def get(self, username: str):
        from clientela.accounts.models import User

        key = username.lower()
        if key not in self._users:
            self._users[key] = User.objects.filter(username__iexact=username).first()
        return self._users[key]

    def owner(self, username: str):
        user = self.get(username)
        if user is None:
            raise validation_error("owner", f"no user is named {username!r}")
        if not user.is_active or user.role not in {"account_manager", "manager", "admin"}:
            raise validation_error(
                "owner", f"{username!r} cannot own relationships (role {user.role})"
            )
        return user

    def staff(self, username: str):
        user = self.get(username)
        if user is None:
            raise validation_error("staff", f"no user is named {username!r}")
        return user
