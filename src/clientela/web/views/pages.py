"""Dashboard, directory and settings pages."""

from __future__ import annotations

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientela.accounts.services import user_set_language
from clientela.activities.selectors import activity_recent
from clientela.analytics.selectors import dashboard_value_context
from clientela.api.models import TokenScope
from clientela.api.selectors import token_get, token_list_for_user
from clientela.api.services import token_create, token_revoke
from clientela.journeys.selectors import journey_stage_counts
from clientela.parties.selectors import DirectoryFilters, directory_page
from clientela.web.forms import DirectoryForm, LanguageForm, parse
from clientela.web.views.common import htmx_target, safe_next


@require_GET
def dashboard(request):
    counts = journey_stage_counts()
    boards = []
    for kind, stages in counts.items():
        boards.append(
            {
                "kind": kind,
                "stages": stages,
                "total": sum(s.count for s in stages),
                "max": max([s.count for s in stages] + [1]),
            }
        )
    context = {
        "boards": boards,
        "recent": activity_recent(limit=12),
        **dashboard_value_context(),
    }
    return render(request, "web/dashboard.html", context)


@require_GET
def directory(request):
    form = DirectoryForm(request.GET)
    data = parse(form)
    filters = DirectoryFilters(
        q=data["q"],
        kind=data["kind"],
        stage=data["stage"],
        owner_id=data["owner"].pk if data["owner"] else None,
        tag=data["tag"],
    )
    page = directory_page(filters=filters, cursor=data["cursor"] or None)
    context = {"form": form, "page": page, "filtered": any(vars(filters).values())}
    target = htmx_target(request)
    if target == "results":
        return render(request, "web/partials/directory_results.html", context)
    if target.startswith("more-"):
        return render(request, "web/partials/directory_rows.html", context)
    return render(request, "web/directory.html", context)


@require_http_methods(["GET", "POST"])
def settings_page(request):
    if request.method == "POST":
        data = parse(LanguageForm(request.POST))
        user_set_language(actor=request.user, language=data["language"])
        translation.activate(request.user.language)
        messages.success(request, _("Your settings are saved."))
        return redirect(safe_next(request, reverse("web:settings")))
    return _settings_render(request)


def _settings_render(request, **extra):
    context = {
        "form": LanguageForm(initial={"language": request.user.language}),
        "tokens": token_list_for_user(user=request.user),
        **extra,
    }
    return render(request, "web/settings.html", context)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, label=gettext_lazy("Name"))
    scope = forms.ChoiceField(choices=TokenScope.choices, label=gettext_lazy("Access"))
    expires_days = forms.TypedChoiceField(
        choices=[("", gettext_lazy("Never")), ("30", "30"), ("90", "90"), ("365", "365")],
        coerce=int,
        empty_value=None,
        required=False,
        label=gettext_lazy("Expires after (days)"),
    )


@require_POST
def settings_token_create(request):
    """The new secret is rendered in this response only (never stored, never redirected
    through a message), so it is shown exactly once."""
    data = parse(TokenForm(request.POST))
    days = data["expires_days"]
    token, secret = token_create(
        actor=request.user,
        user=request.user,
        name=data["name"],
        scope=data["scope"],
        expires_at=timezone.now() + timedelta(days=days) if days else None,
    )
    return _settings_render(request, new_token=token, new_secret=secret)


@require_POST
def settings_token_revoke(request, prefix: str):
    token = token_revoke(actor=request.user, token=token_get(prefix=prefix))
    messages.success(request, _("The token %(token)s is revoked.") % {"token": token.public_id})
    return redirect("web:settings")
