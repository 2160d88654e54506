"""The morning list and the workload page, with their POST actions.

Every signed-in role reads; an account manager sees their own morning list and workload
line, managers and the other roles choose (default: everyone). Actions call one service
each; the services enforce the rights."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from clientela.accounts.models import Role
from clientela.accounts.permissions import Action, is_allowed
from clientela.accounts.selectors import user_list_account_managers
from clientela.clientdesk.charts import workload_chart
from clientela.clientdesk.selectors import clients_of, morning_list, workload
from clientela.clientdesk.services import relationships_reassign
from clientela.clientdesk.views.common import channel_choices, staff_by_username, today
from clientela.web.views.common import safe_next


def _chosen_owner(request):
    """(owner user or None, may choose): account managers always see their own clients."""
    user = request.user
    if user.role == Role.ACCOUNT_MANAGER:
        return user, False
    username = request.GET.get("owner") or ""
    if not username:
        return None, True
    return user_list_account_managers().filter(username=username).first(), True


@require_GET
def morning(request):
    owner, may_choose = _chosen_owner(request)
    day = today()
    desk = morning_list(owner_id=owner.pk if owner else None, today=day)
    counts = desk.counts
    context = {
        "desk": desk,
        "owner": owner,
        "may_choose": may_choose,
        "owners": user_list_account_managers() if may_choose else [],
        "sections": [
            ("checkins", _("Overdue check-ins"), counts["checkins"]),
            ("renewals", _("Renewals"), counts["renewals"]),
            ("falling", _("Falling engagement"), counts["falling"]),
            ("negative", _("Negative feedback"), counts["negative"]),
            ("late_tasks", _("Late onboarding tasks"), counts["late_tasks"]),
            ("at_risk", _("Clients at risk"), counts["at_risk"]),
        ],
        "checkin_channels": channel_choices(),
        "today": day,
        "show_owner": owner is None,
        "owner_names": {u.pk: str(u) for u in user_list_account_managers()},
    }
    return render(request, "clientdesk/morning.html", context)


@require_POST
def task_done(request, task_public_id: str):
    """Complete an onboarding task from the morning list."""
    from clientela.onboarding.services import plan_task_complete

    plan_task_complete(actor=request.user, task_public_id=task_public_id)
    messages.success(request, _("The task is done."))
    return redirect(safe_next(request, reverse("clientdesk:morning")))


@require_GET
def workload_page(request):
    user = request.user
    own_only = user.role == Role.ACCOUNT_MANAGER
    lines = workload(today=today(), user_id=user.pk if own_only else None)
    may_reassign = is_allowed(user, Action.RELATIONSHIP_ASSIGN)
    source = None
    source_clients = []
    if may_reassign and request.GET.get("from"):
        source = user_list_account_managers().filter(username=request.GET["from"]).first()
        if source is not None:
            source_clients = clients_of(owner_id=source.pk)
    context = {
        "lines": lines,
        "own_only": own_only,
        "chart": workload_chart(lines=lines),
        "may_reassign": may_reassign,
        "owners": user_list_account_managers() if may_reassign else [],
        "source": source,
        "source_clients": source_clients,
    }
    return render(request, "clientdesk/workload.html", context)


@require_POST
def reassign(request):
    """Reassign the ticked clients (or all of the source's clients) to another account
    manager, all or nothing."""
    to_owner = staff_by_username(request.POST.get("to_owner") or "", field="to_owner")
    if request.POST.get("all"):
        source = staff_by_username(request.POST.get("from_owner") or "", field="from_owner")
        moved = relationships_reassign(actor=request.user, from_owner=source, to_owner=to_owner)
    else:
        moved = relationships_reassign(
            actor=request.user,
            relationship_public_ids=request.POST.getlist("relationship"),
            to_owner=to_owner,
        )
    messages.success(
        request,
        ngettext(
            "%(count)d client is now with %(owner)s.",
            "%(count)d clients are now with %(owner)s.",
            len(moved),
        )
        % {"count": len(moved), "owner": to_owner},
    )
    return redirect(safe_next(request, reverse("clientdesk:workload")))
