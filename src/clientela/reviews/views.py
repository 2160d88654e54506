"""Performance review pages for staff: the list, one review, and the writes they post.

Every signed-in role reads; sending, notes, closing and schedules follow the services' rules
(RELATIONSHIP_CHANGE on the client, or its backup)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clientela.accounts.selectors import user_list_account_managers
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.reviews import services
from clientela.reviews.links import review_link
from clientela.reviews.models import ReviewStatus
from clientela.reviews.pages import review_history, reviews_page
from clientela.reviews.questionnaire import QUESTIONS
from clientela.reviews.selectors import review_get
from clientela.web.views.common import safe_next


def _review_or_404(public_id: str):
    review = review_get(public_id=public_id)
    if review is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such review."))
    return review


@require_GET
def review_list(request):
    owner = request.GET.get("owner") or ""
    owners = list(user_list_account_managers())
    owner_id = None
    if owner == "me":
        owner_id = request.user.pk
    elif owner:
        owner_id = next((u.pk for u in owners if u.username == owner), -1)
    return render(
        request,
        "reviews/list.html",
        {
            "page": reviews_page(owner_id=owner_id, today=timezone.now().astimezone(dt.UTC).date()),
            "owners": owners,
            "owner": owner,
        },
    )


@require_GET
def review_detail(request, public_id: str):
    review = _review_or_404(public_id)
    relationship = review.relationship
    may_change = services.review_may_change(request.user, relationship)
    answers = review.answers or {}
    rows = [
        {"label": q.label, "value": answers.get(q.key), "low": q.low, "high": q.high}
        for q in QUESTIONS
    ]
    link = ""
    if review.status == ReviewStatus.SENT and may_change:
        link = review_link(public_id=review.public_id, sent_at=review.sent_at)
    context = {
        "review": review,
        "party": relationship.party,
        "rows": rows,
        "link": link,
        "may_change": may_change,
        "history": [
            r for r in review_history(relationship_id=relationship.pk) if r.pk != review.pk
        ],
    }
    return render(request, "reviews/detail.html", context)


@require_POST
def review_notes(request, public_id: str):
    review = _review_or_404(public_id)
    services.review_notes_update(
        actor=request.user, review=review, notes=request.POST.get("notes", "")
    )
    messages.success(request, _("The notes are saved."))
    return redirect(reverse("reviews:detail", args=[review.public_id]))


@require_POST
def review_close(request, public_id: str):
    review = _review_or_404(public_id)
    services.review_close(actor=request.user, review=review)
    messages.success(request, _("The review is closed."))
    return redirect(reverse("reviews:detail", args=[review.public_id]))


def _relationship(public_id: str):
    from clientela.parties.selectors import relationship_get

    return relationship_get(public_id=public_id)


@require_POST
def review_send_now(request, relationship_id: str):
    relationship = _relationship(relationship_id)
    review = services.review_send(actor=request.user, relationship=relationship)
    if review.sent_to:
        messages.success(
            request, _("The review is emailed to %(email)s.") % {"email": review.sent_to}
        )
    else:
        messages.warning(
            request,
            _("This client has no email address: copy the link below and send it by hand."),
        )
    return redirect(reverse("reviews:detail", args=[review.public_id]))


@require_POST
def review_schedule(request, relationship_id: str):
    relationship = _relationship(relationship_id)
    try:
        every = int(request.POST.get("every_months", ""))
    except ValueError:
        raise validation_error("every_months", _("must be a whole number")) from None
    raw_date = request.POST.get("next_due_on", "").strip()
    next_due_on = None
    if raw_date:
        try:
            next_due_on = dt.date.fromisoformat(raw_date)
        except ValueError:
            raise validation_error("next_due_on", _("must be a date (YYYY-MM-DD)")) from None
    services.review_schedule_set(
        actor=request.user,
        relationship=relationship,
        every_months=every,
        next_due_on=next_due_on,
        active=request.POST.get("active") == "on",
        today=timezone.now().astimezone(dt.UTC).date(),
    )
    messages.success(request, _("The review schedule is saved."))
    return redirect(safe_next(request, reverse("web:party", args=[relationship.party.public_id])))
