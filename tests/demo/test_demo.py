from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.db.models import F

from clientela.accounts.models import Role, User
from clientela.activities.models import Activity
from clientela.commerce.models import CatalogItem, Order, OrderLine
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.selectors import business_get
from clientela.demo import DemoSummary, demo_digest, demo_load
from clientela.demo.plan import staff_plan
from clientela.journeys.definitions import stage_index
from clientela.journeys.models import JourneyTransition
from clientela.parties.models import ContactPoint, Membership, Party, Relationship
from clientela.parties.services import party_names_fill

MODELS = {
    "parties": Party,
    "contact_points": ContactPoint,
    "memberships": Membership,
    "relationships": Relationship,
    "transitions": JourneyTransition,
    "orders": Order,
    "order_lines": OrderLine,
    "activities": Activity,
    "users": User,
    "catalog_items": CatalogItem,
}


@pytest.mark.parametrize("business", ["agency", "cafe", "bank"])
def test_small_demo_counts_match_the_summary_and_the_database(db, business):
    # given an empty database; when the small demo loads
    steps = []
    summary = demo_load(business=business, size="small", progress=lambda *a: steps.append(a))

    # then the summary counts are exactly what the database holds
    assert isinstance(summary, DemoSummary)
    assert (summary.business, summary.size) == (business, "small")
    assert summary.counts == {name: model.objects.count() for name, model in MODELS.items()}
    assert summary.counts["parties"] >= 400
    assert summary.counts["orders"] > summary.counts["parties"]
    parties = summary.counts["parties"]
    assert [s for s in steps if s[0] == "parties"][-1] == ("parties", parties, parties)
    assert steps[-1] == ("desks", 13, 13)
    # the client desk's apps fill the businesses with clients, the customer desk's those
    # with customers (the bank has both); the customer desk's overview has no rows of its own
    client_desk = ("contracts", "onboarding", "checkins", "reviews", "booking", "clientdesk")
    customer_desk = ("loyalty", "rewards", "coupons", "referrals", "support")
    filled = {app for app, rows in summary.desk.items() if rows > 0}
    assert (
        filled
        == {
            "agency": {*client_desk, "notifications"},
            "cafe": {*customer_desk},
            "bank": {*client_desk, *customer_desk, "notifications"},
        }[business]
    )
    assert steps[0] == ("users", 1, summary.counts["users"])


@pytest.mark.parametrize("business", ["agency", "cafe", "bank"])
def test_small_demo_keeps_every_invariant(db, business):
    # given a loaded demo
    demo_load(business=business, size="small")

    # then every relationship's stage is its last transition, reached in journey order
    history = defaultdict(list)
    for t in JourneyTransition.objects.order_by("at", "id"):
        history[t.relationship_id].append(t)
    relationships = list(Relationship.objects.all())
    for rel in relationships:
        moves = history[rel.id]
        assert moves[0].from_stage == ""
        assert rel.stage == moves[-1].to_stage
        assert rel.stage_entered_at == moves[-1].at
        assert [m.from_stage for m in moves[1:]] == [m.to_stage for m in moves[:-1]]
        indexes = [stage_index(rel.kind, m.to_stage) for m in moves]
        assert indexes == list(range(indexes[0], indexes[0] + len(moves)))
        assert all(a.at < b.at for a, b in zip(moves, moves[1:], strict=False))
        # and clients in onboarding or later have an owner
        if rel.kind == "client" and stage_index("client", rel.stage) >= 3:
            assert rel.owner_id is not None
    # and each party has exactly one current relationship at most
    current = [r.party_id for r in relationships if r.is_current]
    assert len(current) == len(set(current))

    # and every order's total is the sum of its lines, its relationship the payer's at the time
    totals = defaultdict(Decimal)
    for order_id, amount in OrderLine.objects.values_list("order_id", "amount"):
        totals[order_id] += amount
    by_id = {r.id: r for r in relationships}
    for order in Order.objects.all():
        assert order.total == totals[order.id]
        rel = by_id[order.relationship_id]
        assert rel.party_id == order.payer_id
        assert rel.started_at <= order.placed_at
        assert rel.ended_at is None or order.placed_at <= rel.ended_at
    assert OrderLine.objects.exclude(payer_id__in=Order.objects.values("payer_id")).count() == 0

    # and activities link to the party's relationship of that time
    for party_id, rel_id in Activity.objects.values_list("party_id", "relationship_id"):
        assert by_id[rel_id].party_id == party_id

    # and names, keys and public ids are filled as the services fill them
    for party in Party.objects.all():
        expected = Party(
            kind=party.kind, given_name=party.given_name, family_name=party.family_name,
            organisation_name=party.organisation_name,
        )  # fmt: skip
        party_names_fill(expected)
        assert (party.display_name, party.sort_key, party.family_key) == (
            expected.display_name,
            expected.sort_key,
            expected.family_key,
        )
    for model, prefix in ((Party, "pty_"), (Relationship, "rel_"), (Order, "ord_"),
                          (Activity, "act_")):  # fmt: skip
        assert model.objects.exclude(public_id__startswith=prefix).count() == 0
        ids = list(model.objects.values_list("public_id", flat=True))
        assert len(set(ids)) == len(ids)
    emails = list(ContactPoint.objects.filter(kind="email").values_list("normalized", flat=True))
    assert len(set(emails)) == len(emails)


