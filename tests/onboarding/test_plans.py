"""Onboarding plans: the start hook, the guard, completion, reopening and rights."""

from __future__ import annotations

import datetime as dt

import pytest

from clientela.clientdesk.settings import desk_settings_update
from clientela.commerce.models import CatalogItem
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent
from clientela.journeys.services import journey_move
from clientela.onboarding.models import OnboardingPlan, PlanTask
from clientela.onboarding.selectors import (
    LateTask,
    Progress,
    onboarding_is_complete,
    onboarding_late_count_by_owner,
    onboarding_progress,
    onboarding_tasks_late,
)
from clientela.onboarding.services import (
    onboarding_plan_start,
    plan_task_complete,
    plan_task_reopen,
)
from clientela.parties.models import Relationship
from tests.factories import UserFactory, make_party
from tests.onboarding.helpers import AT, enter_onboarding, make_client, make_template


def _service(sku: str, name: str) -> CatalogItem:
    return CatalogItem.objects.create(
        sku=sku, name=name, offering="personalised", unit_price="1000.00"
    )


@pytest.fixture
def specialist(db):
    return UserFactory(username="specialist", role="support_agent")


@pytest.fixture
def default_template(db, specialist):
    return make_template(
        "Standard onboarding",
        tasks=[
            ("Kickoff call", 0, None),
            ("Collect documents", 7, specialist),
            ("Review", 30, None),
        ],
    )


def test_entering_onboarding_starts_the_default_plan_from_the_contract_start(
    users, default_template
):
    rel = make_client(users, start_on=dt.date(2026, 2, 23))
    enter_onboarding(users, rel)
    plan = OnboardingPlan.objects.get(relationship=rel)
    assert (plan.template, plan.template_name, plan.start_on, plan.started_at) == (
        default_template,
        "Standard onboarding",
        dt.date(2026, 2, 23),
        AT,
    )
    assert plan.public_id.startswith("obp_")
    rows = list(plan.tasks.values_list("title", "instructions", "assignee__username", "due_on"))
    assert rows == [
        ("Kickoff call", "How to: Kickoff call", "account_manager", dt.date(2026, 2, 23)),
        ("Collect documents", "How to: Collect documents", "specialist", dt.date(2026, 3, 2)),
        ("Review", "How to: Review", "account_manager", dt.date(2026, 3, 25)),
    ]
    assert plan.tasks.first().public_id.startswith("obk_")
    assert onboarding_is_complete(relationship_id=rel.pk) is False
    assert onboarding_progress(relationship_id=rel.pk, today=dt.date(2026, 3, 10)) == Progress(
        plan_public_id=plan.public_id, done=0, total=3, late=2
    )
    assert AuditEvent.objects.filter(action="onboarding.plan_started").count() == 1


def test_without_a_contract_the_plan_starts_on_the_day_of_entering_onboarding(
    users, default_template
):
    desk_settings_update(actor=None, guard_contract_for_purchase=False)
    party = make_party(given_name="Dan", relationship_kind="client", owner=users["account_manager"])
    rel = Relationship.objects.get(party=party, is_current=True)
    for stage in ("consideration", "purchase"):
        journey_move(actor=users["manager"], relationship=rel, to_stage=stage)
    enter_onboarding(users, rel, at=dt.datetime(2026, 5, 4, 23, 10, tzinfo=dt.UTC))
    plan = OnboardingPlan.objects.get(relationship=rel)
    assert plan.start_on == dt.date(2026, 5, 4)
    assert list(plan.tasks.values_list("due_on", flat=True)) == [
        dt.date(2026, 5, 4),
        dt.date(2026, 5, 11),
        dt.date(2026, 6, 3),
    ]


def test_the_contract_services_pick_the_template_first_by_position(users, default_template):
    audit, seo, design = _service("AUD", "Audit"), _service("SEO", "SEO"), _service("DES", "Design")
    make_template("SEO onboarding", service=seo, position=5, tasks=[("SEO brief", 2, None)])
    make_template("Audit onboarding", service=audit, position=1, tasks=[("Scope", 3, None)])
    make_template("Old audit", service=audit, position=0, tasks=[("x", 1, None)], active=False)
    both = make_client(users, name="Both", services=[seo, audit])
    enter_onboarding(users, both)
    seo_only = make_client(users, name="Seo", services=[seo])
    enter_onboarding(users, seo_only)
    other = make_client(users, name="Other", services=[design])
    enter_onboarding(users, other)
    plans = {
        p.relationship.party.given_name: (p.template_name, [t.title for t in p.tasks.all()])
        for p in OnboardingPlan.objects.select_related("relationship__party")
    }
    assert plans == {
        "Both": ("Audit onboarding", ["Scope"]),
        "Seo": ("SEO onboarding", ["SEO brief"]),
        "Other": ("Standard onboarding", ["Kickoff call", "Collect documents", "Review"]),
    }


