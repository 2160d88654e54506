"""Client health: a score 0..100 per client with the reasons, from five components.

Each component is a number in [0, 1] (1 = healthy) or absent when there is no data for it;
the score is the weighted mean of the present components (an absent component's weight is
shared among the others in proportion, as the conversion radar does), times 100, rounded.
Bands: good >= 70, watch 40..69, at risk < 40. Weights (`WEIGHTS`):

- `punctuality` 0.30: `checkins.checkin_punctuality`, the share of the last year's
  check-in periods that had a staff interaction. Absent without a cadence (or before its
  first period ended).
- `reviews` 0.25: the latest answered review score / 10; with two or more reviews,
  0.7 * that + 0.3 * the trend, trend = clamp(0.5 + (latest - previous) / 10, 0, 1).
  Absent without an answered review.
- `issues` 0.20: open issues = late onboarding tasks + negative reviews (score <= 6,
  answered in the last `ISSUE_REVIEW_DAYS` days) not yet followed by a staff interaction on
  or after the day of the answer; component = 1 - min(issues, 4) / 4. Always present.
- `engagement` 0.15: person-to-person activities (call, email, meetings, chat, service
  call; staff and client, either direction) in the last 90 days (`today - 89 .. today`)
  against the 90 days before; component = min(1, recent / previous), 1 when there were
  none before but some now. Absent when both are zero. The trend is "falling" (the morning
  list) when previous >= `FALLING_MIN_PREVIOUS` and recent / previous < `FALLING_RATIO`.
- `renewal` 0.10: only when a contract renews within `renewal_warning_days`: 1 when
  there was a staff interaction in the last `RECENT_CONTACT_DAYS` days, else 0.

One query per component for all relationships together (never per client).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

WEIGHTS = {
    "punctuality": 0.30,
    "reviews": 0.25,
    "issues": 0.20,
    "engagement": 0.15,
    "renewal": 0.10,
}
GOOD, WATCH = 70, 40
ENGAGEMENT_DAYS = 90
FALLING_RATIO = 0.5
FALLING_MIN_PREVIOUS = 2
ISSUE_REVIEW_DAYS = 90
ISSUE_CAP = 4
RECENT_CONTACT_DAYS = 30


@dataclass(frozen=True)
class Engagement:
    recent: int
    previous: int

    @property
    def falling(self) -> bool:
        return self.previous >= FALLING_MIN_PREVIOUS and self.recent < FALLING_RATIO * self.previous


@dataclass(frozen=True)
class Health:
    score: int
    band: str  # "good" | "watch" | "at_risk"
    reasons: list[str]
    components: dict[str, float] = field(default_factory=dict)

    @property
    def band_label(self) -> str:
        return band_label(self.band)


def band_of(score: int) -> str:
    if score >= GOOD:
        return "good"
    if score >= WATCH:
        return "watch"
    return "at_risk"


def band_label(band: str) -> str:
    return {"good": _("Good"), "watch": _("Watch"), "at_risk": _("At risk")}[band]


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def _person_to_person():
    from clientela.activities.models import Activity, ActivityKind

    kinds = (
        ActivityKind.CALL,
        ActivityKind.EMAIL,
        ActivityKind.MEETING_VIRTUAL,
        ActivityKind.MEETING_IN_PERSON,
        ActivityKind.CHAT,
        ActivityKind.SERVICE_CALL,
    )
    return Activity.objects.filter(kind__in=kinds)


def _staff_interactions():
    from clientela.checkins.selectors import staff_interactions

    return staff_interactions()


def engagement_by_party(*, party_ids, today: date) -> dict[int, Engagement]:
    """Party id -> person-to-person activity counts in the last 90 days and the 90 before.
    One query."""
    recent_from = _day_start(today - timedelta(days=ENGAGEMENT_DAYS - 1))
    previous_from = _day_start(today - timedelta(days=2 * ENGAGEMENT_DAYS - 1))
    end = _day_start(today + timedelta(days=1))
    rows = (
        _person_to_person()
        .filter(party_id__in=list(party_ids), occurred_at__gte=previous_from, occurred_at__lt=end)
        .values("party_id")
        .annotate(
            recent=Count("id", filter=Q(occurred_at__gte=recent_from)),
            previous=Count("id", filter=Q(occurred_at__lt=recent_from)),
        )
    )
    return {r["party_id"]: Engagement(recent=r["recent"], previous=r["previous"]) for r in rows}


def last_staff_contact_by_party(*, party_ids, today: date) -> dict[int, date]:
    """Party id -> local date of the latest staff interaction up to `today`. One query."""
    end = _day_start(today + timedelta(days=1))
    rows = (
        _staff_interactions()
        .filter(party_id__in=list(party_ids), occurred_at__lt=end)
        .values("party_id")
        .annotate(last=Max("occurred_at"))
    )
    return {r["party_id"]: timezone.localtime(r["last"]).date() for r in rows}


def _relationships(relationship_ids) -> dict[int, dict]:
    from clientela.parties.models import Relationship

    return {
        r["id"]: r
        for r in Relationship.objects.filter(id__in=list(relationship_ids)).values(
            "id", "party_id", "owner_id"
        )
    }


def client_health(*, relationship_ids: list[int], today: date) -> dict[int, Health]:
    """Health per relationship id (every existing requested id is a key). See the module
    docstring for the components, weights and bands."""
    from clientela.checkins.selectors import checkin_punctuality
    from clientela.clientdesk.settings import desk_setting
    from clientela.contracts.selectors import contracts_renewing
    from clientela.onboarding.selectors import onboarding_tasks_late
    from clientela.reviews.selectors import review_scores, reviews_negative

    rels = _relationships(relationship_ids)
    if not rels:
        return {}
    ids = list(rels)
    party_of = {rid: r["party_id"] for rid, r in rels.items()}
    party_ids = set(party_of.values())

    punctuality = checkin_punctuality(relationship_ids=ids, today=today)
    scores = review_scores(relationship_ids=ids)
    last_contact = last_staff_contact_by_party(party_ids=party_ids, today=today)
    late: dict[int, int] = {}
    for task in onboarding_tasks_late(owner_id=None, today=today):
        if task.relationship_id in rels:
            late[task.relationship_id] = late.get(task.relationship_id, 0) + 1
    unanswered: dict[int, int] = {}
    since = today - timedelta(days=ISSUE_REVIEW_DAYS)
    for review in reviews_negative(owner_id=None, since=since):
        if review.relationship_id not in rels:
            continue
        contact = last_contact.get(party_of[review.relationship_id])
        if contact is None or contact < review.answered_on:
            unanswered[review.relationship_id] = unanswered.get(review.relationship_id, 0) + 1
    engagement = engagement_by_party(party_ids=party_ids, today=today)
    renewals: dict[int, date] = {}
    window = desk_setting("renewal_warning_days")
    for due in contracts_renewing(owner_id=None, today=today, within_days=window):
        if due.relationship_id in rels:
            soonest = renewals.get(due.relationship_id)
            renewals[due.relationship_id] = min(soonest or due.renewal_on, due.renewal_on)

    result = {}
    for rid in ids:
        party_id = party_of[rid]
        parts: list[tuple[str, float, str]] = []
        share = punctuality.get(rid)
        if share is not None:
            parts.append(
                (
                    "punctuality",
                    float(share),
                    _("Check-ins kept in %(percent)s%% of periods over the last year")
                    % {"percent": round(100 * share)},
                )
            )
        history = scores.get(rid) or []
        if history:
            latest = history[-1][1]
            value = latest / 10
            sentence = _("Latest review score %(score)s of 10") % {"score": f"{latest:g}"}
            if len(history) >= 2:
                previous = history[-2][1]
                trend = min(1.0, max(0.0, 0.5 + (latest - previous) / 10))
                value = 0.7 * value + 0.3 * trend
                if latest < previous:
                    sentence = _("Review score fell from %(before)s to %(after)s of 10") % {
                        "before": f"{previous:g}",
                        "after": f"{latest:g}",
                    }
                elif latest > previous:
                    sentence = _("Review score rose from %(before)s to %(after)s of 10") % {
                        "before": f"{previous:g}",
                        "after": f"{latest:g}",
                    }
            parts.append(("reviews", value, sentence))
        late_n, negative_n = late.get(rid, 0), unanswered.get(rid, 0)
        issues = late_n + negative_n
        parts.append(
            (
                "issues",
                1 - min(issues, ISSUE_CAP) / ISSUE_CAP,
                _(
                    "%(issues)s open issues: %(late)s late onboarding tasks, "
                    "%(negative)s negative reviews without a follow-up"
                )
                % {"issues": issues, "late": late_n, "negative": negative_n},
            )
        )
        trend = engagement.get(party_id)
        if trend is not None and (trend.recent or trend.previous):
            value = 1.0 if trend.previous == 0 else min(1.0, trend.recent / trend.previous)
            parts.append(
                (
                    "engagement",
                    value,
                    _("%(recent)s interactions in the last 90 days, %(previous)s in the 90 before")
                    % {"recent": trend.recent, "previous": trend.previous},
                )
            )
        if rid in renewals:
            contact = last_contact.get(party_id)
            recent = contact is not None and (today - contact).days < RECENT_CONTACT_DAYS
            renew_on = renewals[rid].isoformat()
            parts.append(
                (
                    "renewal",
                    1.0 if recent else 0.0,
                    (
                        _("Renewal on %(date)s, with a recent conversation")
                        if recent
                        else _("Renewal on %(date)s and no conversation in the last 30 days")
                    )
                    % {"date": renew_on},
                )
            )
        total = sum(WEIGHTS[name] for name, _v, _s in parts)
        score = round(100 * sum(WEIGHTS[name] * v for name, v, _s in parts) / total)
        ordered = sorted(parts, key=lambda p: (p[1], list(WEIGHTS).index(p[0])))
        result[rid] = Health(
            score=score,
            band=band_of(score),
            reasons=[sentence for _n, _v, sentence in ordered],
            components={name: round(v, 4) for name, v, _s in parts},
        )
    return result
