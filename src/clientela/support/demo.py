"""Support in the demo: tickets with their conversations around `now`, for the cafe and
the bank (the agency gets none). Most older tickets were answered and resolved in time, a
few late; of the tickets still open some are on track, some at risk of breaching their
first response, a couple already breached, a few answered and waiting on the customer.
Client tickets (the bank's) sit with the client's account manager."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from clientela.support.clock import business_add, business_subtract

# (scenario, how many of every 12 tickets)
_SCENARIOS = (
    ("resolved_met", 5),
    ("resolved_late", 1),
    ("on_track", 2),
    ("at_risk", 1),
    ("breached", 1),
    ("answered", 1),
    ("pending", 1),
)
_PRIORITIES = (("low", 2), ("normal", 6), ("high", 3), ("urgent", 1))
_CHANNELS = {
    "cafe": (("email", 4), ("web", 3), ("phone", 2), ("chat", 2)),
    "bank": (("email", 4), ("phone", 4), ("web", 2), ("chat", 1)),
}
_TOPICS = {
    "cafe": (
        (
            "orders",
            "Mobile order never arrived",
            "I ordered two flat whites on the app and nothing came.",
        ),
        (
            "billing",
            "Charged twice for one coffee",
            "My card shows the same payment twice this morning.",
        ),
        ("account", "Loyalty card not scanning", "The till could not read my loyalty card again."),
        ("general", "Allergen information", "Do the almond croissants contain traces of peanuts?"),
        (
            "complaint",
            "Cold food at the terrace",
            "The sandwich was cold and the staff ignored us.",
        ),
        ("billing", "Gift card balance", "How much is left on the gift card I received?"),
        (
            "technical",
            "App keeps logging me out",
            "Since the last update the app asks me to log in each time.",
        ),
        (
            "orders",
            "Catering order for Friday",
            "Can we change the catering order from 20 to 25 people?",
        ),
    ),
    "bank": (
        ("account", "Card blocked abroad", "My card was declined in Lisbon, please unblock it."),
        (
            "billing",
            "Unexpected account fee",
            "There is a maintenance fee I did not expect this month.",
        ),
        ("technical", "App login fails", "The banking app says my device is not recognised."),
        ("orders", "Transfer not received", "A transfer sent on Monday has not arrived."),
        (
            "general",
            "Mortgage statement question",
            "Could you explain the interest line on my statement?",
        ),
        ("complaint", "Long wait at the branch", "I waited 50 minutes at the branch on Saturday."),
        (
            "billing",
            "Tax certificate for last year",
            "Please send the tax certificate for my savings.",
        ),
    ),
}
# What a bank's clients (private banking) write about.
_CLIENT_TOPICS = (
    ("general", "Portfolio review request", "I would like to review my portfolio allocation."),
    (
        "billing",
        "Advisory fee breakdown",
        "Could you detail the advisory fees of the last quarter?",
    ),
    ("account", "Add my spouse to the account", "We would like a joint mandate on the savings."),
    ("orders", "Bond purchase instruction", "Please buy the 5-year bond we discussed on Tuesday."),
)
_ANSWERS = (
    "Thank you for writing to us. We are looking into it and will come back to you today.",
    "Sorry for the trouble. I have checked your account and fixed it; please let us know.",
    "Thanks for the details. Could you send us a photo of the receipt?",
)
_COUNTS = {"cafe": (24, 0), "bank": (22, 10)}  # (customer and other tickets, client tickets)


def demo_load(*, business: str, seed: int, now: datetime) -> int:
    """Create the tickets and their messages; returns the rows created. Deterministic from
    `seed`; a second call (tickets already there) adds nothing."""
    from clientela.accounts.models import Role, User
    from clientela.parties.models import ContactPoint, Relationship
    from clientela.support.models import SlaPolicy, Ticket, TicketMessage
    from clientela.support.setup import (
        calendar_clock,
        calendar_default,
        support_defaults_ensure,
    )

    if business not in _COUNTS or Ticket.objects.exists():
        return 0
    now = now if timezone.is_aware(now) else timezone.make_aware(now, timezone.utc)
    support_defaults_ensure()
    calendar = calendar_default()
    clock = calendar_clock(calendar)
    policies = {(p.kind, p.priority): p for p in SlaPolicy.objects.all()}
    rng = random.Random(f"support:{business}:{seed}")
    agents = list(
        User.objects.filter(is_active=True, role=Role.SUPPORT_AGENT).order_by("id")
    ) or list(User.objects.filter(is_active=True, role=Role.MANAGER).order_by("id"))
    customers_n, clients_n = _COUNTS[business]
    rels = Relationship.objects.filter(is_current=True, status="active").select_related(
        "owner", "party"
    )
    customer_rels = list(rels.filter(kind="customer").order_by("started_at", "id")[:400])
    client_rels = list(
        rels.filter(kind="client", owner__isnull=False, owner__is_active=True).order_by(
            "started_at", "id"
        )[:200]
    )
    picks = rng.sample(customer_rels, min(customers_n, len(customer_rels)))
    picks += rng.sample(client_rels, min(clients_n, len(client_rels)))
    emails = dict(
        ContactPoint.objects.filter(kind="email", party_id__in=[r.party_id for r in picks])
        .order_by("party_id", "-is_primary", "-id")
        .values_list("party_id", "value")
    )
    pattern = [name for name, weight in _SCENARIOS for _ in range(weight)]
    scenarios = (pattern * (len(picks) // len(pattern) + 1))[: len(picks)]
    rng.shuffle(scenarios)
    number = (Ticket.objects.aggregate(n=Max("number"))["n"] or 1000) + 1
    tickets, conversations = [], []
    for index, rel in enumerate(picks):
        scenario = scenarios[index]
        priority = _weighted(rng, _PRIORITIES)
        policy = policies[(rel.kind, priority)]
        first_m, res_m = policy.first_response_minutes, policy.resolution_minutes
        topics = _CLIENT_TOPICS if rel.kind == "client" else _TOPICS[business]
        category, subject, body = rng.choice(topics)
        assignee = rel.owner if rel.kind == "client" else None
        if assignee is None and scenario not in ("on_track", "at_risk", "breached"):
            assignee = rng.choice(agents) if agents else None
        elif assignee is None and agents and rng.random() < 0.4:
            assignee = rng.choice(agents)
        plan = _plan(scenario, rng=rng, now=now, clock=clock, first_m=first_m, res_m=res_m)
        ticket = Ticket(
            number=number, party_id=rel.party_id, relationship_id=rel.pk, kind=rel.kind,
            subject=subject, channel=_weighted(rng, _CHANNELS[business]), priority=priority,
            category=category, status=plan["status"], assignee=assignee, calendar=calendar,
            first_response_minutes=first_m, resolution_minutes=res_m,
            first_response_due=business_add(plan["created"], timedelta(minutes=first_m), clock),
            resolution_due=business_add(plan["created"], timedelta(minutes=res_m), clock),
            first_responded_at=plan.get("answered"), resolved_at=plan.get("resolved"),
            paused_since=plan.get("paused_since"), created_at=plan["created"],
            updated_at=plan.get("resolved") or plan.get("answered") or plan["created"],
        )  # fmt: skip
        ticket.assign_public_id()
        number += 1
        tickets.append(ticket)
        messages = [
            TicketMessage(
                author_name=rel.party.display_name,
                author_email=emails.get(rel.party_id, ""), from_customer=True, body=body,
                at=plan["created"], created_at=plan["created"],
            )
        ]  # fmt: skip
        for key, text in (("answered", rng.choice(_ANSWERS)), ("resolved", "Resolved, thank you.")):
            if plan.get(key):
                staff = assignee or (agents[0] if agents else None)
                messages.append(
                    TicketMessage(
                        author=staff, author_name=str(staff or ""), body=text,
                        at=plan[key], created_at=plan[key],
                    )
                )  # fmt: skip
        if scenario == "at_risk" and assignee is not None:
            messages.append(
                TicketMessage(
                    author=assignee, author_name=str(assignee), is_internal=True,
                    body="Checking with the team before answering.",
                    at=now - timedelta(minutes=5), created_at=now - timedelta(minutes=5),
                )
            )  # fmt: skip
        conversations.append(messages)
    with transaction.atomic():
        Ticket.objects.bulk_create(tickets, batch_size=500)
        saved = dict(
            Ticket.objects.filter(number__in=[t.number for t in tickets]).values_list(
                "number", "pk"
            )
        )
        rows = []
        for ticket, messages in zip(tickets, conversations, strict=True):
            for message in messages:
                message.ticket_id = saved[ticket.number]
                message.assign_public_id()
                if not message.from_customer and not message.is_internal:
                    message.message_id = f"<{message.public_id}@clientela>"
                rows.append(message)
        TicketMessage.objects.bulk_create(rows, batch_size=1000)
    return len(tickets) + len(rows)


def _weighted(rng: random.Random, pairs) -> str:
    names, weights = zip(*pairs, strict=True)
    return rng.choices(names, weights)[0]


def _plan(scenario, *, rng, now, clock, first_m, res_m) -> dict:
    """When the ticket was opened, answered, resolved, relative to `now` in business time."""

    def ago(minutes):
        return business_subtract(now, timedelta(minutes=max(minutes, 1)), clock)

    def after(start, minutes):
        return business_add(start, timedelta(minutes=max(minutes, 1)), clock)

    if scenario in ("resolved_met", "resolved_late"):
        created = ago(res_m * rng.uniform(1.5, 4.0) + rng.randint(600, 6000))
        share = rng.uniform(0.2, 0.8) if scenario == "resolved_met" else rng.uniform(1.2, 2.0)
        answered = after(created, first_m * share)
        resolved = after(created, res_m * (rng.uniform(0.3, 0.9) if scenario == "resolved_met"
                                           else rng.uniform(1.1, 1.6)))  # fmt: skip
        resolved = max(resolved, answered + timedelta(minutes=1))
        return {"status": "resolved", "created": created, "answered": answered,
                "resolved": resolved, "paused_since": resolved}  # fmt: skip
    if scenario == "on_track":
        return {"status": "new", "created": ago(first_m * rng.uniform(0.1, 0.5))}
    if scenario == "at_risk":
        return {"status": "new", "created": ago(first_m * rng.uniform(0.85, 0.95))}
    if scenario == "breached":
        return {"status": "new", "created": ago(first_m * rng.uniform(1.2, 2.0))}
    created = ago(min(res_m * rng.uniform(0.3, 0.6), res_m - 30))
    answered = after(created, min(first_m * rng.uniform(0.2, 0.7), 20))
    answered = min(answered, now)
    if scenario == "answered":
        return {"status": "open", "created": created, "answered": answered}
    return {"status": "pending", "created": created, "answered": answered,
            "paused_since": answered}  # fmt: skip
