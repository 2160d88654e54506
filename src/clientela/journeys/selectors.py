"""Journey reads: boards and history."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from clientela.journeys.definitions import journey_stages, stage_label
from clientela.journeys.models import JourneyTransition


@dataclass(frozen=True)
class BoardColumn:
    stage: str
    label: str
    count: int
    cards: list  # Relationship objects with party and owner loaded


def journey_board(
    *, kind: str, owner_id: int | None = None, per_column: int = 30
) -> list[BoardColumn]:
    """One column per stage of the `kind` journey: the total count and the most recently
    moved `per_column` current relationships (party and owner loaded)."""
    from clientela.parties.models import Relationship

    base = Relationship.objects.filter(kind=kind, is_current=True, status="active")
    if owner_id:
        base = base.filter(owner_id=owner_id)
    counts = dict(base.values_list("stage").annotate(n=Count("id")).values_list("stage", "n"))
    columns = []
    for stage in journey_stages(kind):
        cards = list(
            base.filter(stage=stage)
            .select_related("party", "owner")
            .order_by("-stage_entered_at", "-id")[:per_column]
        )
        columns.append(BoardColumn(stage, stage_label(stage), counts.get(stage, 0), cards))
    return columns


def journey_history(*, party_id: int) -> QuerySet[JourneyTransition]:
    """Every transition of every relationship the party ever had, oldest first."""
    return (
        JourneyTransition.objects.filter(relationship__party_id=party_id)
        .select_related("actor", "relationship")
        .order_by("at", "id")
    )


@dataclass(frozen=True)
class StageCount:
    stage: str
    label: str
    count: int


def journey_stage_counts() -> dict[str, list[StageCount]]:
    """For each journey kind ("client", "customer"): every stage in journey order with the
    number of current, active relationships in it (zero included), for the dashboard."""
    from clientela.parties.models import Relationship

    rows = (
        Relationship.objects.filter(is_current=True, status="active")
        .values("kind", "stage")
        .annotate(n=Count("id"))
        .values_list("kind", "stage", "n")
    )
    found = {(kind, stage): n for kind, stage, n in rows}
    return {
        kind: [StageCount(s, stage_label(s), found.get((kind, s), 0)) for s in journey_stages(kind)]
        for kind in ("client", "customer")
    }


def journey_transitions(*, relationship_id: int) -> QuerySet[JourneyTransition]:
    """The relationship's transitions, unordered, with the actor loaded."""
    return JourneyTransition.objects.filter(relationship_id=relationship_id).select_related("actor")
