"""Onboarding in the demo: templates for the agency's and the bank's personalised services,
an open plan for every client in onboarding (partly done, some tasks late against `now`) and
a completed plan for every client already in relationship management.

A completed plan starts the day its client entered onboarding (the demo's transition); an
open plan too, unless that was long ago: then it started 5 to 40 days before `now`, so the
open plans are in flight (a few tasks days late, not months). Plans come from the first
template (by position) for a personalised service the client has bought, else the
default template. Deterministic from `seed`: clients are visited by (entry time, id) and
every random draw comes from one generator seeded with it."""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

CHUNK = 2000

# (title, instructions, who, days after start). who: "am" = the client's account manager,
# else the role of the named staff user (the first active user with it, by username).
_Task = tuple[str, str, str, int]
_AGENCY: list[tuple[str, str | None, list[_Task]]] = [
    (
        "Strategy retainer onboarding",
        "AG-RETAINER",
        [
            (
                "Kickoff call with the client's team",
                "Introduce the team, agree goals, the reporting rhythm and who approves what.",
                "am",
                0,
            ),
            (
                "Collect brand assets and guidelines",
                "Logos, fonts, tone of voice, past campaigns. Store them in the shared drive.",
                "am",
                5,
            ),
            (
                "Set up the shared drive and project board",
                "One folder per workstream; invite the client's marketing lead.",
                "manager",
                3,
            ),
            (
                "Get access to analytics and ad accounts",
                "Read access to analytics, admin on the ad accounts; check the tracking.",
                "am",
                7,
            ),
            (
                "Audience and competitor research brief",
                "Two pages: who buys, who competes, where the gaps are.",
                "manager",
                14,
            ),
            (
                "Present the 90-day strategy",
                "Workshop with the decision maker; send the deck and the action plan afterwards.",
                "am",
                21,
            ),
            (
                "First monthly review",
                "Results against the goals agreed at kickoff; next month's priorities.",
                "am",
                35,
            ),
        ],
    ),
    (
        "Campaign design onboarding",
        "AG-CAMPAIGN",
        [
            ("Campaign briefing call", "Objective, audience, budget, deadlines.", "am", 0),
            ("Collect product information and assets", "", "am", 4),
            ("Creative concepts review", "Three concepts; the client picks one.", "manager", 14),
            ("Media plan sign-off", "", "am", 18),
            ("Launch checklist", "Tracking, landing pages, approvals.", "manager", 25),
        ],
    ),
    (
        "Standard client onboarding",
        None,
        [
            ("Kickoff call", "Goals, contacts, how we work together.", "am", 0),
            ("Collect documents", "Whatever the contract needs from the client.", "am", 7),
            ("Set up accounts and access", "", "manager", 7),
            ("First review", "Is everything in place? What comes next?", "am", 30),
        ],
    ),
]
_BANK: list[tuple[str, str | None, list[_Task]]] = [
    (
        "Wealth management onboarding",
        "WM-PORTFOLIO",
        [
            (
                "Welcome call with the private banker",
                "Introduce the service, the team and the calendar of the first weeks.",
                "am",
                0,
            ),
            (
                "Collect KYC and source-of-wealth documents",
                "Identity, proof of address, "
                "source of wealth; check them against the compliance list.",
                "support_agent",
                5,
            ),
            (
                "Risk profile questionnaire",
                "Go through it with the client; record the profile in the file.",
                "am",
                7,
            ),
            ("Open portfolio and custody accounts", "", "support_agent", 10),
            (
                "Agree the investment policy statement",
                "Objectives, constraints, benchmark; signed by the client.",
                "am",
                14,
            ),
            ("Set up online banking and reporting access", "", "support_agent", 14),
            ("First portfolio review", "Performance, allocation, questions.", "am", 45),
        ],
    ),
    (
        "Financial plan onboarding",
        "WM-PLAN",
        [
            ("Discovery meeting", "Family, goals, horizon, income and expenses.", "am", 0),
            ("Collect statements and policies", "", "support_agent", 7),
            ("Draft the financial plan", "", "am", 21),
            ("Present and agree the plan", "", "am", 28),
            ("Three-month follow-up", "", "am", 90),
        ],
    ),
    (
        "Private client onboarding",
        None,
        [
            ("Welcome call", "", "am", 0),
            ("Collect KYC documents", "", "support_agent", 5),
            ("Open the accounts", "", "support_agent", 10),
            ("First review", "", "am", 30),
        ],
    ),
]
_DOCUMENTS = {
    "Collect brand assets and guidelines": ("Asset checklist", "https://example.com/agency/assets-checklist"),
    "Collect KYC and source-of-wealth documents": ("KYC checklist", "https://example.com/bank/kyc-checklist"),
    "Risk profile questionnaire": ("Risk questionnaire", "https://example.com/bank/risk-profile"),
}  # fmt: skip


