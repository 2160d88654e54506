"""The party page, the new-party page, and the party page's actions.

Each action is a POST that parses its form, calls exactly one service and redirects back to
the party page; a refused or invalid action raises ApplicationError, which the middleware
turns into a visible message. The forms a role may not use are hidden (`can`), but the
service is what enforces the rule."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientela.accounts.permissions import Action, is_allowed
from clientela.activities.selectors import activity_timeline
from clientela.activities.services import activity_log
from clientela.analytics.selectors import party_value_context
from clientela.clientdesk.cards import party_customer_desk_context, party_desk_context
from clientela.commerce.selectors import order_list_for_party
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.selectors import audit_list_for_any
from clientela.growth.selectors import party_classification_context
from clientela.journeys.definitions import journey_stages, stage_label
from clientela.journeys.selectors import journey_history
from clientela.journeys.services import journey_move
from clientela.parties.selectors import party_get, party_relationships, relationship_current
from clientela.parties.services import (
    party_add_contact_point,
    party_create,
    party_set_consent,
    party_set_tags,
    relationship_assign_owner,
    relationship_convert,
)
from clientela.web.forms import (
    ActivityForm,
    AssignOwnerForm,
    ConsentForm,
    ContactPointForm,
    ConvertForm,
    MoveForm,
    PartyCreateForm,
    TagsForm,
    attach_error,
    parse,
)
from clientela.web.views.common import may_own, safe_next

# The party page shows the newest activities and orders; "Load more" grows the list by a page.
TIMELINE_PAGE = 15
ORDERS_PAGE = 10
MAX_SHOWN = 1000


def _page_of(name: str, request, selector, party_id: int, page: int) -> dict:
    """`{name: rows, name_more: next size or None}` for the size asked in ?name=N."""
    try:
        shown = min(max(int(request.GET.get(name, page)), page), MAX_SHOWN)
    except ValueError:
        shown = page
    rows = list(selector(party_id=party_id, limit=shown + 1))
    more = shown + page if len(rows) > shown and shown < MAX_SHOWN else None
    return {name: rows[:shown], f"{name}_shown": shown, f"{name}_more": more}


@require_GET
def party_detail(request, public_id: str):
    party = party_get(public_id=public_id)
    relationships = party_relationships(party=party)
    current = next((r for r in relationships if r.is_current), None)
    user = request.user
    can = {
        "activity": is_allowed(user, Action.ACTIVITY_LOG, party=party),
        "change": is_allowed(user, Action.RELATIONSHIP_CHANGE, party=party),
        "assign_any": is_allowed(user, Action.RELATIONSHIP_ASSIGN),
        "tag": is_allowed(user, Action.PARTY_TAG, party=party),
        "consent": is_allowed(user, Action.PARTY_CONSENT, party=party),
        "contact": is_allowed(user, Action.PARTY_UPDATE, party=party),
    }
    can["assign_self"] = can["change"] and may_own(user) and not can["assign_any"]
    stages = []
    if current is not None:
        stages = [(s, stage_label(s)) for s in journey_stages(current.kind)]
    context = {
        "party": party,
        "current": current,
        "relationships": relationships,
        "history": journey_history(party_id=party.id),
        **_page_of("timeline", request, activity_timeline, party.id, TIMELINE_PAGE),
        **_page_of("orders", request, order_list_for_party, party.id, ORDERS_PAGE),
        "audit": audit_list_for_any(
            target_ids=[party.public_id, *(r.public_id for r in relationships)], limit=30
        ),
        "can": can,
        "stages": stages,
        "tags_value": ", ".join(t.name for t in party.tags.all()),
        "activity_form": ActivityForm(auto_id="activity-%s"),
        "convert_form": ConvertForm(auto_id="convert-%s"),
        "assign_form": AssignOwnerForm(
            auto_id="owner-%s", initial={"owner": getattr(current, "owner", None)}
        ),
        "consent_form": ConsentForm(
            auto_id="consent-%s", initial={"consent": "no" if party.marketing_consent else "yes"}
        ),
        "contact_form": ContactPointForm(auto_id="contact-%s"),
        **party_value_context(party_id=party.id),
        **party_classification_context(party_id=party.id),
        **party_desk_context(relationship=current, user=user),
        **party_customer_desk_context(party=party, relationship=current, user=user),
    }
    return render(request, "web/party.html", context)


@require_http_methods(["GET", "POST"])
def party_new(request):
    """On a refusal or bad input the form comes back with everything typed and the error on
    its field, so nothing the user entered is lost."""
    may_create = is_allowed(request.user, Action.PARTY_CREATE)
    if request.method == "POST":
        form = PartyCreateForm(request.POST)
        try:
            data = parse(form)
            party = party_create(
                actor=request.user,
                kind=data["kind"],
                given_name=data["given_name"],
                family_name=data["family_name"],
                organisation_name=data["organisation_name"],
                emails=[data["email"]],
                phones=[data["phone"]],
                relationship_kind=data["relationship_kind"] or None,
                acquisition_channel=data["acquisition_channel"],
                owner=data["owner"],
                stage=data["stage"] or None,
            )
        except ApplicationError as exc:
            attach_error(form, exc)
            context = {"form": form, "may_create": may_create, "error": exc.message}
            return render(request, "web/party_new.html", context, status=exc.http_status)
        messages.success(request, _("%(name)s was created.") % {"name": party.display_name})
        return redirect("web:party", public_id=party.public_id)
    initial = {"owner": request.user if may_own(request.user) else None}
    form = PartyCreateForm(initial=initial)
    return render(request, "web/party_new.html", {"form": form, "may_create": may_create})


def _back(request, party):
    return redirect(safe_next(request, reverse("web:party", args=[party.public_id])))


def _current_or_error(party):
    current = relationship_current(party=party)
    if current is None:
        raise ApplicationError(ErrorCode.CONFLICT, _("This party has no current relationship."))
    return current


@require_POST
def party_log_activity(request, public_id: str):
    party = party_get(public_id=public_id)
    data = parse(ActivityForm(request.POST))
    activity_log(
        actor=request.user,
        party=party,
        kind=data["kind"],
        direction=data["direction"],
        subject=data["subject"],
        body=data["body"],
    )
    messages.success(request, _("The activity is logged."))
    return _back(request, party)


@require_POST
def party_move_stage(request, public_id: str):
    party = party_get(public_id=public_id)
    data = parse(MoveForm(request.POST))
    relationship = _current_or_error(party)
    journey_move(
        actor=request.user,
        relationship=relationship,
        to_stage=data["to_stage"],
        reason=data["reason"],
    )
    messages.success(request, _("Moved to “%(stage)s”.") % {"stage": stage_label(data["to_stage"])})
    return _back(request, party)


@require_POST
def party_convert(request, public_id: str):
    party = party_get(public_id=public_id)
    data = parse(ConvertForm(request.POST))
    new = relationship_convert(
        actor=request.user,
        relationship=_current_or_error(party),
        owner=data["owner"],
        stage=data["stage"] or None,
        reason=data["reason"],
    )
    messages.success(
        request,
        _("Converted: %(party)s is now a %(kind)s.")
        % {
            "party": party.display_name,
            "kind": new.get_kind_display().lower(),
        },
    )
    return _back(request, party)


@require_POST
def party_assign_owner(request, public_id: str):
    party = party_get(public_id=public_id)
    data = parse(AssignOwnerForm(request.POST))
    relationship_assign_owner(
        actor=request.user, relationship=_current_or_error(party), owner=data["owner"]
    )
    messages.success(request, _("The owner is updated."))
    return _back(request, party)


@require_POST
def party_tags(request, public_id: str):
    party = party_get(public_id=public_id)
    form = TagsForm(request.POST)
    parse(form)
    party_set_tags(actor=request.user, party=party, tags=form.tag_list())
    messages.success(request, _("The tags are saved."))
    return _back(request, party)


@require_POST
def party_consent(request, public_id: str):
    party = party_get(public_id=public_id)
    data = parse(ConsentForm(request.POST))
    party_set_consent(
        actor=request.user, party=party, consent=data["consent"], source=data["source"]
    )
    messages.success(request, _("The marketing consent is recorded."))
    return _back(request, party)


@require_POST
def party_contact_point(request, public_id: str):
    party = party_get(public_id=public_id)
    data = parse(ContactPointForm(request.POST))
    party_add_contact_point(
        actor=request.user,
        party=party,
        kind=data["kind"],
        value=data["value"],
        label=data["label"],
        primary=data["primary"],
    )
    messages.success(request, _("The contact point is added."))
    return _back(request, party)
