"""Referrals: the leaderboard with the programme's settings, the party card's actions, and
the public landing page of a referral link. Thin: parse, call the services, render."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientela.accounts.permissions import Action, authorize, is_allowed
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.referrals import selectors, services
from clientela.web.forms import attach_error, parse
from clientela.web.views.common import safe_next

PERIOD_CHOICES = [
    ("30", gettext_lazy("30 days")),
    ("90", gettext_lazy("90 days")),
    ("365", gettext_lazy("365 days")),
    ("all", gettext_lazy("All time")),
]


class ProgrammeForm(forms.Form):
    is_active = forms.BooleanField(required=False, label=gettext_lazy("Programme active"))
    referrer_points = forms.IntegerField(
        min_value=0, max_value=1_000_000, label=gettext_lazy("Points for the referrer")
    )
    referred_points = forms.IntegerField(
        min_value=0, max_value=1_000_000, label=gettext_lazy("Points for the referred customer")
    )
    min_purchase = forms.DecimalField(
        min_value=Decimal("0"),
        max_digits=14,
        decimal_places=2,
        label=gettext_lazy("Minimum qualifying purchase"),
    )
    window_days = forms.IntegerField(
        min_value=1, max_value=3660, label=gettext_lazy("Qualifying window (days)")
    )
    yearly_cap = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=10_000,
        label=gettext_lazy("Rewarded referrals per referrer a year (blank: no cap)"),
    )


class ClaimForm(forms.Form):
    code = forms.CharField(max_length=20, label=gettext_lazy("Referral code"))


class SignupForm(forms.Form):
    name = forms.CharField(max_length=200, label=gettext_lazy("Your name"))
    email = forms.EmailField(max_length=254, label=gettext_lazy("Your email"))
    marketing_consent = forms.BooleanField(required=False)
    # The honeypot: hidden from people, filled by bots.
    website = forms.CharField(required=False, max_length=200)


def _programme_initial(programme) -> dict:
    return {name: getattr(programme, name) for name in services.PROGRAMME_FIELDS}


@require_GET
def leaderboard(request, form: ProgrammeForm | None = None, status: int = 200):
    """Ambassadors ranked by qualified referrals in the chosen period, with a chart, and the
    programme's settings (editable with REFERRAL_MANAGE)."""
    from clientela.core.selectors import business_get
    from clientela.referrals.charts import leaderboard_chart

    period = request.GET.get("period", "90")
    if period not in selectors.PERIODS:
        period = "90"
    now = timezone.now()
    rows = selectors.leaderboard(now=now, days=selectors.PERIODS[period])
    programme = selectors.programme_get()
    context = {
        "rows": rows,
        "period": period,
        "periods": PERIOD_CHOICES,
        "overview": selectors.referral_overview(now=now),
        "chart": leaderboard_chart(rows=rows[:10]),
        "programme": programme,
        "currency": business_get().currency,
        "form": form or ProgrammeForm(initial=_programme_initial(programme)),
        "may_manage": is_allowed(request.user, Action.REFERRAL_MANAGE),
    }
    return render(request, "referrals/leaderboard.html", context, status=status)


@require_POST
def programme(request):
    """Save the programme's settings; a refused form is shown again with its errors."""
    form = ProgrammeForm(request.POST)
    if form.is_valid():
        try:
            services.programme_update(actor=request.user, **form.cleaned_data)
        except ApplicationError as error:
            if error.code != ErrorCode.VALIDATION:
                raise
            attach_error(form, error)
        else:
            messages.success(request, _("The referral programme is saved."))
            return redirect(reverse("referrals:leaderboard"))
    else:
        authorize(request.user, Action.REFERRAL_MANAGE)  # the role decides before the input
    request.method = "GET"
    return leaderboard(request, form=form, status=422)


@require_POST
def party_code(request, public_id: str):
    """Create (or show again) the party's personal code from the party card."""
    from clientela.parties.selectors import party_get

    party = party_get(public_id=public_id)
    switch = request.POST.get("active")
    if switch in ("0", "1"):
        code = selectors.code_for_party(party_id=party.pk)
        if code is not None:
            services.referral_code_set_active(
                actor=request.user, code=code, is_active=switch == "1"
            )
            messages.success(
                request,
                _("The referral code is switched on.")
                if switch == "1"
                else _("The referral code is switched off: its link and claims are refused."),
            )
            return redirect(safe_next(request, reverse("web:party", args=[party.public_id])))
    services.referral_code_ensure(actor=request.user, party=party)
    messages.success(request, _("The referral code is ready."))
    return redirect(safe_next(request, reverse("web:party", args=[party.public_id])))


@require_POST
def party_claim(request, public_id: str):
    """Record that the owner of the entered code referred this party (the card's form)."""
    from clientela.parties.selectors import party_get

    party = party_get(public_id=public_id)
    data = parse(ClaimForm(request.POST))
    referral = services.referral_claim(
        actor=request.user, code=data["code"], referred_party=party, source="staff"
    )
    messages.success(
        request,
        _("Referral recorded: %(name)s referred this customer.")
        % {"name": referral.referrer.display_name},
    )
    return redirect(safe_next(request, reverse("web:party", args=[party.public_id])))


def _public(request, template: str, status: int = 200, **context) -> HttpResponse:
    from clientela.core.selectors import business_get

    context.setdefault("business_name", business_get().name)
    response = render(request, f"referrals/public/{template}", context, status=status)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"  # keeps Origin for the CSRF check
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def landing(request, code: str):
    """The public page of a referral link: the business's name and the referrer's first
    name, and a sign-up form. Unknown or inactive codes (or an inactive programme) get one
    neutral 404 page. A filled honeypot gets the thank-you page and writes nothing; so does
    a sign-up the guards refuse, so the page tells nobody who is already known."""
    found = selectors.code_find(code=code)
    if found is None or not found.is_active or not selectors.programme_get().is_active:
        return _public(request, "invalid.html", status=404)
    first_name = found.party.given_name or found.party.display_name.split(" ")[0]
    if request.GET.get("thanks") == "1":
        return _public(request, "thanks.html", referrer=first_name)
    form = SignupForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            if data["website"]:
                return redirect(f"{request.path}?thanks=1")
            try:
                services.referral_signup(
                    code=found.code,
                    name=data["name"],
                    email=data["email"],
                    marketing_consent=data["marketing_consent"],
                )
            except ApplicationError as error:
                if error.code != ErrorCode.VALIDATION:
                    raise
                attach_error(form, error)
            else:
                return redirect(f"{request.path}?thanks=1")
        status = 422
    return _public(request, "landing.html", status=status, form=form, referrer=first_name)
