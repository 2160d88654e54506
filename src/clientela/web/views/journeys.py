"""Journey boards: one column per stage, one card per current relationship.

A card moves by drag and drop (htmx POST from the board's script) or by the small form on
every card (works without JavaScript too). Either way the move goes through
journeys.services.journey_move, so a refused move changes nothing and its message, naming
the rule, is shown to the user."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clientela.journeys.definitions import JOURNEYS, stage_label
from clientela.journeys.selectors import journey_board
from clientela.journeys.services import journey_move
from clientela.parties.selectors import relationship_get
from clientela.web.forms import MoveForm, parse
from clientela.web.views.common import may_own, safe_next


def _board_context(request, kind: str, mine: bool) -> dict:
    columns = journey_board(kind=kind, owner_id=request.user.pk if mine else None)
    return {
        "kind": kind,
        "columns": columns,
        "stages": [(c.stage, c.label) for c in columns],
        "mine": mine,
        "may_own": may_own(request.user),
    }


@require_GET
def board(request, kind: str):
    if kind not in JOURNEYS:
        raise Http404
    mine = request.GET.get("mine") == "1"
    context = _board_context(request, kind, mine)
    if getattr(request, "htmx", False) and request.htmx.target == "board":
        return render(request, "web/partials/board.html", context)
    return render(request, "web/board.html", context)


@require_POST
def board_move(request, public_id: str):
    relationship = relationship_get(public_id=public_id)
    data = parse(MoveForm(request.POST))
    journey_move(
        actor=request.user,
        relationship=relationship,
        to_stage=data["to_stage"],
        reason=data["reason"],
    )
    message = _("%(party)s moved to “%(stage)s”.") % {
        "party": relationship.party.display_name,
        "stage": stage_label(data["to_stage"]),
    }
    mine = request.POST.get("mine") == "1"
    if getattr(request, "htmx", False):
        context = _board_context(request, relationship.kind, mine)
        context["moved"] = message
        return render(request, "web/partials/board.html", context)
    messages.success(request, message)
    default = reverse("web:board", args=[relationship.kind]) + ("?mine=1" if mine else "")
    return redirect(safe_next(request, default))
