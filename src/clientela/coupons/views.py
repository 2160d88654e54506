"""Coupons: the customer desk pages. Thin: parse, call a service or selector, render.

Every signed-in role reads; batches and personal coupons follow COUPON_MANAGE, the counter
(validate and redeem) LOYALTY_REDEEM. The pages only hide what a role may not use: the
services decide.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientela.accounts.permissions import Action, is_allowed
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.coupons import selectors, services
from clientela.coupons.forms import BatchForm, CounterForm, PersonalForm
from clientela.web.forms import attach_error, parse
from clientela.web.views.common import safe_next

CODES_PER_PAGE = 20
PERSONAL_SHOWN = 20


def _business_currency() -> str:
    from clientela.core.selectors import business_get

    return business_get().currency


@require_GET
def coupon_list(request):
    """Bulk batches with their usage, then the latest personal coupons."""
    batches = Paginator(selectors.coupon_batch_list_with_usage(personal=False), 25).get_page(
        request.GET.get("page")
    )
    personal = list(
        selectors.coupon_batch_list_with_usage(personal=True).prefetch_related("coupons")[
            :PERSONAL_SHOWN
        ]
    )
    context = {
        "page": batches,
        "personal": personal,
        "today": timezone.localdate(),
        "may_manage": is_allowed(request.user, Action.COUPON_MANAGE),
        "may_redeem": is_allowed(request.user, Action.LOYALTY_REDEEM),
    }
    return render(request, "coupons/list.html", context)


@require_http_methods(["GET", "POST"])
def batch_new(request):
    """The new batch form (COUPON_MANAGE); other roles see why there is no form."""
    may_manage = is_allowed(request.user, Action.COUPON_MANAGE)
    status = 200
    if request.method == "POST" and may_manage:
        form = BatchForm(request.POST)
        try:
            data = parse(form)
            data["prefix"] = data["prefix"] or ""
            data["currency"] = data["currency"] or None
            data["note"] = data["note"] or ""
            batch = services.coupon_batch_create(actor=request.user, **data)
        except ApplicationError as error:
            if error.code != ErrorCode.VALIDATION:
                raise
            attach_error(form, error)
            status = 422
        else:
            messages.success(
                request, _("The batch is created with %(n)s codes.") % {"n": batch.code_count}
            )
            return redirect(reverse("coupons:detail", args=[batch.public_id]))
    else:
        form = BatchForm(
            initial={
                "kind": "percent",
                "valid_from": timezone.localdate(),
                "max_redemptions": 1,
                "per_customer_limit": 1,
                "code_count": 100,
                "currency": _business_currency(),
            }
        )
    return render(
        request, "coupons/new.html", {"form": form, "may_manage": may_manage}, status=status
    )


@require_GET
def batch_detail(request, public_id: str):
    """The batch's terms, usage report with the per-day chart, and its codes (paged)."""
    from clientela.coupons.charts import redemptions_per_day_chart

    batch = selectors.coupon_batch_get(public_id=public_id)
    report = selectors.coupon_batch_report(batch=batch)
    batch.codes_exhausted = report.codes_exhausted
    codes = Paginator(selectors.coupon_codes(batch=batch), CODES_PER_PAGE).get_page(
        request.GET.get("page")
    )
    redemptions = list(selectors.coupon_redemption_list(batch_id=batch.pk)[:10])
    context = {
        "batch": batch,
        "report": report,
        "rate_pct": round(report.redemption_rate * 100, 1),
        "chart": redemptions_per_day_chart(per_day=report.per_day),
        "codes": codes,
        "redemptions": redemptions,
        "may_manage": is_allowed(request.user, Action.COUPON_MANAGE),
    }
    return render(request, "coupons/detail.html", context)