def test_reentering_onboarding_while_a_plan_is_open_starts_no_second_plan(users, default_template):
    rel = make_client(users)
    enter_onboarding(users, rel)
    journey_move(actor=users["manager"], relationship=rel, to_stage="purchase", reason="oops")
    enter_onboarding(users, rel, at=AT + dt.timedelta(days=3))
    assert OnboardingPlan.objects.filter(relationship=rel).count() == 1


def test_no_template_no_plan_and_the_guard_lets_the_client_through(users):
    rel = make_client(users)
    enter_onboarding(users, rel)
    assert OnboardingPlan.objects.count() == 0
    assert onboarding_is_complete(relationship_id=rel.pk) is True
    assert onboarding_progress(relationship_id=rel.pk) is None
    journey_move(actor=users["manager"], relationship=rel, to_stage="relationship_management")
    rel.refresh_from_db()
    assert rel.stage == "relationship_management"


def test_guard_refuses_management_until_the_plan_is_complete_and_can_be_switched_off(
    users, default_template
):
    rel = make_client(users)
    enter_onboarding(users, rel)
    with pytest.raises(ApplicationError) as info:
        journey_move(actor=users["manager"], relationship=rel, to_stage="relationship_management")
    assert info.value.code == ErrorCode.TRANSITION_REFUSED
    assert info.value.extra["rule"] == "client.onboarding_complete"
    rel.refresh_from_db()
    assert rel.stage == "onboarding"
    desk_settings_update(actor=users["admin"], guard_onboarding_for_management=False)
    journey_move(actor=users["manager"], relationship=rel, to_stage="relationship_management")
    rel.refresh_from_db()
    assert rel.stage == "relationship_management"


def test_guard_lets_the_client_through_once_every_task_is_done(users, default_template):
    rel = make_client(users)
    enter_onboarding(users, rel)
    plan = OnboardingPlan.objects.get(relationship=rel)
    done_at = AT + dt.timedelta(days=1)
    for task in plan.tasks.all():
        plan_task_complete(
            actor=users["account_manager"], task_public_id=task.public_id, at=done_at
        )
    plan.refresh_from_db()
    assert plan.completed_at == done_at
    assert onboarding_is_complete(relationship_id=rel.pk) is True
    journey_move(actor=users["manager"], relationship=rel, to_stage="relationship_management")
    rel.refresh_from_db()
    assert rel.stage == "relationship_management"


def test_completing_and_reopening_a_task(users, default_template):
    rel = make_client(users)
    enter_onboarding(users, rel)
    plan = OnboardingPlan.objects.get(relationship=rel)
    tasks = list(plan.tasks.all())
    when = AT + dt.timedelta(days=2)
    plan_task_complete(actor=users["manager"], task_public_id=tasks[0].public_id, at=when)
    plan.refresh_from_db()
    assert plan.completed_at is None
    for task in tasks[1:]:
        plan_task_complete(actor=users["manager"], task_public_id=task.public_id, at=when)
    plan_task_complete(actor=users["admin"], task_public_id=tasks[0].public_id)  # no change
    tasks[0].refresh_from_db()
    assert (tasks[0].done_at, tasks[0].done_by) == (when, users["manager"])
    plan.refresh_from_db()
    assert plan.completed_at == when

    with pytest.raises(ApplicationError) as info:
        plan_task_reopen(actor=users["manager"], task_public_id=tasks[1].public_id, reason=" ")
    assert (info.value.code, info.value.extra["fields"]) == (
        ErrorCode.VALIDATION,
        {"reason": ["is required"]},
    )
    plan_task_reopen(
        actor=users["account_manager"], task_public_id=tasks[1].public_id, reason="Missing ID"
    )
    tasks[1].refresh_from_db()
    plan.refresh_from_db()
    assert (tasks[1].done_at, tasks[1].done_by, tasks[1].reopen_reason) == (
        None,
        None,
        "Missing ID",
    )
    assert plan.completed_at is None
    assert onboarding_is_complete(relationship_id=rel.pk) is False
    with pytest.raises(ApplicationError) as info:
        plan_task_reopen(actor=users["manager"], task_public_id=tasks[1].public_id, reason="again")
    assert info.value.code == ErrorCode.CONFLICT
    assert list(
        AuditEvent.objects.filter(action__startswith="onboarding.")
        .order_by("id")
        .values_list("action", flat=True)
    ) == [
        "onboarding.plan_started",
        "onboarding.task_completed",
        "onboarding.task_completed",
        "onboarding.task_completed",
        "onboarding.plan_completed",
        "onboarding.task_reopened",
    ]


