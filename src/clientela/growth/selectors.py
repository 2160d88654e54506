"""Reads for the classification: staff names while classifying, and the stored results
(the latest run, a party's classification, the mismatch list).

"Latest" always means the most recently finished succeeded run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from clientela.analytics.models import RunStatus
from clientela.core.errors import validation_error
from clientela.growth.models import Classification, ClassificationRun


def staff_names_by_id(*, ids: Iterable[int]) -> dict[int, str]:
    """Staff user id -> the name people know them by (full name, else username); ids of
    users that no longer exist are left out."""
    from clientela.accounts.models import User

    wanted = {int(i) for i in ids}
    if not wanted:
        return {}
    return {user.pk: str(user) for user in User.objects.filter(pk__in=wanted)}


MISMATCH_PAGE = 50
KINDS = ("client", "customer")


@dataclass(frozen=True)
class Reason:
    """One dimension's finding, in the active language."""

    dimension: str
    label: str
    score: float
    percent: int
    sentence: str


@dataclass(frozen=True)
class MismatchPage:
    """One page of the mismatch list: rows (Classification with `party` loaded and
    `top_reason`, a Reason), the page number and the neighbours (None at the ends)."""

    run: ClassificationRun | None
    rows: list
    number: int
    previous: int | None
    next: int | None


