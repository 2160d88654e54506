"""The morning list and the workload: what each account manager should look at today.

Both read the other desk apps through their agreed selectors only, skipping an app that is
not installed yet; each section is one call for everyone (or one account manager), never a
query per client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from clientela.clientdesk.selectors.health import (
    Health,
    client_health,
    engagement_by_party,
)

NEGATIVE_DAYS = 30


@dataclass
class MorningList:
    owner_id: int | None
    today: date
    checkins: list = field(default_factory=list)  # CheckinDue, overdue only
    renewals: list = field(default_factory=list)  # RenewalDue
    falling: list = field(default_factory=list)  # FallingClient
    negative: list = field(default_factory=list)  # NegativeReview
    late_tasks: list = field(default_factory=list)  # LateTask
    at_risk: list = field(default_factory=list)  # ClientRow
    health: dict[int, Health] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {
            "checkins": len(self.checkins),
            "renewals": len(self.renewals),
            "falling": len(self.falling),
            "negative": len(self.negative),
            "late_tasks": len(self.late_tasks),
            "at_risk": len(self.at_risk),
        }


@dataclass(frozen=True)
class ClientRow:
    relationship_id: int
    relationship_public_id: str
    party_public_id: str
    party_name: str
    owner_id: int | None


@dataclass(frozen=True)
class FallingClient:
    relationship_id: int
    relationship_public_id: str
    party_public_id: str
    party_name: str
    owner_id: int | None
    recent: int
    previous: int


def clients_of(*, owner_id: int | None) -> list[ClientRow]:
    """The current, active client relationships (of `owner_id`, or everyone's), by name."""
    from clientela.parties.models import Relationship, RelationshipKind, RelationshipStatus

    qs = Relationship.objects.filter(
        is_current=True, kind=RelationshipKind.CLIENT, status=RelationshipStatus.ACTIVE
    )
    if owner_id is not None:
        qs = qs.filter(owner_id=owner_id)
    return [
        ClientRow(
            relationship_id=r["id"],
            relationship_public_id=r["public_id"],
            party_public_id=r["party__public_id"],
            party_name=r["party__display_name"],
            owner_id=r["owner_id"],
        )
        for r in qs.order_by("party__sort_key", "id").values(
            "id", "public_id", "party__public_id", "party__display_name", "owner_id", "party_id"
        )
    ]


def morning_list(*, owner_id: int | None, today: date) -> MorningList:
    """Today's list for account manager `owner_id` (None: every client): overdue check-ins,
    renewals within `renewal_warning_days`, falling engagement, negative reviews of the last
    30 days, late onboarding tasks, and clients whose health is at risk; `health` holds the
    health of every client named in the list (and of all the owner's clients)."""
    from clientela.checkins.selectors import checkins_due
    from clientela.clientdesk.settings import desk_setting
    from clientela.contracts.selectors import contracts_renewing
    from clientela.onboarding.selectors import onboarding_tasks_late
    from clientela.reviews.selectors import reviews_negative

    result = MorningList(owner_id=owner_id, today=today)
    result.checkins = [
        d for d in checkins_due(owner_id=owner_id, today=today, within_days=0) if d.days_overdue > 0
    ]
    result.renewals = list(
        contracts_renewing(
            owner_id=owner_id, today=today, within_days=desk_setting("renewal_warning_days")
        )
    )
    result.negative = list(
        reviews_negative(owner_id=owner_id, since=today - timedelta(days=NEGATIVE_DAYS))
    )
    result.late_tasks = list(onboarding_tasks_late(owner_id=owner_id, today=today))

    clients = clients_of(owner_id=owner_id)
    party_ids = _party_ids([c.relationship_id for c in clients])
    engagement = engagement_by_party(party_ids=set(party_ids.values()), today=today)
    for client in clients:
        trend = engagement.get(party_ids[client.relationship_id])
        if trend is not None and trend.falling:
            result.falling.append(
                FallingClient(
                    relationship_id=client.relationship_id,
                    relationship_public_id=client.relationship_public_id,
                    party_public_id=client.party_public_id,
                    party_name=client.party_name,
                    owner_id=client.owner_id,
                    recent=trend.recent,
                    previous=trend.previous,
                )
            )
    named = {c.relationship_id for c in clients}
    for section in (result.checkins, result.renewals, result.negative, result.late_tasks):
        named.update(item.relationship_id for item in section)
    result.health = client_health(relationship_ids=sorted(named), today=today)
    result.at_risk = [
        c
        for c in clients
        if c.relationship_id in result.health and result.health[c.relationship_id].band == "at_risk"
    ]
    result.at_risk.sort(key=lambda c: (result.health[c.relationship_id].score, c.party_name))
    return result


def _party_ids(relationship_ids: list[int]) -> dict[int, int]:
    from clientela.parties.models import Relationship

    return dict(Relationship.objects.filter(id__in=relationship_ids).values_list("id", "party_id"))


@dataclass(frozen=True)
class WorkloadLine:
    user_id: int
    username: str
    name: str
    clients: int
    contract_value: Decimal
    overdue_checkins: int
    late_tasks: int
    renewals: int
    average_health: int | None


def workload(*, today: date, user_id: int | None = None) -> list[WorkloadLine]:
    """One line per active account manager (and per manager or admin who owns clients), or
    only `user_id`'s line: clients, annualised contract value, overdue check-ins, late
    onboarding tasks, renewals within `renewal_warning_days`, the average health of their
    clients (None without clients). By name."""
    from django.db.models import Q

    from clientela.accounts.models import User
    from clientela.checkins.selectors import checkin_overdue_count_by_owner
    from clientela.clientdesk.settings import desk_setting
    from clientela.contracts.selectors import contract_value_by_owner, contracts_renewing
    from clientela.onboarding.selectors import onboarding_late_count_by_owner

    clients = clients_of(owner_id=None)
    by_owner: dict[int, list[int]] = {}
    for c in clients:
        if c.owner_id is not None:
            by_owner.setdefault(c.owner_id, []).append(c.relationship_id)
    staff = User.objects.filter(is_active=True).filter(
        Q(role="account_manager") | Q(pk__in=list(by_owner))
    )
    if user_id is not None:
        staff = staff.filter(pk=user_id)
    values = contract_value_by_owner(today=today)
    overdue = checkin_overdue_count_by_owner(today=today)
    late = onboarding_late_count_by_owner(today=today)
    renewals: dict[int, int] = {}
    window = desk_setting("renewal_warning_days")
    for due in contracts_renewing(owner_id=None, today=today, within_days=window):
        if due.owner_id is not None:
            renewals[due.owner_id] = renewals.get(due.owner_id, 0) + 1
    wanted = [rid for uid, rids in by_owner.items() if user_id in (None, uid) for rid in rids]
    health = client_health(relationship_ids=wanted, today=today)
    lines = []
    for user in staff.order_by("first_name", "last_name", "username"):
        scores = [health[rid].score for rid in by_owner.get(user.pk, []) if rid in health]
        lines.append(
            WorkloadLine(
                user_id=user.pk,
                username=user.username,
                name=str(user),
                clients=len(by_owner.get(user.pk, [])),
                contract_value=Decimal(values.get(user.pk) or 0),
                overdue_checkins=overdue.get(user.pk, 0),
                late_tasks=late.get(user.pk, 0),
                renewals=renewals.get(user.pk, 0),
                average_health=round(sum(scores) / len(scores)) if scores else None,
            )
        )
    return lines