def test_rights_to_complete_and_reopen_a_task(users, default_template, specialist):
    rel = make_client(users)
    enter_onboarding(users, rel)
    kickoff, documents, review = PlanTask.objects.filter(plan__relationship=rel)
    other_am = UserFactory(username="other_am", role="account_manager")
    for actor in (other_am, users["viewer"], users["support_agent"], users["marketer"]):
        with pytest.raises(ApplicationError) as info:
            plan_task_complete(actor=actor, task_public_id=kickoff.public_id)
        assert info.value.code == ErrorCode.PERMISSION_DENIED
    # the named assignee (a support agent) completes their own task, not the others
    plan_task_complete(actor=specialist, task_public_id=documents.public_id)
    with pytest.raises(ApplicationError) as info:
        plan_task_complete(actor=specialist, task_public_id=review.public_id)
    assert info.value.code == ErrorCode.PERMISSION_DENIED
    plan_task_complete(actor=users["account_manager"], task_public_id=kickoff.public_id)
    with pytest.raises(ApplicationError) as info:
        plan_task_reopen(actor=other_am, task_public_id=kickoff.public_id, reason="no")
    assert info.value.code == ErrorCode.PERMISSION_DENIED
    plan_task_complete(actor=users["admin"], task_public_id=review.public_id)
    assert PlanTask.objects.filter(done_at__isnull=True).count() == 0


def test_a_backup_may_complete_the_clients_tasks(users, default_template):
    from clientela.clientdesk.services import relationship_backup_add

    rel = make_client(users)
    enter_onboarding(users, rel)
    backup = UserFactory(username="backup", role="account_manager")
    task = PlanTask.objects.filter(plan__relationship=rel).first()
    with pytest.raises(ApplicationError):
        plan_task_complete(actor=backup, task_public_id=task.public_id)
    relationship_backup_add(actor=users["manager"], relationship=rel, user=backup)
    plan_task_complete(actor=backup, task_public_id=task.public_id)
    task.refresh_from_db()
    assert task.done_by == backup


def test_late_tasks_selectors_are_exact(users, default_template):
    rel = make_client(users, name="Bea")
    enter_onboarding(users, rel)
    other_am = UserFactory(username="other_am", role="account_manager")
    other = make_client(users, name="Cris", owner=other_am, start_on=dt.date(2026, 3, 7))
    enter_onboarding(users, other, at=AT + dt.timedelta(days=5))
    plan = OnboardingPlan.objects.get(relationship=rel)
    kickoff = plan.tasks.get(title="Kickoff call")
    plan_task_complete(actor=users["manager"], task_public_id=kickoff.public_id)
    today = dt.date(2026, 3, 12)
    late = onboarding_tasks_late(owner_id=users["account_manager"].pk, today=today)
    docs = plan.tasks.get(title="Collect documents")
    assert late == [
        LateTask(
            task_public_id=docs.public_id,
            title="Collect documents",
            plan_public_id=plan.public_id,
            party_public_id=rel.party.public_id,
            party_name="Bea Popescu",
            relationship_id=rel.pk,
            assignee_id=docs.assignee_id,
            due_on=dt.date(2026, 3, 9),
            days_late=3,
        )
    ]
    everyone = onboarding_tasks_late(owner_id=None, today=today)
    assert [(t.title, t.party_name, t.due_on, t.days_late) for t in everyone] == [
        ("Kickoff call", "Cris Popescu", dt.date(2026, 3, 7), 5),
        ("Collect documents", "Bea Popescu", dt.date(2026, 3, 9), 3),
    ]
    assert onboarding_late_count_by_owner(today=today) == {
        users["account_manager"].pk: 1,
        other_am.pk: 1,
    }
    # due today is not late yet
    assert onboarding_tasks_late(owner_id=None, today=dt.date(2026, 3, 7)) == []


def test_manager_starts_a_plan_by_hand_and_not_twice(users, default_template):
    rel = make_client(users, stage="relationship_management", start_on=dt.date(2026, 1, 5))
    assert OnboardingPlan.objects.filter(relationship=rel).count() == 1
    OnboardingPlan.objects.filter(relationship=rel).update(completed_at=AT)
    with pytest.raises(ApplicationError) as info:
        onboarding_plan_start(
            actor=users["account_manager"], relationship=rel, template=default_template
        )
    assert info.value.code == ErrorCode.PERMISSION_DENIED
    plan = onboarding_plan_start(
        actor=users["manager"], relationship=rel, template=default_template, at=AT
    )
    assert (plan.start_on, plan.tasks.count(), plan.started_by) == (
        dt.date(2026, 1, 5),
        3,
        users["manager"],
    )
    with pytest.raises(ApplicationError) as info:
        onboarding_plan_start(actor=users["manager"], relationship=rel, template=default_template)
    assert info.value.code == ErrorCode.CONFLICT
    assert OnboardingPlan.objects.filter(relationship=rel).count() == 2
