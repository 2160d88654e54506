"""The public questionnaire a client reaches through the signed link (no login).

It shows the business's name and the questions, nothing else of the CRM; an expired, forged
or unknown link gets one neutral page (404) that reveals nothing, a questionnaire already
answered or closed gets a polite page (409) and is not changed. CSRF stays on: Django's
cookie-based CSRF needs no session."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.reviews.models import ReviewStatus
from clientela.reviews.questionnaire import QUESTIONS


def _business_name() -> str:
    from clientela.core.selectors import business_get

    return business_get().name


def _page(request, template: str, status: int = 200, **context):
    context.setdefault("business_name", _business_name())
    response = render(request, f"reviews/public/{template}", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # keeps Origin for the CSRF check
    return response


def _scales(values: dict) -> list[dict]:
    """Each question with its choices as (number, checked) so a refused form keeps answers."""
    return [
        {
            "q": q,
            "choices": [
                (n, str(values.get(q.key, "")) == str(n)) for n in range(q.low, q.high + 1)
            ],
        }
        for q in QUESTIONS
    ]


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def review_answer(request, token: str):
    from clientela.clientdesk.settings import desk_setting
    from clientela.reviews.links import review_token_read
    from clientela.reviews.selectors import review_get
    from clientela.reviews.services import review_answer as answer

    public_id, expired = review_token_read(
        token=token, max_age_days=int(desk_setting("booking_link_days"))
    )
    review = review_get(public_id=public_id) if public_id else None
    if review is None:
        return _page(request, "invalid.html", status=404, expired=expired)
    if request.GET.get("thanks") == "1" and review.answered_at is not None:
        return _page(request, "thanks.html")
    if review.status != ReviewStatus.SENT:
        return _page(request, "closed.html", status=409)
    values: dict = {}
    error = None
    if request.method == "POST":
        values = {
            key: request.POST.get(key, "") for key in (*[q.key for q in QUESTIONS], "comment")
        }
        try:
            answer(public_id=review.public_id, data=values)
        except ApplicationError as exc:
            if exc.code == ErrorCode.CONFLICT:
                return _page(request, "closed.html", status=409)
            if exc.code != ErrorCode.VALIDATION:
                raise
            error = exc
        else:
            return redirect(f"{request.path}?thanks=1")
    fields_in_error = set((error.extra.get("fields") or {}).keys()) if error else set()
    return _page(
        request,
        "form.html",
        status=422 if error else 200,
        scales=_scales(values),
        values=values,
        error=error,
        fields_in_error=fields_in_error,
        party_name=review.relationship.party.display_name,
    )
