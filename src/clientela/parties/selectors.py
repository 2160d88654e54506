"""Reads on parties: the directory (keyset pagination), a party's page data, lookups."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.parties.models import ContactPoint, Party, Relationship
from clientela.parties.text import fold, prefix_upper_bound


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    kind: str = ""  # client | customer | none (no relationship yet)
    stage: str = ""
    owner_id: int | None = None
    tag: str = ""


@dataclass(frozen=True)
class DirectoryPage:
    rows: list[Party]  # each with `current` (Relationship or None) and `primary_email`
    next_cursor: str | None


def directory_page(
    *, filters: DirectoryFilters, cursor: str | None = None, size: int = 50
) -> DirectoryPage:
    """One page of the directory, sorted by name then id.

    Keyset pagination: the cursor holds the last row's (sort_key, id), so every page costs
    the same index range scan however deep it is (no OFFSET), at a million parties too."""
    qs = _filtered(filters)
    if cursor:
        key, last_id = _decode_cursor(cursor)
        # The redundant `sort_key >= key` gives the planner an index range to start from;
        # without it SQLite scans the index from the first row (as slow as OFFSET).
        qs = qs.filter(sort_key__gte=key).filter(Q(sort_key__gt=key) | Q(id__gt=last_id))
    rows = list(qs.order_by("sort_key", "id")[: size + 1])
    has_more = len(rows) > size
    rows = rows[:size]
    _attach_current_and_email(rows)
    next_cursor = _encode_cursor(rows[-1].sort_key, rows[-1].id) if has_more and rows else None
    return DirectoryPage(rows=rows, next_cursor=next_cursor)


def _filtered(filters: DirectoryFilters) -> QuerySet[Party]:
    qs = Party.objects.all()
    if filters.q.strip():
        qs = qs.filter(_search(filters.q))
    # The party's copy of its current relationship (kept by party_current_refresh) makes
    # each filter an index range already in name order.
    if filters.kind == "none":
        qs = qs.filter(current_kind="")
    elif filters.kind:
        qs = qs.filter(current_kind=filters.kind)
    if filters.stage:
        qs = qs.filter(current_stage=filters.stage)
    if filters.owner_id:
        qs = qs.filter(current_owner_id=filters.owner_id)
    if filters.tag:
        qs = qs.filter(tags__name=filters.tag.strip().lower())
    return qs


def _search(q: str) -> Q:
    """Name prefix, family-name prefix or email prefix, accent- and case-insensitive.

    Each prefix is an index range [term, bound) plus the equivalent `startswith`: the range
    keeps the index scan, the `startswith` keeps the result exact whatever collation the
    column has (the key columns use the "C" collation on PostgreSQL, see migration 0002)."""
    term = fold(q)
    email = q.strip().lower()
    found = Q(pk__in=[])
    if term:
        bound = prefix_upper_bound(term)
        found |= Q(sort_key__gte=term, sort_key__lt=bound, sort_key__startswith=term)
        found |= Q(family_key__gte=term, family_key__lt=bound, family_key__startswith=term)
    if email:
        email_parties = ContactPoint.objects.filter(
            kind="email",
            normalized__gte=email,
            normalized__lt=prefix_upper_bound(email),
            normalized__startswith=email,
        ).values("party_id")
        found |= Q(id__in=email_parties)
    return found


def _attach_current_and_email(rows: list[Party]) -> None:
    ids = [p.id for p in rows]
    current = {
        r.party_id: r
        for r in Relationship.objects.filter(party_id__in=ids, is_current=True).select_related(
            "owner"
        )
    }
    emails: dict[int, str] = {}
    for party_id, value in (
        ContactPoint.objects.filter(party_id__in=ids, kind="email")
        .order_by("party_id", "-is_primary", "id")
        .values_list("party_id", "value")
    ):
        emails.setdefault(party_id, value)
    for party in rows:
        party.current = current.get(party.id)
        party.primary_email = emails.get(party.id, "")


def _encode_cursor(key: str, last_id: int) -> str:
    raw = json.dumps([key, last_id], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[str, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        key, last_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if not isinstance(key, str) or not isinstance(last_id, int):
            raise ValueError
        return key, last_id
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise validation_error("cursor", _("is not a cursor this directory produced")) from exc


def party_get(*, public_id: str) -> Party:
    """The party with contact points, tags and memberships loaded; NOT_FOUND otherwise."""
    try:
        return Party.objects.prefetch_related(
            "tags",
            "contact_points",
            Prefetch("memberships", queryset=_membership_qs("organisation")),
            Prefetch("members", queryset=_membership_qs("person")),
        ).get(public_id=public_id)
    except Party.DoesNotExist as exc:
        raise ApplicationError(
            ErrorCode.NOT_FOUND, _("No such party."), {"public_id": public_id}
        ) from exc


# The columns of a party that its representation shows.
PARTY_SHOWN = (
    "id",
    "public_id",
    "kind",
    "display_name",
    "given_name",
    "family_name",
    "organisation_name",
    "language",
    "external_id",
    "notes",
    "marketing_consent",
    "consent_at",
    "consent_source",
    "created_at",
    "updated_at",
)


def party_values_get(*, public_id: str) -> dict:
    """What `party_get` and `relationship_current` load, as plain values: the party's shown
    columns, `tags` (names), `contact_points` (kind, value, label, is_primary, in the
    model's order), `memberships` (both ways: each with the person's and the
    organisation's public id and display name, role, title) and `current` (public id,
    kind, stage, status and owner username of the current relationship, or None).
    NOT_FOUND otherwise. Five small queries and no model instances: this is the API's
    party read, its most frequent call."""
    from clientela.parties.models import Membership, Tag

    values = Party.objects.filter(public_id=public_id).values(*PARTY_SHOWN).first()
    if values is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such party."), {"public_id": public_id})
    pk = values["id"]
    values["tags"] = list(Tag.objects.filter(parties=pk).values_list("name", flat=True))
    values["contact_points"] = list(
        ContactPoint.objects.filter(party_id=pk).values("kind", "value", "label", "is_primary")
    )
    values["memberships"] = list(
        Membership.objects.filter(Q(person_id=pk) | Q(organisation_id=pk)).values(
            "person__public_id",
            "person__display_name",
            "organisation__public_id",
            "organisation__display_name",
            "role",
            "title",
        )
    )
    values["current"] = (
        Relationship.objects.filter(party_id=pk, is_current=True)
        .values("public_id", "kind", "stage", "status", "owner__username")
        .first()
    )
    return values


def _membership_qs(related: str):
    from clientela.parties.models import Membership

    return Membership.objects.select_related(related)


def party_relationships(*, party: Party) -> list[Relationship]:
    """Every relationship the party ever had, current first then newest, owner loaded."""
    return list(
        Relationship.objects.filter(party=party)
        .select_related("owner", "converted_from")
        .order_by("-is_current", "-started_at", "-id")
    )


def relationship_current(*, party: Party) -> Relationship | None:
    return Relationship.objects.filter(party=party, is_current=True).select_related("owner").first()


def relationship_get(*, public_id: str) -> Relationship:
    try:
        return Relationship.objects.select_related("party", "owner").get(public_id=public_id)
    except Relationship.DoesNotExist as exc:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such relationship.")) from exc


def party_find_by_email(*, email: str) -> Party | None:
    point = (
        ContactPoint.objects.filter(kind="email", normalized=email.strip().lower())
        .select_related("party")
        .order_by("id")
        .first()
    )
    return point.party if point else None


def parties_filtered(*, filters: DirectoryFilters) -> QuerySet[Party]:
    """The directory's filters as an unordered queryset, for callers that page it in another
    order than the name (the API's `order_by=created_at`)."""
    return _filtered(filters)


def party_details_load(*, parties: list[Party]) -> list[Party]:
    """Load onto already-fetched parties what `party_get` loads (tags, contact points,
    memberships both ways) and `current` (the current relationship with its owner, or
    None), in a fixed number of queries however many parties there are."""
    from django.db.models import prefetch_related_objects

    prefetch_related_objects(
        parties,
        "tags",
        "contact_points",
        Prefetch("memberships", queryset=_membership_qs("organisation")),
        Prefetch("members", queryset=_membership_qs("person")),
    )
    current = {
        r.party_id: r
        for r in Relationship.objects.filter(
            party_id__in=[p.id for p in parties], is_current=True
        ).select_related("owner")
    }
    for party in parties:
        party.current = current.get(party.id)
    return parties


def relationships_filtered(
    *,
    party_id: int | None = None,
    kind: str = "",
    status: str = "",
    stage: str = "",
    owner_id: int | None = None,
    current: bool | None = None,
) -> QuerySet[Relationship]:
    """Relationships matching every filter given, unordered, with party, owner and
    `converted_from` loaded."""
    qs = Relationship.objects.select_related("party", "owner", "converted_from")
    if party_id is not None:
        qs = qs.filter(party_id=party_id)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    if stage:
        qs = qs.filter(stage=stage)
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    if current is not None:
        qs = qs.filter(is_current=current)
    return qs
