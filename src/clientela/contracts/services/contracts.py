"""Contracts: create, change (amend) and move through the status machine.

Guarantees shared by every function here:
- only someone allowed `RELATIONSHIP_CHANGE` on the client party acts (account managers on
  their own clients, managers, admins; `actor=None` is the system);
- a contract belongs to a current *client* relationship;
- the row is locked for a change, the change is validated (`full_clean`) and written with
  its audit event in one transaction;
- once signed (and in every later status), a change is a `ContractAmendment` with the
  before/after values and a required note; draft and sent contracts change freely, the
  audit trail keeps those changes;
- every status change is an amendment too (its note is the reason given, if any), so the
  detail page shows the whole lifecycle.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize
from clientela.contracts.models import (
    AMENDED,
    TRANSITIONS,
    BillingRhythm,
    Contract,
    ContractAmendment,
    ContractStatus,
)
from clientela.core.errors import (
    ApplicationError,
    ErrorCode,
    from_django_validation,
    validation_error,
)
from clientela.core.services import audit_record

#: Fields `contract_update` may change (status, signature and termination move only through
#: `contract_transition`; the document through `contract_document_upload`).
EDITABLE = (
    "title",
    "value",
    "currency",
    "billing",
    "start_on",
    "end_on",
    "renewal_on",
    "notice_days",
    "exclusive",
    "notes",
    "signatories",
    "services",
)
_M2M = ("signatories", "services")


def contract_create(
    *,
    actor,
    relationship,
    title: str,
    start_on: dt.date,
    value: Decimal | str | int = Decimal("0"),
    currency: str = "",
    billing: str = BillingRhythm.MONTHLY,
    end_on: dt.date | None = None,
    renewal_on: dt.date | None = None,
    notice_days: int = 30,
    exclusive: bool = False,
    notes: str = "",
    signatories: list[str] | None = None,
    services: list[str] | None = None,
) -> Contract:
    """A new draft contract for the client of `relationship`.

    `signatories` are public ids of people (parties of kind person); `services` public ids of
    personalised catalogue items. `currency` defaults to the business currency."""
    from clientela.core.selectors import business_get

    _require_client(relationship)
    authorize(actor, Action.RELATIONSHIP_CHANGE, party=relationship.party)
    contract = Contract(
        relationship=relationship,
        party_id=relationship.party_id,
        title=(title or "").strip(),
        value=_decimal(value),
        currency=(currency or business_get().currency).strip().upper(),
        billing=billing,
        start_on=start_on,
        end_on=end_on,
        renewal_on=renewal_on,
        notice_days=notice_days,
        exclusive=bool(exclusive),
        notes=notes or "",
        status=ContractStatus.DRAFT,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    people = _signatories(signatories or [])
    items = _services(services or [])
    _validate(contract)
    with transaction.atomic():
        contract.save()
        contract.signatories.set(people)
        contract.services.set(items)
        audit_record(
            actor=actor,
            action="contract.created",
            target=contract,
            data={**_snapshot(contract), "party": relationship.party.public_id},
        )
    return contract


def contract_update(*, actor, contract: Contract, note: str = "", **changes: Any) -> Contract:
    """Change some of `EDITABLE`; returns the contract as stored.

    Only fields whose value really changes count; with none, nothing is written. Once the
    contract is signed (or later), the change needs a `note` and becomes an amendment."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise validation_error(unknown[0], _("cannot be changed here"))
    note = (note or "").strip()
    with transaction.atomic():
        locked = _locked(contract)
        authorize(actor, Action.RELATIONSHIP_CHANGE, party=locked.party)
        before = _snapshot(locked)
        people = items = None
        if "signatories" in changes:
            people = _signatories(changes.pop("signatories") or [])
        if "services" in changes:
            items = _services(changes.pop("services") or [])
        for field, value in changes.items():
            setattr(locked, field, _cleaned(field, value))
        after = _snapshot(locked)
        if people is not None:
            after["signatories"] = sorted(p.public_id for p in people)
        if items is not None:
            after["services"] = sorted(i.public_id for i in items)
        diff = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
        if not diff:
            return locked
        if locked.status in AMENDED and not note:
            raise validation_error("note", _("a signed contract changes only with a note"))
        _validate(locked)
        locked.updated_at = timezone.now()
        locked.save()
        if people is not None:
            locked.signatories.set(people)
        if items is not None:
            locked.services.set(items)
        if locked.status in AMENDED:
            ContractAmendment.objects.create(
                contract=locked, actor=_actor(actor), changes=diff, note=note
            )
        audit_record(
            actor=actor,
            action="contract.amended" if locked.status in AMENDED else "contract.updated",
            target=locked,
            data={"changes": diff, "note": note},
        )
    return locked


