"""Shared givens for the onboarding tests."""

from __future__ import annotations

import datetime as dt

from clientela.journeys.services import journey_move
from clientela.onboarding.models import AssigneeKind, OnboardingTemplate, TemplateTask
from clientela.parties.models import Relationship
from tests.factories import make_party

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def make_template(name: str, *, service=None, position=0, tasks=(), active=True):
    """A template with `tasks` = [(title, offset_days, staff user or None)]."""
    template = OnboardingTemplate.objects.create(
        name=name, service=service, position=position, active=active
    )
    for i, (title, offset, who) in enumerate(tasks):
        TemplateTask.objects.create(
            template=template,
            title=title,
            instructions=f"How to: {title}",
            offset_days=offset,
            position=i,
            assignee_kind=AssigneeKind.STAFF if who else AssigneeKind.ACCOUNT_MANAGER,
            assignee=who,
        )
    return template


def sign_contract(users, rel, *, start_on=None, services=()):
    """A signed contract for `rel` (through the contracts services)."""
    from clientela.contracts.services import contract_create, contract_transition

    contract = contract_create(
        actor=users["manager"],
        relationship=rel,
        title="Engagement letter",
        start_on=start_on or AT.date(),
        value="12000.00",
        services=[item.public_id for item in services],
    )
    contract = contract_transition(actor=users["manager"], contract=contract, status="sent")
    return contract_transition(
        actor=users["manager"], contract=contract, status="signed", on=AT.date()
    )


def make_client(users, *, name="Ana", owner=None, start_on=None, services=(), stage="purchase"):
    """A client of the account manager (or `owner`) in `stage`, with a signed contract when
    it reached purchase (the contracts guard wants one)."""
    party = make_party(
        given_name=name,
        relationship_kind="client",
        owner=owner or users["account_manager"],
        stage="consideration",
    )
    rel = Relationship.objects.get(party=party, is_current=True)
    if stage == "consideration":
        return rel
    sign_contract(users, rel, start_on=start_on, services=services)
    journey_move(actor=users["manager"], relationship=rel, to_stage="purchase", at=AT)
    if stage == "relationship_management":
        from clientela.clientdesk.settings import desk_settings_update

        desk_settings_update(actor=None, guard_onboarding_for_management=False)
        for step in ("onboarding", "relationship_management"):
            journey_move(actor=users["manager"], relationship=rel, to_stage=step, at=AT)
        desk_settings_update(actor=None, guard_onboarding_for_management=True)
    rel.refresh_from_db()
    return rel


def enter_onboarding(users, rel, at=AT):
    journey_move(actor=users["manager"], relationship=rel, to_stage="onboarding", at=at)
