"""Reading analysis results: the latest succeeded run, a party's score, dashboard charts.

"Latest" always means the most recently finished succeeded run: a run still working or one
that failed never hides the previous results.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Avg, Count, Q, Sum
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from clientela.analytics.models import AnalysisRun, PartyScore, RunStatus


def run_latest() -> AnalysisRun | None:
    """The newest succeeded run, or None before the first one."""
    return (
        AnalysisRun.objects.filter(status=RunStatus.SUCCEEDED)
        .order_by("-finished_at", "-id")
        .first()
    )


def party_score_latest(*, party_id: int) -> PartyScore | None:
    """The party's score in the newest succeeded run (with `run` loaded), or None when that
    run did not score it (no paid orders then) or no run has succeeded yet."""
    run = run_latest()
    if run is None:
        return None
    score = PartyScore.objects.filter(run=run, party_id=party_id).first()
    if score is not None:
        score.run = run
    return score


def party_ids_by_public_id(*, public_ids: list[str]) -> dict[str, int]:
    """{public id: internal id} for the parties that exist (one query)."""
    from clientela.parties.models import Party

    return dict(Party.objects.filter(public_id__in=public_ids).values_list("public_id", "id"))


@dataclass(frozen=True)
class DashboardCharts:
    run: AnalysisRun
    clv: str
    retention: str
    concentration: str


def dashboard_charts() -> DashboardCharts | None:
    """The three dashboard charts of the latest run as SVG text, or None before any run.

    Rendering takes a moment, so the SVGs are cached per run and language (a run's results
    never change, so the cache is never stale; a new run has a new key)."""
    run = run_latest()
    if run is None:
        return None
    language = translation.get_language() or "en"
    key = f"analytics:charts:{run.public_id}:{language}"
    svgs = cache.get(key)
    if svgs is None:
        from clientela.analytics.charts import charts_render

        svgs = charts_render(results=run.results, currency=run.parameters.get("currency", ""))
        cache.set(key, svgs, timeout=None)
    return DashboardCharts(run=run, **svgs)


@dataclass(frozen=True)
class KindSummary:
    kind: str
    parties: int
    repeat_buyers: int
    model: str  # "bgnbd + gamma-gamma", "bgnbd (own mean spend)" or "none"
    note: str  # why a model was not fitted ("" when all were)
    mean_p_alive: float | None
    total_clv: Decimal | None


def run_kind_summary(*, run: AnalysisRun) -> list[KindSummary]:
    """Per relationship kind in `run`: parties scored, repeat buyers, the model (or why
    none), mean P(alive) and total CLV (None where no model was fitted)."""
    rows = (
        PartyScore.objects.filter(run=run)
        .values("kind")
        .annotate(
            parties=Count("id"),
            repeat=Count("id", filter=Q(frequency__gt=0)),
            p_alive=Avg("p_alive"),
            clv=Sum("clv_12m"),
        )
        .order_by("kind")
    )
    summaries = []
    for row in rows:
        fit = run.fits.get(row["kind"], {})
        if "skipped" in fit:
            model, note = "none", fit["skipped"]
        else:
            model = run.parameters.get("model", "")
            model += " + gamma-gamma" if fit.get("spend") else " (own mean spend)"
            note = fit.get("spend_skipped", "")
        summaries.append(
            KindSummary(
                kind=row["kind"],
                parties=row["parties"],
                repeat_buyers=row["repeat"],
                model=model,
                note=note,
                mean_p_alive=row["p_alive"],
                total_clv=row["clv"],
            )
        )
    return summaries


SEGMENT_LABELS = {
    "champions": _("Champions"),
    "loyal": _("Loyal"),
    "potential loyalists": _("Potential loyalists"),
    "new": _("New"),
    "promising": _("Promising"),
    "need attention": _("Need attention"),
    "about to sleep": _("About to sleep"),
    "at risk": _("At risk"),
    "cannot lose": _("Cannot lose"),
    "hibernating": _("Hibernating"),
    "lost": _("Lost"),
}


def segment_label(segment: str) -> str:
    """The translated name of an RFM segment (an unknown name is shown as it is)."""
    return str(SEGMENT_LABELS.get(segment.replace("_", " ").lower(), segment))


def party_value_context(*, party_id: int) -> dict:
    """For the party page: `value` (the latest score, or None), `value_segment` (its
    translated segment) and `value_skipped` (why the run fitted no model for the party's
    kind, "" when it did)."""
    score = party_score_latest(party_id=party_id)
    if score is None:
        return {"value": None, "value_segment": "", "value_skipped": ""}
    skipped = score.run.fits.get(score.kind, {}).get("skipped", "")
    return {"value": score, "value_segment": segment_label(score.segment), "value_skipped": skipped}


def dashboard_value_context() -> dict:
    """For the dashboard: `charts` (DashboardCharts or None) and `concentration` (the latest
    run's revenue concentration rows per kind)."""
    charts = dashboard_charts()
    rows = charts.run.results.get("concentration", []) if charts is not None else []
    return {"charts": charts, "concentration": rows}


def scores_latest(*, kind: str = "", segment: str = ""):
    """(the newest succeeded run or None, its scores matching the filters as an unordered
    queryset with `party` loaded; empty before the first run)."""
    run = run_latest()
    if run is None:
        return None, PartyScore.objects.none()
    qs = PartyScore.objects.filter(run=run).select_related("party")
    if kind:
        qs = qs.filter(kind=kind)
    if segment:
        qs = qs.filter(segment=segment)
    return run, qs


def run_previous_values(*, run, rows, field: str) -> dict[str, str] | None:
    """{party public id: `field`} in the succeeded run that came before `run` (an analysis or
    a classification run; `rows` the manager of its per-party rows), or None when `run` is
    the first: what a run compares with to tell what changed."""
    previous = (
        type(run)
        .objects.filter(status=RunStatus.SUCCEEDED)
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-id")
        .first()
    )
    if previous is None:
        return None
    return dict(rows.filter(run=previous).values_list("party__public_id", field))