def contract_transition(
    *, actor, contract: Contract, status: str, reason: str = "", on: dt.date | None = None
) -> Contract:
    """Move the contract to `status` when `TRANSITIONS` allows it from the current one.

    Signing records `signed_on` (`on`, default today); terminating needs a `reason` and
    records `terminated_on`. A refused move is TRANSITION_REFUSED naming both statuses."""
    reason = (reason or "").strip()
    if status not in ContractStatus.values:
        raise validation_error("status", _("is not a contract status"))
    with transaction.atomic():
        locked = _locked(contract)
        authorize(actor, Action.RELATIONSHIP_CHANGE, party=locked.party)
        locked = _move(locked, status=status, reason=reason, on=on, actor=actor)
    return locked


def contract_expire(*, contract: Contract, today: dt.date) -> bool:
    """The system marks a signed/active contract whose end date has passed as expired (the
    sweep calls this). False when it was not due (already moved, or not ended yet)."""
    with transaction.atomic():
        locked = _locked(contract)
        if (
            locked.status not in (ContractStatus.SIGNED, ContractStatus.ACTIVE)
            or locked.end_on is None
            or locked.end_on >= today
        ):
            return False
        _move(locked, status=ContractStatus.EXPIRED, reason="expired", on=today, actor=None)
    return True


def _move(locked: Contract, *, status: str, reason: str, on, actor) -> Contract:
    before = locked.status
    if status not in TRANSITIONS.get(before, ()):
        raise ApplicationError(
            ErrorCode.TRANSITION_REFUSED,
            _("A contract cannot go from “%(from)s” to “%(to)s”.")
            % {"from": ContractStatus(before).label, "to": ContractStatus(status).label},
            {"from_status": before, "to_status": status},
        )
    today = on or timezone.localdate()
    diff: dict[str, list] = {"status": [before, status]}
    if status == ContractStatus.SIGNED:
        diff["signed_on"] = [_json(locked.signed_on), today.isoformat()]
        locked.signed_on = today
    if status == ContractStatus.TERMINATED:
        if not reason:
            raise validation_error("reason", _("a termination needs a reason"))
        diff["terminated_on"] = [_json(locked.terminated_on), today.isoformat()]
        diff["termination_reason"] = [locked.termination_reason, reason[:500]]
        locked.terminated_on = today
        locked.termination_reason = reason[:500]
    if status == ContractStatus.DRAFT and locked.signed_on:
        locked.signed_on = None
    locked.status = status
    locked.updated_at = timezone.now()
    locked.save()
    ContractAmendment.objects.create(
        contract=locked, actor=_actor(actor), changes=diff, note=reason
    )
    audit_record(
        actor=actor,
        action="contract.status_changed",
        target=locked,
        data={"from": before, "to": status, "reason": reason},
    )
    return locked


# ---- helpers -----------------------------------------------------------------------------


def _require_client(relationship) -> None:
    from clientela.parties.models import RelationshipKind

    if relationship is None:
        raise validation_error("party", _("is required"))
    if relationship.kind != RelationshipKind.CLIENT or not relationship.is_current:
        raise validation_error("party", _("a contract needs a current client relationship"))


