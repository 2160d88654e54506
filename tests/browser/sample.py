"""A small, varied book of business for browser tests and screenshots: clients at every
stage, customers, prospects, an organisation with a member, orders with a gift, activities.
Everything goes through the real services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from clientela.activities.services import activity_log
from clientela.commerce.services import LineIn, order_record
from clientela.journeys.services import journey_move
from clientela.parties.services import membership_add, party_create, party_set_tags
from clientela.parties.text import fold

CLIENTS = [
    ("Ana", "Popescu", "awareness", "networking"),
    ("Łukasz", "Żółkiewski", "consideration", "referral"),
    ("Lucía", "Fernández", "consideration", "partnership"),
    ("Ioana", "Ionescu", "purchase", "referral"),
    ("Marek", "Nowak", "onboarding", "networking"),
    ("Elena", "Dumitru", "relationship_management", "referral"),
    ("Javier", "Moreno", "relationship_management", "partnership"),
]
CUSTOMERS = [
    ("Carmen", "García", "awareness", "search_ad"),
    ("Piotr", "Kowalski", "consideration", "social_post"),
    ("Mihai", "Stan", "purchase", "walk_in"),
    ("Sofía", "López", "purchase", "campaign"),
    ("Agnieszka", "Wiśniewska", "retention", "word_of_mouth"),
    ("Radu", "Georgescu", "retention", "blog"),
    ("Marta", "Ruiz", "retention", "website"),
    ("Tomasz", "Wójcik", "awareness", "marketplace"),
]
PROSPECTS = [("Bianca", "Munteanu"), ("Diego", "Sánchez")]


def build_sample(users) -> dict:
    """Create the sample data; returns the notable parties by key."""
    admin = users["admin"]
    owners = [users["account_manager"], users["manager"]]
    now = timezone.now()
    made = {}
    for index, (given, family, stage, channel) in enumerate(CLIENTS):
        made[family] = party_create(
            actor=admin,
            given_name=given,
            family_name=family,
            emails=[f"{fold(given)}.{index}@example.test"],
            relationship_kind="client",
            acquisition_channel=channel,
            owner=owners[index % 2],
            stage=stage,
            at=now - timedelta(days=3 + index * 4),
        )
    for index, (given, family, stage, channel) in enumerate(CUSTOMERS):
        made[family] = party_create(
            actor=admin,
            given_name=given,
            family_name=family,
            emails=[f"{fold(family)}{index}@mail.example"],
            relationship_kind="customer",
            acquisition_channel=channel,
            stage=stage,
            at=now - timedelta(days=1 + index * 3),
        )
    for given, family in PROSPECTS:
        made[family] = party_create(actor=admin, given_name=given, family_name=family)
    org = party_create(
        actor=admin,
        kind="organisation",
        organisation_name="Nordwind Logistics",
        emails=["office@nordwind.example"],
        phones=["+48 22 555 0100"],
        relationship_kind="client",
        acquisition_channel="partnership",
        owner=users["account_manager"],
        stage="purchase",
    )
    made["Nordwind"] = org
    membership_add(
        actor=admin,
        person=made["Nowak"],
        organisation=org,
        role="decision_maker",
        title="COO",
    )
    journey_move(
        actor=users["account_manager"],
        relationship=org.relationships.get(),
        to_stage="onboarding",
        reason="Contract signed",
    )
    garcia = made["García"]
    party_set_tags(actor=admin, party=garcia, tags=["vip", "newsletter"])
    # The order is López's (in purchase): a paid order would move a customer in awareness
    # to purchase on its own (the customer desk), and García stays in awareness for the board.
    order_record(
        actor=admin,
        payer=made["López"],
        currency="EUR",
        channel="online",
        external_id="web-1001",
        lines=[
            LineIn(description="Espresso machine", unit_price=Decimal("249.00")),
            LineIn(
                description="Barista course (gift)",
                unit_price=Decimal("89.00"),
                consumer=made["Ruiz"],
            ),
        ],
    )
    for family, kind, subject in [
        ("García", "store_visit", "Asked about grinders"),
        ("García", "campaign_click", "Spring offers"),
        ("Nowak", "meeting_in_person", "Quarterly review"),
        ("Dumitru", "call", "Check-in call"),
        ("Ionescu", "email", "Proposal sent"),
    ]:
        activity_log(actor=admin, party=made[family], kind=kind, subject=subject)
    return made