@require_GET
def batch_csv(request, public_id: str):
    """The batch's codes as a CSV attachment."""
    batch = selectors.coupon_batch_get(public_id=public_id)
    response = HttpResponse(
        selectors.coupon_codes_csv(batch=batch), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="coupons-{batch.public_id}.csv"'
    return response


@require_POST
def batch_toggle(request, public_id: str):
    """Deactivate an active batch, or activate it again."""
    batch = selectors.coupon_batch_get(public_id=public_id)
    services.coupon_batch_update(actor=request.user, batch=batch, is_active=not batch.is_active)
    messages.success(
        request,
        _("The batch is deactivated.") if batch.is_active else _("The batch is active again."),
    )
    return redirect(reverse("coupons:detail", args=[batch.public_id]))


@require_http_methods(["GET", "POST"])
def personal_new(request):
    """A personal coupon for the party of `?party=<public id>` (or the form's `party`)."""
    from clientela.parties.selectors import party_get

    public_id = (request.POST.get("party") or request.GET.get("party", ""))[:40]
    party = party_get(public_id=public_id)
    may_manage = is_allowed(request.user, Action.COUPON_MANAGE)
    status = 200
    if request.method == "POST" and may_manage:
        form = PersonalForm(request.POST)
        try:
            data = parse(form)
            data.pop("party")
            data["note"] = data["note"] or ""
            coupon = services.coupon_issue_personal(actor=request.user, party=party, **data)
        except ApplicationError as error:
            if error.code != ErrorCode.VALIDATION:
                raise
            attach_error(form, error)
            status = 422
        else:
            messages.success(request, _("Personal coupon %(code)s issued.") % {"code": coupon.code})
            return redirect(safe_next(request, reverse("web:party", args=[party.public_id])))
    else:
        form = PersonalForm(
            initial={
                "party": party.public_id,
                "kind": "percent",
                "value": Decimal("10"),
                "valid_days": 30,
            }  # fmt: skip
        )
    context = {"form": form, "party": party, "may_manage": may_manage}
    return render(request, "coupons/personal_new.html", context, status=status)


@require_http_methods(["GET", "POST"])
def counter(request):
    """Check a code for a customer and an amount, then redeem it. The check shows the
    discount or the reason; redeeming carries a one-time key so a double submit redeems
    once."""
    may_redeem = is_allowed(request.user, Action.LOYALTY_REDEEM)
    result, status = None, 200
    if request.method == "POST":
        form = CounterForm(request.POST)
        try:
            data = parse(form)
            party = _party_for(data["party"])
            if request.POST.get("action") == "redeem":
                redemption = services.coupon_redeem(
                    actor=request.user, code=data["code"], party=party,
                    order_amount=data["order_amount"], key=data["key"] or None,
                )  # fmt: skip
                messages.success(
                    request,
                    _("%(code)s redeemed: %(discount)s %(currency)s off for %(name)s.")
                    % {"code": redemption.coupon.code, "discount": redemption.discount,
                       "currency": redemption.currency, "name": party.display_name},
                )  # fmt: skip
                return redirect(reverse("coupons:counter"))
            discount = services.coupon_validate(
                code=data["code"], party=party, order_amount=data["order_amount"]
            )
            result = {"ok": True, "discount": discount, "party": party,
                      "currency": _business_currency()}  # fmt: skip
        except ApplicationError as error:
            if error.code not in (ErrorCode.VALIDATION, ErrorCode.CONFLICT):
                raise
            if "reason" in error.extra:
                result = {"ok": False, "message": error.message}
            else:
                attach_error(form, error)
            status = 422
    else:
        form = CounterForm(initial={"party": request.GET.get("party", "")[:300]})
    key = (form.data.get("key") if form.is_bound else None) or uuid.uuid4().hex
    context = {"form": form, "result": result, "may_redeem": may_redeem, "key": key[:120]}
    return render(request, "coupons/counter.html", context, status=status)


def _party_for(text: str):
    """A party by public id or by email address; a validation error naming `party`."""
    from clientela.core.errors import validation_error
    from clientela.parties.selectors import party_find_by_email, party_get

    text = text.strip()
    party = None
    if text and "@" not in text:
        try:
            party = party_get(public_id=text[:40])
        except ApplicationError:
            party = None
    if party is None and "@" in text:
        party = party_find_by_email(email=text)
    if party is None:
        raise validation_error("party", _("no customer with this email address or id"))
    return party
