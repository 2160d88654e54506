"""Classification pages: the list of relationships whose behaviour differs from their
recorded kind, and the conversion radar. Every signed-in role may read them; assigning and
converting from the radar follow the services' rules."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientela.accounts.permissions import Action, is_allowed
from clientela.accounts.selectors import user_list_account_managers
from clientela.core.errors import validation_error
from clientela.core.models import BusinessType
from clientela.growth.classify import DIMENSION_LABELS, DIMENSIONS, THRESHOLD_LABELS
from clientela.growth.radar import COMPONENT_LABELS
from clientela.growth.selectors import mismatch_page, radar_page
from clientela.growth.services import radar_candidates_assign
from clientela.growth.settings import growth_settings_get, growth_settings_update
from clientela.web.forms import AssignOwnerForm, ConvertForm, parse
from clientela.web.views.common import safe_next


@require_GET
def mismatches(request):
    kind = request.GET.get("kind") or None
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    page = mismatch_page(kind=kind, page=number)
    return render(request, "web/mismatches.html", {"page": page, "kind": kind or ""})


@require_GET
def radar(request):
    """The conversion radar: filters in the query string, one page of ranked customers."""
    segment = request.GET.get("segment") or None
    owner = request.GET.get("owner") or None
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    try:
        raw = request.GET.get("min_score") or ""
        min_score = min(max(float(raw), 0.0), 100.0) / 100.0 if raw else None
    except ValueError:
        min_score = None
    page = radar_page(segment=segment, owner=owner, min_score=min_score, page=number)
    query = {"segment": segment or "", "owner": owner or ""}
    if min_score is not None:
        query["min_score"] = round(min_score * 100)
    context = {
        "page": page,
        "filters": query,
        "query": urlencode({k: v for k, v in query.items() if v != ""}),
        "owners": user_list_account_managers(),
        "assign_form": AssignOwnerForm(auto_id="assign-%s"),
        "convert_form": ConvertForm(auto_id=False),
        "may_assign": is_allowed(request.user, Action.RELATIONSHIP_ASSIGN),
        "may_convert": is_allowed(request.user, Action.RELATIONSHIP_CHANGE),
        "coefficients": _coefficients(page.run),
    }
    return render(request, "web/radar.html", context)


@require_POST
def radar_assign(request):
    """Bulk "assign to account manager" from the radar; all or nothing."""
    data = parse(AssignOwnerForm(request.POST))
    count = radar_candidates_assign(
        actor=request.user, party_ids=request.POST.getlist("party"), owner=data["owner"]
    )
    messages.success(
        request,
        ngettext(
            "%(count)d customer is assigned to %(owner)s.",
            "%(count)d customers are assigned to %(owner)s.",
            count,
        )
        % {"count": count, "owner": data["owner"]},
    )
    return redirect(safe_next(request, reverse("web:radar")))


def _coefficients(run) -> list[tuple[str, float]]:
    """The learned model's coefficients, largest effect first, with readable names."""
    from clientela.growth.radar import MEASURE_LABELS

    model = (run.radar or {}).get("model") if run is not None else None
    if not model:
        return []
    pairs = [(str(MEASURE_LABELS.get(k, k)), v) for k, v in model["coefficients"].items()]
    return sorted(pairs, key=lambda pair: -abs(pair[1]))


@require_http_methods(["GET", "POST"])
def growth_settings(request):
    """The classification's and the radar's weights and thresholds: everyone reads them,
    admins change them (the service enforces it). Values are entered in percent where the
    page says so; a blank field keeps the current value."""
    if request.method == "POST":
        if request.POST.get("reset"):
            growth_settings_update(actor=request.user, reset=True)
            messages.success(request, _("The defaults of the business type are back."))
        else:
            growth_settings_update(actor=request.user, **_settings_from_post(request.POST))
            messages.success(
                request, _("Saved. The next classification run uses the new settings.")
            )
        return redirect(reverse("web:growth_settings"))
    current = growth_settings_get()
    context = {
        "current": current,
        "may_change": is_allowed(request.user, Action.SETTINGS_MANAGE),
        "dimensions": [(d, DIMENSION_LABELS[d], current.weights[d]) for d in DIMENSIONS],
        "thresholds": [
            (name, THRESHOLD_LABELS[name], lo, hi) for name, (lo, hi) in current.thresholds.items()
        ],
        "components": [
            (c, COMPONENT_LABELS[c], current.radar_weights[c]) for c in COMPONENT_LABELS
        ],
        "ready": round(current.ready * 100),
        "business_type": BusinessType(current.business_type).label,
    }
    return render(request, "web/growth_settings.html", context)


def _settings_from_post(post) -> dict:
    """The changed settings; a number that does not parse is a validation error naming
    its field."""

    def number(field: str) -> float | None:
        raw = (post.get(field) or "").strip().replace(",", ".")
        if not raw:
            return None
        try:
            return float(raw)
        except ValueError:
            raise validation_error(field, _("must be a number")) from None

    weights = {d: v for d in DIMENSIONS if (v := number(f"weight_{d}")) is not None}
    radar = {c: v for c in COMPONENT_LABELS if (v := number(f"radar_{c}")) is not None}
    thresholds = {}
    for name in THRESHOLD_LABELS:
        lo, hi = number(f"{name}_lo"), number(f"{name}_hi")
        if lo is not None and hi is not None:
            thresholds[name] = (lo, hi)
    ready = number("ready")
    return {
        "weights": weights or None,
        "radar_weights": radar or None,
        "thresholds": thresholds or None,
        "ready": None if ready is None else ready / 100.0,
        "conversion": post.get("conversion") or None,
    }