def _templates(business: str, staff: dict[str, int]) -> tuple[list, int]:
    """Create the business's templates; returns ([(template, service_id, [task])], rows)."""
    from clientela.commerce.models import CatalogItem
    from clientela.onboarding.models import OnboardingDocument, OnboardingTemplate, TemplateTask

    specs = _AGENCY if business == "agency" else _BANK
    services = dict(CatalogItem.objects.values_list("sku", "id"))
    created, rows = [], 0
    for position, (name, sku, tasks) in enumerate(specs):
        template = OnboardingTemplate.objects.create(
            name=name, service_id=services.get(sku) if sku else None, position=position
        )
        rows += 1
        task_rows = []
        for i, (title, instructions, who, offset) in enumerate(tasks):
            staff_id = staff.get(who) if who != "am" else None
            task = TemplateTask.objects.create(
                template=template,
                title=title,
                instructions=instructions,
                assignee_kind="staff" if staff_id else "account_manager",
                assignee_id=staff_id,
                offset_days=offset,
                position=i,
            )
            rows += 1
            if title in _DOCUMENTS:
                doc_name, url = _DOCUMENTS[title]
                document = OnboardingDocument(template_task=task, name=doc_name, url=url)
                document.save()
                rows += 1
            task_rows.append(task)
        created.append((template, template.service_id, task_rows))
    return created, rows


def _bought_services(relationship_ids: list[int]) -> dict[int, set[int]]:
    from clientela.commerce.models import OrderLine

    bought: dict[int, set[int]] = {}
    lines = (
        OrderLine.objects.filter(
            order__relationship_id__in=relationship_ids,
            offering="personalised",
            item_id__isnull=False,
        )
        .values_list("order__relationship_id", "item_id")
        .distinct()
    )
    for rid, item_id in lines:
        bought.setdefault(rid, set()).add(item_id)
    return bought


