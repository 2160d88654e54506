"""Contracts: the desk pages. Thin: parse, call a service or selector, render.

Every signed-in staff member reads contracts (as they read parties); creating, changing,
moving a contract and uploading its document follow the services' rules
(`RELATIONSHIP_CHANGE` on the client); opening the document follows
`contract_document_may_open`. The pages only hide the controls a user may not use.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clientela.accounts.permissions import Action, is_allowed
from clientela.accounts.selectors import user_list_account_managers
from clientela.contracts import selectors, services
from clientela.contracts.forms import (
    FILTER_RENEWING_DAYS,
    AmendForm,
    ContractForm,
    DocumentForm,
    TransitionForm,
)
from clientela.contracts.models import AMENDED, TRANSITIONS, Contract, ContractStatus
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.web.forms import attach_error, parse

PAGE_SIZE = 25


@require_GET
def contract_list(request):
    """All contracts, newest first; filters: status, account manager, renewing within 60
    days, search."""
    status = request.GET.get("status", "")
    status = status if status in ContractStatus.values else ""
    owner = request.GET.get("owner", "")
    renewing = request.GET.get("renewing") == "1"
    search = request.GET.get("q", "").strip()[:100]
    owners = list(user_list_account_managers())
    owner_id = next((u.pk for u in owners if u.username == owner), None)
    today = timezone.localdate()
    rows = selectors.contract_list(
        status=status,
        owner_id=owner_id,
        renewing_after=today if renewing else None,
        renewing_before=today + dt.timedelta(days=FILTER_RENEWING_DAYS) if renewing else None,
        search=search,
    )
    if owner and owner_id is None:
        rows = rows.none()
    paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    filters = {"status": status, "owner": owner, "renewing": "1" if renewing else "", "q": search}
    context = {
        "page": page,
        "filters": filters,
        "query": urlencode({k: v for k, v in filters.items() if v}),
        "statuses": ContractStatus.choices,
        "owners": owners,
        "renewing_days": FILTER_RENEWING_DAYS,
        "today": today,
        "soon": today + dt.timedelta(days=FILTER_RENEWING_DAYS),
    }
    return render(request, "contracts/list.html", context)


@require_http_methods(["GET", "POST"])
def contract_new(request):
    """A new draft for the client named by `?party=<public id>`."""
    from clientela.core.selectors import business_get
    from clientela.parties.selectors import party_get

    party = party_get(public_id=request.GET.get("party", "")[:40])
    relationship = party.relationships.filter(is_current=True).select_related("party").first()
    if relationship is None or relationship.kind != "client":
        raise ApplicationError(
            ErrorCode.CONFLICT, _("A contract needs a current client relationship.")
        )
    choices = _choices(party, None)
    if request.method == "POST":
        form = ContractForm(request.POST, **choices)
        try:
            data = parse(form)
            contract = services.contract_create(
                actor=request.user, relationship=relationship, **data
            )
        except ApplicationError as error:
            if error.code != ErrorCode.VALIDATION:
                raise
            attach_error(form, error)
        else:
            messages.success(request, _("The draft contract is saved."))
            return redirect(reverse("contracts:detail", args=[contract.public_id]))
        status = 422
    else:
        form = ContractForm(
            initial={
                "currency": business_get().currency,
                "billing": "monthly",
                "start_on": timezone.localdate(),
                "notice_days": 30,
            },
            **choices,
        )
        status = 200
    context = {
        "form": form,
        "party": party,
        "relationship": relationship,
        "may_change": is_allowed(request.user, Action.RELATIONSHIP_CHANGE, party=party),
    }
    return render(request, "contracts/new.html", context, status=status)


@require_GET
def contract_detail(request, public_id: str):
    contract = selectors.contract_get(public_id=public_id)
    return _detail(request, contract, edit_form=_edit_form(contract))


@require_POST
def contract_edit(request, public_id: str):
    """Change the contract; once signed the note is required (the service says so)."""
    contract = selectors.contract_get(public_id=public_id)
    form = AmendForm(request.POST, **_choices(contract.party, contract))
    try:
        data = parse(form)
        note = data.pop("note", "")
        services.contract_update(actor=request.user, contract=contract, note=note, **data)
    except ApplicationError as error:
        if error.code != ErrorCode.VALIDATION:
            raise
        attach_error(form, error)
        return _detail(request, contract, edit_form=form, status=422, open_edit=True)
    messages.success(request, _("The contract is saved."))
    return redirect(reverse("contracts:detail", args=[contract.public_id]))


@require_POST
def contract_transition(request, public_id: str):
    contract = selectors.contract_get(public_id=public_id)
    data = parse(TransitionForm(request.POST))
    services.contract_transition(
        actor=request.user, contract=contract, status=data["status"], reason=data["reason"]
    )
    messages.success(
        request,
        _("The contract is now “%(status)s”.") % {"status": ContractStatus(data["status"]).label},
    )
    return redirect(reverse("contracts:detail", args=[contract.public_id]))


@require_http_methods(["GET", "POST"])
def contract_document(request, public_id: str):
    """GET: download (rights checked); POST: upload (RELATIONSHIP_CHANGE)."""
    contract = selectors.contract_get(public_id=public_id)
    if request.method == "GET":
        return services.contract_document_response(user=request.user, contract=contract)
    form = DocumentForm(request.POST, request.FILES)
    data = parse(form)
    services.contract_document_upload(
        actor=request.user, contract=contract, upload=data["document"], note=data["note"]
    )
    messages.success(request, _("The document is stored."))
    return redirect(reverse("contracts:detail", args=[contract.public_id]))


def _detail(request, contract: Contract, *, edit_form, status: int = 200, open_edit=False):
    may_change = is_allowed(request.user, Action.RELATIONSHIP_CHANGE, party=contract.party)
    transitions = [(s, ContractStatus(s).label) for s in TRANSITIONS.get(contract.status, ())]
    context = {
        "contract": contract,
        "amendments": _amendment_rows(list(selectors.contract_amendments(contract=contract)[:200])),
        "transitions": transitions if may_change else [],
        "may_change": may_change,
        "may_open": selectors.contract_document_may_open(user=request.user, contract=contract),
        "needs_note": contract.status in AMENDED,
        "edit_form": edit_form,
        "open_edit": open_edit,
        "document_form": DocumentForm(),
        "notice_soon": _soon(contract.notice_deadline) if contract.is_binding else False,
    }
    return render(request, "contracts/detail.html", context, status=status)


def _labels() -> dict[str, str]:
    return {
        "title": _("Title"),
        "value": _("Value per period"),
        "currency": _("Currency"),
        "billing": _("Billing rhythm"),
        "start_on": _("Start"),
        "end_on": _("End"),
        "renewal_on": _("Renewal"),
        "notice_days": _("Notice (days)"),
        "exclusive": _("Exclusive provider"),
        "notes": _("Notes"),
        "signatories": _("Signatories"),
        "services": _("Services"),
        "status": _("Status"),
        "signed_on": _("Signed on"),
        "terminated_on": _("Terminated on"),
        "termination_reason": _("Reason for termination"),
        "document": _("Signed document"),
    }


def _amendment_rows(amendments) -> list[dict]:
    """Amendments for people: field labels, status and rhythm labels, names for ids."""
    from clientela.contracts.models import BillingRhythm

    ids = set()
    for a in amendments:
        for field in ("signatories", "services"):
            for side in a.changes.get(field) or []:
                ids.update(side or [])
    names = selectors.public_id_names(public_ids=sorted(ids)) if ids else {}
    labels = _labels()

    def shown(field, value):
        if value is None or value == "" or value == []:
            return "—"
        if field == "status" and value in ContractStatus.values:
            return ContractStatus(value).label
        if field == "billing" and value in BillingRhythm.values:
            return BillingRhythm(value).label
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, dict):
            return value.get("name") or "—"
        if isinstance(value, list):
            return ", ".join(names.get(v, v) for v in value)
        return value

    return [
        {
            "at": a.at,
            "actor": a.actor,
            "note": a.note,
            "changes": [
                (labels.get(field, field), shown(field, pair[0]), shown(field, pair[1]))
                for field, pair in a.changes.items()
                if isinstance(pair, list) and len(pair) == 2
            ],
        }
        for a in amendments
    ]


def _soon(day: dt.date | None) -> bool:
    today = timezone.localdate()
    return day is not None and today <= day <= today + dt.timedelta(days=FILTER_RENEWING_DAYS)


def _edit_form(contract: Contract) -> AmendForm:
    return AmendForm(
        initial={
            "title": contract.title,
            "value": contract.value,
            "currency": contract.currency,
            "billing": contract.billing,
            "start_on": contract.start_on,
            "end_on": contract.end_on,
            "renewal_on": contract.renewal_on,
            "notice_days": contract.notice_days,
            "exclusive": contract.exclusive,
            "notes": contract.notes,
            "signatories": [p.public_id for p in contract.signatories.all()],
            "services": [i.public_id for i in contract.services.all()],
        },
        **_choices(contract.party, contract),
    )


def _choices(party, contract) -> dict:
    people = selectors.contract_signatory_candidates(party=party, contract=contract)
    items = selectors.contract_service_candidates(contract=contract)
    return {
        "signatory_choices": [(p.public_id, p.display_name) for p in people],
        "service_choices": [
            (i.public_id, f"{i.name} · {i.unit_price} {i.currency}") for i in items
        ],
    }
