"""Hand-built desk data, made through the other apps' services."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from clientela.parties.models import Relationship
from tests.factories import make_party

TODAY = date(2025, 6, 30)


def at(day: date, hour: int = 12) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def client(owner, name: str = "Ana") -> Relationship:
    party = make_party(
        given_name=name,
        family_name="Client",
        relationship_kind="client",
        owner=owner,
        stage="consideration",
    )
    return Relationship.objects.select_related("party").get(party=party)


def cadence(rel, *, every_days: int, started_on: date):
    from clientela.checkins.services import cadence_set

    return cadence_set(
        actor=None, relationship=rel, every_days=every_days, channel="call", started_on=started_on
    )


def talk(rel, day: date, *, inbound: bool = False, staff=None):
    """A call with staff, or an inbound email from the client nobody on the staff handled."""
    from clientela.activities.services import activity_log

    if inbound:
        return activity_log(
            actor=None, party=rel.party, kind="email", direction="inbound", occurred_at=at(day)
        )
    return activity_log(actor=None, party=rel.party, kind="call", staff=staff, occurred_at=at(day))


def review(rel, day: date, *, overall: int, items: int = 5, comment: str = ""):
    """An answered review; score = (2 * overall + 3 * (items - 1) * 2.5) / 5."""
    from clientela.reviews.services import review_answer, review_send

    sent = review_send(actor=None, relationship=rel, now=at(day, 9))
    data = {
        "overall": overall,
        "recommend": overall,
        "results": items,
        "communication": items,
        "responsiveness": items,
        "comment": comment,
    }
    return review_answer(public_id=sent.public_id, data=data, now=at(day, 15))


def late_task(rel, *, started: date, offset_days: int, title: str = "Kick-off call"):
    """An onboarding plan with one task due `offset_days` after `started`."""
    from clientela.onboarding.models import OnboardingTemplate
    from clientela.onboarding.services import onboarding_plan_start
    from clientela.onboarding.template_services import TaskSpec, onboarding_template_create

    template = OnboardingTemplate.objects.filter(name=title).first() or onboarding_template_create(
        actor=None, name=title, tasks=[TaskSpec(title=title, offset_days=offset_days)]
    )
    return onboarding_plan_start(actor=None, relationship=rel, template=template, at=at(started))


def renewal(rel, *, renewal_on: date, value: str = "1000", title: str = "Retainer"):
    from clientela.contracts.services import contract_create, contract_transition

    contract = contract_create(
        actor=None,
        relationship=rel,
        title=title,
        start_on=renewal_on - timedelta(days=365),
        value=value,
        billing="monthly",
        renewal_on=renewal_on,
        notice_days=30,
    )
    contract_transition(actor=None, contract=contract, status="sent")
    return contract_transition(
        actor=None, contract=contract, status="signed", on=renewal_on - timedelta(days=365)
    )
