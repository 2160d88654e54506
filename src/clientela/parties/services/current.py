"""Keeps each party's copy of its current relationship (kind, stage, owner) in step."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from clientela.parties.models import Party, Relationship


def party_current_refresh(
    *, party_ids: Iterable[int] | None = None, id_range: tuple[int, int] | None = None
) -> int:
    """Copy the current relationship's kind, stage and owner onto the given parties (or the
    inclusive id range), in one set-based UPDATE; parties without one get "" and None.

    Called inside the transaction of every service that opens or converts a relationship,
    moves it on its journey or changes its owner, and by bulk loads per chunk, so the copy
    can never disagree with the relationship after a commit. Returns the rows updated."""
    current = Relationship.objects.filter(party_id=OuterRef("pk"), is_current=True)
    parties = Party.objects.all()
    if party_ids is not None:
        parties = parties.filter(pk__in=list(party_ids))
    if id_range is not None:
        parties = parties.filter(pk__gte=id_range[0], pk__lte=id_range[1])
    return parties.update(
        current_kind=Coalesce(Subquery(current.values("kind")[:1]), Value("")),
        current_stage=Coalesce(Subquery(current.values("stage")[:1]), Value("")),
        current_owner_id=Subquery(current.values("owner_id")[:1]),
    )