def _locked(contract: Contract) -> Contract:
    locked = (
        Contract.objects.select_for_update()
        .select_related("party", "relationship")
        .filter(pk=contract.pk)
        .first()
    )
    if locked is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such contract."))
    return locked


def _validate(contract: Contract) -> None:
    if not contract.title:
        raise validation_error("title", _("is required"))
    if contract.billing not in BillingRhythm.values:
        raise validation_error("billing", _("is not a billing rhythm"))
    if len(contract.currency) != 3 or not contract.currency.isalpha():
        raise validation_error("currency", _("must be a three-letter ISO 4217 code"))
    if contract.start_on is None:
        raise validation_error("start_on", _("is required"))
    if contract.end_on is not None and contract.end_on < contract.start_on:
        raise validation_error("end_on", _("must not be before the start"))
    if contract.renewal_on is not None:
        if contract.renewal_on < contract.start_on:
            raise validation_error("renewal_on", _("must not be before the start"))
        if contract.end_on is not None and contract.renewal_on > contract.end_on:
            raise validation_error("renewal_on", _("must not be after the end"))
    if not isinstance(contract.notice_days, int) or not 0 <= contract.notice_days <= 3650:
        raise validation_error("notice_days", _("must be a number of days from 0 to 3650"))
    try:
        contract.full_clean(exclude=["relationship", "party", "document"])
    except ValidationError as exc:
        raise from_django_validation(exc) from exc


def _decimal(value) -> Decimal:
    try:
        result = Decimal(str(value).strip())
    except (InvalidOperation, ValueError) as exc:
        raise validation_error("value", _("is not an amount")) from exc
    if not result.is_finite() or result < 0:
        raise validation_error("value", _("must be zero or more"))
    if result.as_tuple().exponent < -2 or abs(result) >= Decimal("1e12"):
        raise validation_error("value", _("has too many digits"))
    return result.quantize(Decimal("0.01"))


def _cleaned(field: str, value):
    if field == "value":
        return _decimal(value)
    if field == "currency":
        return (value or "").strip().upper()
    if field == "title":
        return (value or "").strip()
    if field == "notes":
        return value or ""
    if field == "exclusive":
        return bool(value)
    return value


def _signatories(public_ids: list[str]):
    from clientela.parties.models import Party, PartyKind

    wanted = list(dict.fromkeys(public_ids))
    found = {p.public_id: p for p in Party.objects.filter(public_id__in=wanted)}
    for public_id in wanted:
        party = found.get(public_id)
        if party is None:
            raise validation_error(
                "signatories", _("no such party: %(id)s") % {"id": public_id[:40]}
            )
        if party.kind != PartyKind.PERSON:
            raise validation_error(
                "signatories", _("%(name)s is not a person") % {"name": party.display_name}
            )
    return [found[p] for p in wanted]


def _services(public_ids: list[str]):
    from clientela.commerce.models import CatalogItem, Offering

    wanted = list(dict.fromkeys(public_ids))
    found = {i.public_id: i for i in CatalogItem.objects.filter(public_id__in=wanted)}
    for public_id in wanted:
        item = found.get(public_id)
        if item is None:
            raise validation_error(
                "services", _("no such catalogue item: %(id)s") % {"id": public_id[:40]}
            )
        if item.offering != Offering.PERSONALISED:
            raise validation_error(
                "services", _("%(name)s is not a personalised service") % {"name": item.name}
            )
    return [found[p] for p in wanted]


def _snapshot(contract: Contract) -> dict[str, Any]:
    """The editable fields as JSON-friendly values (m2m as sorted public ids)."""
    data = {field: _json(getattr(contract, field)) for field in EDITABLE if field not in _M2M}
    if contract.pk:
        data["signatories"] = sorted(contract.signatories.values_list("public_id", flat=True))
        data["services"] = sorted(contract.services.values_list("public_id", flat=True))
    return data


def _json(value):
    if isinstance(value, Decimal):
        return str(value.quantize(Decimal("0.01")))
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None
