"""Contracts: reads. The functions other apps call are listed in docs/interfaces (client desk).

"Binding" means status signed or active. The renewal date is `renewal_on`, or `end_on` when no
renewal date was set; the notice deadline is the renewal date minus `notice_days`.

Annualised value (`contract_value_by_owner`, `Contract.annual_value`): `value` is the amount
billed per period, so monthly x12, quarterly x4, yearly x1; a one-off contract counts its
value once, in the calendar year in which it starts (in other years it adds nothing). Only
contracts in the business currency are summed (amounts in other currencies are not
converted).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from clientela.contracts.models import (
    BINDING,
    BillingRhythm,
    Contract,
    ContractAmendment,
)


@dataclass(frozen=True)
class RenewalDue:
    contract_public_id: str
    title: str
    party_public_id: str
    party_name: str
    relationship_id: int
    owner_id: int | None
    renewal_on: dt.date
    notice_deadline: dt.date
    value: Decimal
    currency: str


def _with_renewal(qs: QuerySet[Contract]) -> QuerySet[Contract]:
    return qs.annotate(renewal_date_db=Coalesce("renewal_on", "end_on"))


def _binding_for(relationship_id: int) -> QuerySet[Contract]:
    return Contract.objects.filter(relationship_id=relationship_id, status__in=BINDING).order_by(
        "-start_on", "-id"
    )


def contract_has_signed(*, relationship_id: int) -> bool:
    """True when the relationship has a signed or active contract."""
    return _binding_for(relationship_id).exists()


def contract_start_for(*, relationship_id: int) -> dt.date | None:
    """The start date of the relationship's latest (by start date) signed/active contract."""
    return _binding_for(relationship_id).values_list("start_on", flat=True).first()


def contract_service_ids(*, relationship_id: int) -> list[int]:
    """The catalogue item ids (ascending) of the relationship's latest signed/active contract;
    [] without one."""
    contract_id = _binding_for(relationship_id).values_list("id", flat=True).first()
    if contract_id is None:
        return []
    return sorted(
        Contract.services.through.objects.filter(contract_id=contract_id).values_list(
            "catalogitem_id", flat=True
        )
    )


def contracts_renewing(
    *, owner_id: int | None, today: dt.date, within_days: int
) -> list[RenewalDue]:
    """Signed/active contracts whose renewal date falls in [today, today + within_days],
    soonest first, for the clients of `owner_id` (None = everyone's)."""
    until = today + dt.timedelta(days=within_days)
    qs = _with_renewal(Contract.objects.filter(status__in=BINDING)).filter(
        renewal_date_db__gte=today, renewal_date_db__lte=until
    )
    if owner_id is not None:
        qs = qs.filter(relationship__owner_id=owner_id)
    rows = qs.select_related("party", "relationship").order_by("renewal_date_db", "id")
    return [
        RenewalDue(
            contract_public_id=c.public_id,
            title=c.title,
            party_public_id=c.party.public_id,
            party_name=c.party.display_name,
            relationship_id=c.relationship_id,
            owner_id=c.relationship.owner_id,
            renewal_on=c.renewal_date_db,
            notice_deadline=c.renewal_date_db - dt.timedelta(days=c.notice_days),
            value=c.value,
            currency=c.currency,
        )
        for c in rows
    ]


def contract_value_by_owner(*, today: dt.date | None = None) -> dict[int | None, Decimal]:
    """Annualised value of the signed/active contracts in the business currency, per account
    manager of the client (None: clients without one). Owners without such contracts are
    absent. `today` (default: the local date) decides which one-off contracts count: those
    starting in today's calendar year."""
    from clientela.core.selectors import business_get

    today = today or timezone.localdate()
    money = DecimalField(max_digits=20, decimal_places=2)
    annual = Case(
        When(billing=BillingRhythm.MONTHLY, then=F("value") * 12),
        When(billing=BillingRhythm.QUARTERLY, then=F("value") * 4),
        When(billing=BillingRhythm.YEARLY, then=F("value")),
        When(billing=BillingRhythm.ONE_OFF, start_on__year=today.year, then=F("value")),
        default=Value(Decimal("0")),
        output_field=money,
    )
    rows = (
        Contract.objects.filter(status__in=BINDING, currency=business_get().currency)
        .values("relationship__owner_id")
        .annotate(total=Sum(annual, output_field=money))
        .order_by()
    )
    return {
        row["relationship__owner_id"]: Decimal(row["total"] or 0).quantize(Decimal("0.01"))
        for row in rows
    }


def contract_document_may_open(*, user, contract: Contract) -> bool:
    """Whether `user` may open the contract's document.

    With the desk setting `restrict_contract_documents` off: every active staff member (all
    of them read contracts). With it on: admins and managers; an account manager only for a
    client they own or back up; nobody else. `user=None` is the system."""
    from clientela.accounts.models import Role
    from clientela.clientdesk.settings import desk_setting

    if user is None:
        return True
    if not getattr(user, "is_active", False):
        return False
    if not desk_setting("restrict_contract_documents"):
        return True
    if user.role in (Role.ADMIN, Role.MANAGER):
        return True
    if user.role != Role.ACCOUNT_MANAGER:
        return False
    relationship = contract.relationship
    if relationship.owner_id == user.pk:
        return True
    return user.pk in _backups(relationship.pk)


def _backups(relationship_id: int) -> set[int]:
    try:
        from clientela.clientdesk.selectors import relationship_backup_ids
    except ImportError:  # the desk's backups are not installed yet
        return set()
    return set(relationship_backup_ids(relationship_id=relationship_id))


