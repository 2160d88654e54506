"""Performance reviews: writes.

Guarantees shared by every function here: rights are checked first (RELATIONSHIP_CHANGE on the
client, or being one of its backups), every write happens in one transaction with an audit
event, and the notifications are sent inside that transaction through
`notifications.services.notification_send`, whose deterministic keys make a repeated call
send nothing more and whose emails leave only after the commit.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.core.services import audit_record
from clientela.reviews.models import Review, ReviewOrigin, ReviewSchedule, ReviewStatus

EVERY_MONTHS_RANGE = (1, 24)
NOTES_MAX = 10000


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def next_due_after(*, due_on: dt.date, every_months: int, today: dt.date) -> dt.date:
    """The first date of the rhythm (due_on + k * every_months, k >= 1) after `today`, so a
    sweep that ran late does not send a burst of overdue reviews."""
    k = 1
    following = add_months(due_on, every_months)
    while following <= today:
        k += 1
        following = add_months(due_on, every_months * k)
    return following


def _utc_today(now: dt.datetime) -> dt.date:
    return now.astimezone(dt.UTC).date()


def review_may_change(actor, relationship) -> bool:
    """Account managers on their own clients (or as a backup), managers and admins."""
    from clientela.accounts.permissions import Action, is_allowed

    if is_allowed(actor, Action.RELATIONSHIP_CHANGE, party=relationship.party):
        return True
    if actor is None or getattr(actor, "role", None) != "account_manager" or not actor.is_active:
        return False
    try:
        from clientela.clientdesk.selectors import relationship_backup_ids
    except ImportError:  # the client desk's backups are not installed yet
        return False
    return actor.pk in relationship_backup_ids(relationship_id=relationship.pk)


def _authorize(actor, relationship) -> None:
    from clientela.accounts.permissions import Action, authorize

    if not review_may_change(actor, relationship):
        authorize(actor, Action.RELATIONSHIP_CHANGE, party=relationship.party)
        raise ApplicationError(ErrorCode.PERMISSION_DENIED, _("You may not change this client."))


def _require_client(relationship) -> None:
    if relationship.kind != "client" or not relationship.is_current:
        raise ApplicationError(
            ErrorCode.CONFLICT, _("Performance reviews are for current client relationships.")
        )


def _check_every_months(value) -> int:
    low, high = EVERY_MONTHS_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise validation_error(
            "every_months", _("must be between %(low)d and %(high)d") % {"low": low, "high": high}
        )
    return value


# --- schedules ---------------------------------------------------------------------------


def review_schedule_ensure(*, relationship, at: dt.datetime, actor=None) -> ReviewSchedule:
    """The relationship's schedule, creating the default one (today + the desk setting
    `review_every_months`) when it has none. Never changes an existing schedule."""
    from clientela.clientdesk.settings import desk_setting

    existing = ReviewSchedule.objects.filter(relationship=relationship).first()
    if existing is not None:
        return existing
    every = int(desk_setting("review_every_months"))
    with transaction.atomic():
        schedule, made = ReviewSchedule.objects.get_or_create(
            relationship=relationship,
            defaults={"every_months": every, "next_due_on": add_months(_utc_today(at), every)},
        )
        if made:
            audit_record(
                actor=actor,
                action="review.schedule_created",
                target=relationship,
                data={"every_months": every, "next_due_on": schedule.next_due_on},
            )
    return schedule


def review_schedule_set(
    *,
    actor,
    relationship,
    every_months: int,
    next_due_on: dt.date | None = None,
    active: bool = True,
    today: dt.date | None = None,
) -> ReviewSchedule:
    """Create or replace a client's schedule. Without `next_due_on` an existing schedule keeps
    its date and a new one starts at today + every_months. A date in the past is refused."""
    _authorize(actor, relationship)
    _require_client(relationship)
    every_months = _check_every_months(every_months)
    today = today or _utc_today(timezone.now())
    if next_due_on is not None and next_due_on < today:
        raise validation_error("next_due_on", _("must not be in the past"))
    with transaction.atomic():
        schedule = ReviewSchedule.objects.select_for_update().filter(relationship=relationship)
        schedule = schedule.first() or ReviewSchedule(relationship=relationship)
        schedule.every_months = every_months
        schedule.next_due_on = (
            next_due_on or schedule.next_due_on or add_months(today, every_months)
        )
        schedule.active = bool(active)
        schedule.updated_at = timezone.now()
        schedule.full_clean()
        schedule.save()
        audit_record(
            actor=actor,
            action="review.schedule_set",
            target=relationship,
            data={
                "every_months": every_months,
                "next_due_on": schedule.next_due_on,
                "active": active,
            },
        )
    return schedule


# --- sending -----------------------------------------------------------------------------


def _client_email(party) -> str:
    from clientela.parties.models import ContactPoint

    return (
        ContactPoint.objects.filter(party=party, kind="email")
        .order_by("-is_primary", "id")
        .values_list("value", flat=True)
        .first()
        or ""
    )


def _notify_sent(review: Review) -> int:
    """Email the link to the client (when it has an address) and tell the account manager
    in-app. Returns the number of notifications newly created."""
    from django.urls import reverse

    from clientela.core.selectors import business_get
    from clientela.notifications.services import notification_send
    from clientela.reviews.links import review_link

    relationship = review.relationship
    party = relationship.party
    link = review_link(public_id=review.public_id, sent_at=review.sent_at)
    business = business_get().name
    sent = 0
    if review.sent_to:
        from clientela.clientdesk.settings import desk_setting

        notification_send(
            key=f"review-sent:{review.public_id}",
            kind="review_sent",
            subject=_("%(business)s would like your opinion") % {"business": business},
            body=_(
                "Hello %(name)s,\n\nHow are we doing? Please answer five short questions "
                "about our work together; it takes two minutes:\n\n%(link)s\n\n"
                "The link is valid for %(days)d days.\n\nThank you,\n%(business)s"
            )
            % {
                "name": party.display_name,
                "link": link,
                "days": int(desk_setting("booking_link_days")),
                "business": business,
            },
            email=review.sent_to,
            link=link,
        )
        sent += 1
    if relationship.owner_id:
        if review.sent_to:
            body = _("The review questionnaire was emailed to %(email)s.") % {
                "email": review.sent_to
            }
        else:
            body = _(
                "%(name)s has no email address: send them the questionnaire link from the "
                "review page."
            ) % {"name": party.display_name}
        notification_send(
            key=f"review-sent-owner:{review.public_id}",
            kind="review_sent",
            subject=_("Review sent to %(name)s") % {"name": party.display_name},
            body=body,
            user=relationship.owner,
            link=reverse("reviews:detail", args=[review.public_id]),
        )
        sent += 1
    return sent


def review_send(*, actor, relationship, now: dt.datetime | None = None) -> Review:
    """Send a review now (the "send review now" button and POST /api/v1/reviews).

    Refused (CONFLICT) while another review of this client waits for an answer. The schedule,
    if any, restarts from today: the next review falls `every_months` after this one."""
    _authorize(actor, relationship)
    _require_client(relationship)
    now = now or timezone.now()
    today = _utc_today(now)
    with transaction.atomic():
        from clientela.parties.models import Relationship

        # Lock the relationship so two "send now" clicks cannot both pass the check below.
        list(Relationship.objects.select_for_update().filter(pk=relationship.pk).values_list("pk"))
        if Review.objects.filter(relationship=relationship, status=ReviewStatus.SENT).exists():
            raise ApplicationError(
                ErrorCode.CONFLICT, _("A review of this client is already waiting for an answer.")
            )
        review = Review(
            relationship=relationship,
            origin=ReviewOrigin.MANUAL,
            due_on=today,
            status=ReviewStatus.SENT,
            sent_at=now,
            sent_to=_client_email(relationship.party),
        )
        review.full_clean()
        review.save()
        schedule = ReviewSchedule.objects.select_for_update().filter(relationship=relationship)
        schedule = schedule.first()
        if schedule is not None:
            schedule.next_due_on = add_months(today, schedule.every_months)
            schedule.updated_at = now
            schedule.save(update_fields=["next_due_on", "updated_at"])
        audit_record(
            actor=actor,
            action="review.sent",
            target=review,
            data={"relationship": relationship.public_id, "emailed": bool(review.sent_to)},
        )
        _notify_sent(review)
    return review


def review_send_due(*, schedule_id: int, now: dt.datetime) -> int:
    """The sweep's step for one schedule: when it is (still) due, create the review for its
    due date, send it, and move the schedule to its next date. Returns the notifications sent.

    The schedule row is locked and re-checked, and a scheduled review is unique per
    (relationship, due date), so two sweeps running at once send each review exactly once."""
    today = _utc_today(now)
    with transaction.atomic():
        schedule = (
            ReviewSchedule.objects.select_for_update(of=("self",))
            .select_related("relationship__party", "relationship__owner")
            .filter(pk=schedule_id, active=True, next_due_on__lte=today)
            .first()
        )
        if schedule is None:
            return 0
        relationship = schedule.relationship
        due_on = schedule.next_due_on
        schedule.next_due_on = next_due_after(
            due_on=due_on, every_months=schedule.every_months, today=today
        )
        schedule.updated_at = now
        schedule.save(update_fields=["next_due_on", "updated_at"])
        if Review.objects.filter(
            relationship=relationship, origin=ReviewOrigin.SCHEDULE, due_on=due_on
        ).exists():
            return 0
        try:
            with transaction.atomic():
                review = Review.objects.create(
                    relationship=relationship,
                    origin=ReviewOrigin.SCHEDULE,
                    due_on=due_on,
                    status=ReviewStatus.SENT,
                    sent_at=now,
                    sent_to=_client_email(relationship.party),
                )
        except IntegrityError:
            return 0
        audit_record(
            actor=None,
            action="review.sent",
            target=review,
            data={"relationship": relationship.public_id, "due_on": due_on},
        )
        return _notify_sent(review)


def review_schedules_due_ids(*, today: dt.date) -> list[int]:
    """Active schedules of current, active client relationships due on or before `today`."""
    return list(
        ReviewSchedule.objects.filter(
            active=True,
            next_due_on__lte=today,
            relationship__is_current=True,
            relationship__kind="client",
            relationship__status="active",
        )
        .order_by("next_due_on", "id")
        .values_list("id", flat=True)
    )


# --- answers, notes, closing -------------------------------------------------------------


def review_answer(*, public_id: str, data: dict, now: dt.datetime | None = None) -> Review:
    """Record the client's answers (the public questionnaire; no user).

    Guarantees: answers are validated (the error names the field); one answer only — a review
    that is not waiting (answered, closed) is refused with CONFLICT and left unchanged."""
    from clientela.reviews.questionnaire import answers_clean, score_of

    answers, comment = answers_clean(data)
    now = now or timezone.now()
    with transaction.atomic():
        review = (
            Review.objects.select_for_update(of=("self",))
            .select_related("relationship__party", "relationship__owner")
            .filter(public_id=public_id)
            .first()
        )
        if review is None:
            raise ApplicationError(ErrorCode.NOT_FOUND, _("No such review."))
        if review.status != ReviewStatus.SENT:
            raise ApplicationError(ErrorCode.CONFLICT, _("This questionnaire is no longer open."))
        review.answers = answers
        review.client_comment = comment
        review.score = score_of(answers)
        review.answered_at = now
        review.status = ReviewStatus.ANSWERED
        review.updated_at = now
        review.full_clean()
        review.save()
        audit_record(
            actor=None, action="review.answered", target=review, data={"score": review.score}
        )
        if review.relationship.owner_id:
            from django.urls import reverse

            from clientela.notifications.services import notification_send

            name = review.relationship.party.display_name
            notification_send(
                key=f"review-answered:{review.public_id}",
                kind="review_answered",
                subject=_("%(name)s answered the review: %(score)s/10")
                % {"name": name, "score": review.score},
                body=comment,
                user=review.relationship.owner,
                link=reverse("reviews:detail", args=[review.public_id]),
            )
    return review


def _locked(review: Review) -> Review:
    return (
        Review.objects.select_for_update(of=("self",))
        .select_related("relationship__party", "relationship__owner", "notes_by")
        .get(pk=review.pk)
    )


def review_notes_update(*, actor, review: Review, notes: str) -> Review:
    """Replace the account manager's notes (who and when are recorded)."""
    _authorize(actor, review.relationship)
    if not isinstance(notes, str):
        raise validation_error("notes", _("must be text"))
    notes = notes.strip()
    if len(notes) > NOTES_MAX:
        raise validation_error("notes", _("must be at most %(n)d characters") % {"n": NOTES_MAX})
    if "\x00" in notes:
        raise validation_error("notes", _("must not contain the NUL character"))
    with transaction.atomic():
        review = _locked(review)
        now = timezone.now()
        review.notes, review.notes_by, review.notes_at, review.updated_at = notes, actor, now, now
        review.save(update_fields=["notes", "notes_by", "notes_at", "updated_at"])
        audit_record(actor=actor, action="review.notes_changed", target=review)
    return review


def review_close(*, actor, review: Review) -> Review:
    """Close a review: answered ones once dealt with, or a waiting one whose link should stop
    working (the questionnaire then says it is no longer open). Closing twice is refused."""
    _authorize(actor, review.relationship)
    with transaction.atomic():
        review = _locked(review)
        if review.status == ReviewStatus.CLOSED:
            raise ApplicationError(ErrorCode.CONFLICT, _("This review is already closed."))
        now = timezone.now()
        review.status, review.closed_at, review.updated_at = ReviewStatus.CLOSED, now, now
        review.save(update_fields=["status", "closed_at", "updated_at"])
        audit_record(actor=actor, action="review.closed", target=review)
    return review