def test_cafe_has_gifts_consumed_by_someone_else(db):
    demo_load(business="cafe", size="small")

    gifts = OrderLine.objects.filter(item__sku="CF-GIFT")
    assert gifts.count() > 0
    assert gifts.exclude(consumer_id=F("payer_id")).count() == gifts.count()
    assert business_get().business_type == "hospitality"


def test_bank_has_both_sides_and_past_conversions(db):
    demo_load(business="bank", size="small")

    kinds = set(Relationship.objects.filter(is_current=True).values_list("kind", flat=True))
    assert kinds == {"client", "customer"}
    converted = Relationship.objects.filter(status="converted")
    assert converted.count() > 0
    for old in converted:
        new = Relationship.objects.get(converted_from=old)
        assert (old.kind, old.is_current, new.kind, new.is_current) == (
            "customer", False, "client", True,
        )  # fmt: skip
        assert new.acquisition_channel == "conversion"
        assert new.started_at == old.ended_at
        assert new.transitions.order_by("at", "id").first().from_stage == ""
    # customers already meeting a named account manager: the conversion candidates
    candidates = (
        Activity.objects.filter(relationship__kind="customer", relationship__is_current=True,
                                kind__startswith="meeting", staff__role=Role.ACCOUNT_MANAGER)
        .values("party_id").distinct().count()
    )  # fmt: skip
    assert candidates > 0
    business = business_get()
    assert (business.name, business.business_type, business.currency) == (
        "Banca Meridian", "banking", "EUR",
    )  # fmt: skip


def test_demo_users_can_log_in_with_the_returned_passwords(db):
    summary = demo_load(business="agency", size="small", seed=7)

    roles = [role for _username, role, _password in summary.users]
    assert set(roles) == set(Role.values)
    assert roles.count(Role.ACCOUNT_MANAGER) == 3
    for username, role, password in summary.users:
        user = authenticate(username=username, password=password)
        assert user is not None and (user.username, user.role) == (username, role)
        assert authenticate(username=username, password=password + "x") is None
    owners = set(Relationship.objects.exclude(owner=None).values_list("owner__role", flat=True))
    assert owners == {Role.ACCOUNT_MANAGER}


def test_same_seed_same_data_other_seed_other_data():
    first = demo_digest(business="cafe", size="small", seed=42, parties=300)
    again = demo_digest(business="cafe", size="small", seed=42, parties=300)
    other = demo_digest(business="cafe", size="small", seed=43, parties=300)

    assert first == again
    assert first != other


def test_passwords_derive_from_the_seed(db):
    summary = demo_load(business="agency", size="small", seed=42, parties=10)

    assert summary.users == [(u, r, p) for u, r, p, _ in staff_plan(size="small", seed=42)]
    assert summary.users != [(u, r, p) for u, r, p, _ in staff_plan(size="small", seed=43)]
    assert summary.users[0][:2] == ("ana.admin", "admin")


def test_unknown_business_or_size_is_refused_before_writing(db):
    with pytest.raises(ApplicationError) as business_error:
        demo_load(business="zoo", size="small")
    with pytest.raises(ApplicationError) as size_error:
        demo_load(business="bank", size="huge")

    assert business_error.value.code == ErrorCode.VALIDATION
    assert business_error.value.extra["fields"].keys() == {"business"}
    assert size_error.value.extra["fields"].keys() == {"size"}
    assert User.objects.count() == 0


def test_demo_refuses_a_database_that_already_has_parties(db):
    demo_load(business="agency", size="small", parties=10)

    with pytest.raises(ApplicationError) as error:
        demo_load(business="cafe", size="small", parties=10)

    assert error.value.code == ErrorCode.CONFLICT


@pytest.mark.parametrize("business", ["agency", "bank"])
def test_every_party_carries_a_true_copy_of_its_current_relationship(db, business):
    # given a loaded demo (bulk path, refreshed per chunk)
    demo_load(business=business, size="small")
    # then kind, stage and owner on each party equal its current relationship's ("" if none)
    current = {
        r["party_id"]: (r["kind"], r["stage"], r["owner_id"])
        for r in Relationship.objects.filter(is_current=True).values(
            "party_id", "kind", "stage", "owner_id"
        )
    }
    copies = Party.objects.values_list("id", "current_kind", "current_stage", "current_owner_id")
    mismatched = [
        row for row in copies if (row[1], row[2], row[3]) != current.get(row[0], ("", "", None))
    ]
    assert mismatched == []
    assert len(current) > 0