# ---- pages and API ---------------------------------------------------------------------


def contract_get(*, public_id: str) -> Contract:
    """The contract with its party, relationship and owner loaded; NOT_FOUND otherwise."""
    from django.utils.translation import gettext as _

    from clientela.core.errors import ApplicationError, ErrorCode

    contract = (
        Contract.objects.select_related("party", "relationship", "relationship__owner")
        .prefetch_related("signatories", "services")
        .filter(public_id=public_id)
        .first()
    )
    if contract is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such contract."), {"id": public_id})
    return contract


def contract_lock(*, public_id: str) -> None:
    """Lock the contract's row for a conditional write (NOT_FOUND when there is none)."""
    from django.utils.translation import gettext as _

    from clientela.core.errors import ApplicationError, ErrorCode

    found = list(
        Contract.objects.select_for_update()
        .filter(public_id=public_id)
        .values_list("pk", flat=True)
    )
    if not found:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such contract."), {"id": public_id})


def contract_list(
    *,
    status: str = "",
    owner_id: int | None = None,
    party_id: int | None = None,
    renewing_before: dt.date | None = None,
    renewing_after: dt.date | None = None,
    search: str = "",
) -> QuerySet[Contract]:
    """Contracts newest first (creation), filtered; every staff member may read them all.

    `renewing_before`/`renewing_after` keep signed/active contracts whose renewal date falls
    in that range (inclusive)."""
    qs = _with_renewal(
        Contract.objects.select_related("party", "relationship", "relationship__owner")
    )
    if status:
        qs = qs.filter(status=status)
    if owner_id is not None:
        qs = qs.filter(relationship__owner_id=owner_id)
    if party_id is not None:
        qs = qs.filter(party_id=party_id)
    if renewing_before is not None or renewing_after is not None:
        qs = qs.filter(status__in=BINDING, renewal_date_db__isnull=False)
        if renewing_before is not None:
            qs = qs.filter(renewal_date_db__lte=renewing_before)
        if renewing_after is not None:
            qs = qs.filter(renewal_date_db__gte=renewing_after)
    search = search.strip()
    if search:
        qs = qs.filter(
            Q(title__icontains=search)
            | Q(party__display_name__icontains=search)
            | Q(public_id=search)
        )
    return qs.order_by("-created_at", "-id")


def contracts_for_relationship(*, relationship_id: int) -> list[Contract]:
    """The relationship's contracts, newest first (for the party card)."""
    return list(
        _with_renewal(Contract.objects.filter(relationship_id=relationship_id)).order_by(
            "-created_at", "-id"
        )
    )


def contract_amendments(*, contract: Contract) -> QuerySet[ContractAmendment]:
    """The contract's amendments, newest first, actor loaded."""
    return ContractAmendment.objects.filter(contract=contract).select_related("actor")


def contracts_to_expire(*, today: dt.date) -> QuerySet[Contract]:
    """Signed/active contracts whose end date has passed (end_on < today)."""
    return Contract.objects.filter(status__in=BINDING, end_on__lt=today).order_by("id")


def contracts_with_renewal_between(*, start: dt.date, end: dt.date) -> QuerySet[Contract]:
    """Signed/active contracts with a renewal date in [start, end], relationship loaded."""
    return (
        _with_renewal(Contract.objects.filter(status__in=BINDING))
        .filter(renewal_date_db__gte=start, renewal_date_db__lte=end)
        .select_related("party", "relationship")
        .order_by("renewal_date_db", "id")
    )


def contract_signatory_candidates(*, party, contract: Contract | None = None) -> list:
    """People who may sign for `party`: the party itself when a person, the members of an
    organisation, and whoever already signs `contract`; sorted by name."""
    from clientela.parties.models import Party, PartyKind

    people = Q(pk__in=[])
    if party.kind == PartyKind.PERSON:
        people |= Q(pk=party.pk)
    people |= Q(memberships__organisation_id=party.pk)
    if contract is not None and contract.pk:
        people |= Q(contracts_signatory=contract)
    return list(
        Party.objects.filter(people, kind=PartyKind.PERSON).distinct().order_by("sort_key", "id")
    )


def contract_service_candidates(*, contract: Contract | None = None) -> list:
    """Active personalised catalogue items, plus those `contract` already names; by name."""
    from clientela.commerce.models import CatalogItem, Offering

    items = Q(offering=Offering.PERSONALISED, active=True)
    if contract is not None and contract.pk:
        items |= Q(contracts=contract)
    return list(CatalogItem.objects.filter(items).distinct().order_by("name", "id"))


def public_id_names(*, public_ids: list[str]) -> dict[str, str]:
    """Names of the parties and catalogue items named by `public_ids` (for amendments)."""
    from clientela.commerce.models import CatalogItem
    from clientela.parties.models import Party

    names = dict(
        Party.objects.filter(public_id__in=public_ids).values_list("public_id", "display_name")
    )
    names.update(
        CatalogItem.objects.filter(public_id__in=public_ids).values_list("public_id", "name")
    )
    return names


__all__ = [
    "public_id_names",
    "contract_signatory_candidates",
    "contract_service_candidates",
    "RenewalDue",
    "contract_has_signed",
    "contract_start_for",
    "contract_service_ids",
    "contracts_renewing",
    "contract_value_by_owner",
    "contract_get",
    "contract_list",
    "contract_lock",
    "contracts_for_relationship",
    "contract_amendments",
    "contracts_to_expire",
    "contracts_with_renewal_between",
    "contract_document_may_open",
]