def demo_load(*, business: str, seed: int, now: datetime) -> int:
    """Create templates and plans; returns the rows created (templates, their tasks and
    documents, plans, plan tasks and their documents). `cafe`: 0."""
    from django.contrib.auth import get_user_model

    from clientela.journeys.models import JourneyTransition
    from clientela.onboarding.models import OnboardingDocument, OnboardingPlan, PlanTask
    from clientela.parties.models import Relationship

    if business not in {"agency", "bank"}:
        return 0
    now = now if timezone.is_aware(now) else timezone.make_aware(now, UTC)
    today = timezone.localdate(now)
    staff = {}
    for role in ("manager", "support_agent"):
        user_id = (
            get_user_model()
            .objects.filter(role=role, is_active=True)
            .order_by("username")
            .values_list("id", flat=True)
            .first()
        )
        if user_id is not None:
            staff[role] = user_id
    rng = random.Random(f"onboarding:{seed}")
    with transaction.atomic():
        templates, rows = _templates(business, staff)
        default = next(t for t in templates if t[1] is None)
        template_docs: dict[int, list[tuple[str, str]]] = {}
        for task_id, name, url in OnboardingDocument.objects.filter(
            template_task__template__in=[t[0] for t in templates]
        ).values_list("template_task_id", "name", "url"):
            template_docs.setdefault(task_id, []).append((name, url))
        clients = list(
            Relationship.objects.filter(
                kind="client",
                is_current=True,
                status="active",
                stage__in=("onboarding", "relationship_management"),
            ).values_list("id", "stage", "owner_id", "stage_entered_at", "started_at")
        )
        entered = dict(
            JourneyTransition.objects.filter(
                relationship__kind="client",
                relationship__is_current=True,
                to_stage="onboarding",
            )
            .order_by("relationship_id", "at")
            .values_list("relationship_id", "at")
        )
        clients.sort(key=lambda c: (entered.get(c[0]) or c[4], c[0]))
        for start in range(0, len(clients), CHUNK):
            chunk = clients[start : start + CHUNK]
            bought = _bought_services([c[0] for c in chunk])
            plans, plan_tasks = [], []
            for rid, stage, owner_id, stage_at, rel_started in chunk:
                template, _, tasks = next(
                    (t for t in templates if t[1] is not None and t[1] in bought.get(rid, ())),
                    default,
                )
                started_at = entered.get(rid) or rel_started
                complete = stage == "relationship_management"
                if not complete:
                    # plans in flight: started at most 5 to 40 days before `now`
                    started_at = max(started_at, now - timedelta(days=rng.randint(5, 40)))
                start_on = timezone.localdate(started_at)
                plan = OnboardingPlan(
                    relationship_id=rid,
                    template=template,
                    template_name=template.name,
                    start_on=start_on,
                    started_at=started_at,
                    created_at=started_at,
                    updated_at=now,
                )
                plan.assign_public_id()
                planned = []
                for source in tasks:
                    due_on = start_on + timedelta(days=source.offset_days)
                    assignee_id = source.assignee_id or owner_id
                    if complete:
                        # done around the due date, before the client moved on
                        day = due_on + timedelta(days=rng.randint(-3, 2))
                        done_at = _at(max(day, start_on), rng)
                        done_at = min(done_at, stage_at) if stage_at else done_at
                    elif due_on < today:
                        done_at = (
                            _at(min(due_on + timedelta(days=rng.randint(-2, 1)), today), rng)
                            if rng.random() < 0.8
                            else None
                        )
                    else:
                        done_at = _at(today, rng) if rng.random() < 0.15 else None
                    if done_at is not None:
                        done_at = min(max(done_at, started_at), now)
                    task = PlanTask(
                        title=source.title,
                        instructions=source.instructions,
                        assignee_id=assignee_id,
                        position=source.position,
                        due_on=due_on,
                        done_at=done_at,
                        done_by_id=assignee_id if done_at else None,
                        created_at=started_at,
                        updated_at=done_at or started_at,
                    )
                    task.assign_public_id()
                    planned.append((task, source))
                if all(t.done_at is not None for t, _ in planned):
                    plan.completed_at = max((t.done_at for t, _ in planned), default=started_at)
                plans.append(plan)
                plan_tasks.append(planned)
            OnboardingPlan.objects.bulk_create(plans, batch_size=CHUNK)
            flat = []
            for plan, planned in zip(plans, plan_tasks, strict=True):
                for task, _source in planned:
                    task.plan_id = plan.pk
                    flat.append(task)
            PlanTask.objects.bulk_create(flat, batch_size=CHUNK)
            documents = []
            for task, source in (p for planned in plan_tasks for p in planned):
                for name, url in template_docs.get(source.pk, ()):
                    copy = OnboardingDocument(plan_task_id=task.pk, name=name, url=url)
                    copy.assign_public_id()
                    documents.append(copy)
            OnboardingDocument.objects.bulk_create(documents, batch_size=CHUNK)
            rows += len(plans) + len(flat) + len(documents)
    return rows


def _at(day, rng: random.Random) -> datetime:
    """A working-hours moment on `day` (UTC)."""
    return datetime.combine(day, time(8 + rng.randint(0, 9), rng.randint(0, 59)), tzinfo=UTC)
