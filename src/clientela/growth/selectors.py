"""Reads for the classification: staff names while classifying, and the stored results
(the latest run, a party's classification, the mismatch list).

"Latest" always means the most recently finished succeeded run.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

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