def classification_run_latest() -> ClassificationRun | None:
    """The newest succeeded classification run, or None before the first one: a run still
    working or one that failed never hides the previous results."""
    return (
        ClassificationRun.objects.filter(status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .first()
    )


def classification_latest(*, party_id: int) -> Classification | None:
    """The party's classification in the newest succeeded run (with `run` loaded), or None
    when that run did not classify it (no current relationship then) or none has run."""
    run = classification_run_latest()
    if run is None:
        return None
    found = Classification.objects.filter(run=run, party_id=party_id).first()
    if found is not None:
        found.run = run
    return found


def classification_reasons(*, classification: Classification) -> list[Reason]:
    """The stored explanation, strongest reason first, with each sentence written now from
    the stored measures, so it comes out in the active language."""
    from clientela.growth.classify import DIMENSION_LABELS, SENTENCES

    return [
        _reason(entry, classification.measures, DIMENSION_LABELS, SENTENCES)
        for entry in classification.explanation
    ]


def party_classification_context(*, party_id: int) -> dict:
    """For the party page: `behaviour` (the latest Classification, or None) and
    `behaviour_reasons` (its Reasons, [] without one)."""
    found = classification_latest(party_id=party_id)
    if found is None:
        return {"behaviour": None, "behaviour_reasons": []}
    return {"behaviour": found, "behaviour_reasons": classification_reasons(classification=found)}


def mismatch_page(*, kind: str | None = None, page: int = 1) -> MismatchPage:
    """The latest run's mismatches, most confident first (ties by party id), MISMATCH_PAGE
    per page, optionally only those recorded as `kind`. Raises a validation error for an
    unknown kind or a page below 1."""
    if kind not in (None, "", *KINDS):
        raise validation_error("kind", f"must be one of {', '.join(KINDS)}")
    if page < 1:
        raise validation_error("page", "must be 1 or more")
    run = classification_run_latest()
    if run is None:
        return MismatchPage(run=None, rows=[], number=1, previous=None, next=None)
    rows = Classification.objects.filter(run=run, mismatch=True).select_related("party")
    if kind:
        rows = rows.filter(kind=kind)
    start = (page - 1) * MISMATCH_PAGE
    found = list(rows.order_by("-confidence", "party_id")[start : start + MISMATCH_PAGE + 1])
    shown = found[:MISMATCH_PAGE]
    for row in shown:
        reasons = classification_reasons(classification=row)
        row.top_reason = reasons[0] if reasons else None
    return MismatchPage(
        run=run,
        rows=shown,
        number=page,
        previous=page - 1 if page > 1 else None,
        next=page + 1 if len(found) > MISMATCH_PAGE else None,
    )


def _reason(entry: dict, measures: dict, labels: dict, sentences: dict) -> Reason:
    dimension = entry["dimension"]
    score = float(entry["score"])
    row = {k: (math.nan if v is None and k == "gap_cv" else v) for k, v in measures.items()}
    return Reason(
        dimension=dimension,
        label=str(labels[dimension]),
        score=score,
        percent=int(round(100 * score)),
        sentence=sentences[dimension](row),
    )


RADAR_PAGE = 50


@dataclass(frozen=True)
class RadarPage:
    """One page of the radar: rows (Classification with `party` and its current owner
    loaded, plus `segment`, `segment_label`, `action_label` and `action_reason`), the run,
    its radar record, the filters' choices and the neighbouring pages (None at the ends)."""

    run: ClassificationRun | None
    rows: list
    number: int
    previous: int | None
    next: int | None
    segments: list[tuple[str, str]]
    start: int


def radar_page(
    *,
    segment: str | None = None,
    owner: str | None = None,
    min_score: float | None = None,
    page: int = 1,
) -> RadarPage:
    """The latest run's customers by readiness (highest first, ties by party id), RADAR_PAGE
    per page. Filters: `segment` (RFM segment in the latest analysis), `owner` (a username,
    or "none" for customers nobody owns yet), `min_score` (readiness in [0, 1]). Raises a
    validation error for a page below 1 or a score outside [0, 1]."""
    from clientela.analytics.models import PartyScore
    from clientela.analytics.selectors import run_latest, segment_label
    from clientela.growth.radar import COMPONENT_LABELS, COMPONENT_SHORT

    if page < 1:
        raise validation_error("page", "must be 1 or more")
    if min_score is not None and not 0.0 <= min_score <= 1.0:
        raise validation_error("min_score", _("must be between 0 and 1"))
    run = classification_run_latest()
    analysis = run_latest()
    segments = []
    if analysis is not None:
        names = (
            PartyScore.objects.filter(run=analysis, kind="customer")
            .values_list("segment", flat=True)
            .distinct()
            .order_by("segment")
        )
        segments = [(name, segment_label(name)) for name in names]
    if run is None:
        return RadarPage(None, [], 1, None, None, segments, 0)
    rows = _radar_filtered(run, segment=segment, owner=owner, min_score=min_score)
    start = (page - 1) * RADAR_PAGE
    found = list(rows.order_by("-radar_score", "party_id")[start : start + RADAR_PAGE + 1])
    shown = found[:RADAR_PAGE]
    pays = bool(run.radar.get("conversion_pays", True))
    for row in shown:
        _radar_row_explain(row, conversion_pays=pays)
        parts = row.radar.get("components", {})
        row.component_list = [
            (str(COMPONENT_SHORT[name]), str(label), int(round(100 * parts[name])))
            for name, label in COMPONENT_LABELS.items()
            if parts.get(name) is not None
        ]
    return RadarPage(
        run=run,
        rows=shown,
        number=page,
        previous=page - 1 if page > 1 else None,
        next=page + 1 if len(found) > RADAR_PAGE else None,
        segments=segments,
        start=start,
    )


def _radar_filtered(run, *, segment, owner, min_score):
    """The run's ranked customers (queryset, `party` and its owner loaded, `segment`
    annotated from the latest analysis) matching the radar's filters. A segment filter
    before any analysis matches nothing."""
    from django.db.models import OuterRef, Subquery

    from clientela.analytics.models import PartyScore
    from clientela.analytics.selectors import run_latest

    rows = Classification.objects.filter(run=run, radar_score__isnull=False).select_related(
        "party", "party__current_owner"
    )
    analysis = run_latest()
    if analysis is not None:
        scores = PartyScore.objects.filter(run=analysis, party=OuterRef("party"))
        rows = rows.annotate(segment=Subquery(scores.values("segment")[:1]))
    if segment:
        rows = rows.filter(segment=segment) if analysis is not None else rows.none()
    if owner == "none":
        rows = rows.filter(party__current_owner__isnull=True)
    elif owner:
        rows = rows.filter(party__current_owner__username=owner)
    if min_score is not None:
        rows = rows.filter(radar_score__gte=min_score)
    return rows


def radar_rows_export():
    """Every classified relationship of the latest run, for `clientela export scores`: an
    iterator of dicts (party public id, name, kind, behaves-like, confidence, the dimension
    scores, radar score and next action), ordered by party id, read in chunks."""
    from clientela.growth.classify import DIMENSIONS

    run = classification_run_latest()
    if run is None:
        return
    rows = (
        Classification.objects.filter(run=run)
        .select_related("party")
        .order_by("party_id")
        .only(
            "party__public_id",
            "party__display_name",
            "kind",
            "behaves_like",
            "confidence",
            "mismatch",
            "scores",
            "radar_score",
            "next_action",
            "total",
        )  # fmt: skip
    )
    for row in rows.iterator(chunk_size=5000):
        yield {
            "party_id": row.party.public_id,
            "name": row.party.display_name,
            "kind": row.kind,
            "behaves_like": row.behaves_like,
            "confidence": round(row.confidence, 4),
            "mismatch": row.mismatch,
            "total": round(row.total, 4),
            **{f"score_{d}": round(float(row.scores.get(d, 0.0)), 4) for d in DIMENSIONS},
            "radar_score": "" if row.radar_score is None else round(row.radar_score, 4),
            "next_action": row.next_action,
        }


def classifications_latest(*, kind: str = "", behaves_like: str = "", mismatch: bool | None = None):
    """(the newest succeeded classification run or None, its rows matching the filters as
    an unordered queryset with `party` loaded; empty before the first run)."""
    run = classification_run_latest()
    if run is None:
        return None, Classification.objects.none()
    qs = Classification.objects.filter(run=run).select_related("party")
    if kind:
        qs = qs.filter(kind=kind)
    if behaves_like:
        qs = qs.filter(behaves_like=behaves_like)
    if mismatch is not None:
        qs = qs.filter(mismatch=mismatch)
    return run, qs


@dataclass(frozen=True)
class RadarRows:
    """A keyset slice of the radar: `rows` as in `RadarPage` (Classification with `party`,
    its current owner, `segment`, `segment_label`, `readiness`, `action_label`,
    `action_reason` loaded), the run (None before the first one) and `more` (rows follow
    the last one)."""

    run: ClassificationRun | None
    rows: list
    more: bool


def radar_rows(
    *,
    segment: str | None = None,
    owner: str | None = None,
    min_score: float | None = None,
    after: tuple[float, int] | None = None,
    size: int = RADAR_PAGE,
) -> RadarRows:
    """The latest run's customers in radar order (radar score highest first, ties by party
    id), `size` (1 to 200) of them strictly after the position `after` = (radar score,
    party id) of the last row already read. The same filters as `radar_page`; keyset, not
    offset, so a deep slice costs one index range and is the API's cursor pagination.
    Raises a validation error for a size or score out of range."""
    from django.db.models import Q
    from django.utils.translation import gettext as _

    if not 1 <= size <= 200:
        raise validation_error("size", _("must be between 1 and 200"))
    if min_score is not None and not 0.0 <= min_score <= 1.0:
        raise validation_error("min_score", _("must be between 0 and 1"))
    run = classification_run_latest()
    if run is None:
        return RadarRows(run=None, rows=[], more=False)
    rows = _radar_filtered(run, segment=segment, owner=owner, min_score=min_score)
    if after is not None:
        score, party_id = after
        rows = rows.filter(radar_score__lte=score).filter(
            Q(radar_score__lt=score) | Q(radar_score=score, party_id__gt=party_id)
        )
    found = list(rows.order_by("-radar_score", "party_id")[: size + 1])
    shown = found[:size]
    pays = bool(run.radar.get("conversion_pays", True))
    for row in shown:
        _radar_row_explain(row, conversion_pays=pays)
    return RadarRows(run=run, rows=shown, more=len(found) > size)


def _radar_row_explain(row: Classification, *, conversion_pays: bool) -> None:
    """Add what the radar shows of a row: segment and its label, the transparent
    readiness, the action's label and its reason in the active language."""
    from clientela.analytics.selectors import segment_label
    from clientela.growth.actions import LEVER_LABELS, action_reason

    row.segment = getattr(row, "segment", None) or ""
    row.segment_label = segment_label(row.segment) if row.segment else ""
    radar = {"score": row.radar.get("default", row.radar_score)}
    row.readiness = radar["score"]
    row.action_label = str(LEVER_LABELS.get(row.next_action, row.next_action))
    row.action_reason = (
        action_reason(row.next_action, row.measures, radar, conversion_pays=conversion_pays)
        if row.next_action
        else ""
    )
