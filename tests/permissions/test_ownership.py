"""Account managers change their own clients, any customer and parties with no
relationship yet; never another account manager's client (nor an unowned client), and they
give relationships only to themselves. The expected table is written out by hand."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.activities.services import TouchpointIn, activity_log, activity_record_bulk
from clientela.commerce.services import (
    LineIn,
    order_build_unsaved,
    order_record,
    order_save_bulk,
    order_set_status,
)
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent
from clientela.journeys.definitions import journey_stages
from clientela.journeys.services import journey_move
from clientela.parties.models import Party, Relationship
from clientela.parties.services import (
    membership_add,
    party_add_contact_point,
    party_create,
    party_set_consent,
    party_set_tags,
    party_update,
    relationship_assign_owner,
    relationship_convert,
    relationship_end,
)
from tests.factories import UserFactory, make_party
from tests.permissions.test_service_permissions import snapshot

AT = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)

# Y = allowed, - = PERMISSION_DENIED, . = does not apply (no relationship to act on).
OWNERSHIP = """
service                   own_client other_client unowned_client customer_of_other no_relationship
party_update              Y          -            -              Y                 Y
party_add_contact_point   Y          -            -              Y                 Y
party_set_tags            Y          -            -              Y                 Y
party_set_consent         Y          -            -              Y                 Y
membership_add            Y          -            -              Y                 Y
relationship_assign_owner Y          -            -              Y                 .
relationship_convert      Y          -            -              Y                 .
relationship_end          Y          -            -              Y                 .
journey_move              Y          -            -              Y                 .
activity_log              Y          -            -              Y                 Y
activity_record_bulk      Y          -            -              Y                 Y
order_record              Y          -            -              Y                 Y
order_set_status          Y          -            -              Y                 Y
order_save_bulk           Y          -            -              Y                 Y
"""
_HEADER, *_ROWS = [line.split() for line in OWNERSHIP.strip().splitlines()]
CASES = [
    (row[0], situation, mark)
    for row in _ROWS
    for situation, mark in zip(_HEADER[1:], row[1:], strict=True)
    if mark != "."
]
SITUATIONS = {
    "own_client": {"relationship_kind": "client", "stage": "consideration", "owner": "me"},
    "other_client": {"relationship_kind": "client", "stage": "consideration", "owner": "am2"},
    "unowned_client": {"relationship_kind": "client", "stage": "consideration"},
    "customer_of_other": {"relationship_kind": "customer", "owner": "am2"},
    "no_relationship": {},
}
AUDITED_AS = {
    "party_update": "party.updated",
    "party_add_contact_point": "party.contact_added",
    "party_set_tags": "party.tagged",
    "party_set_consent": "party.consent",
    "membership_add": "party.member_added",
    "relationship_assign_owner": "relationship.owner_assigned",
    "relationship_convert": "relationship.converted",
    "relationship_end": "relationship.ended",
    "journey_move": "journey.moved",
    "activity_log": "activity.logged",
    "activity_record_bulk": "activity.bulk_recorded",
    "order_record": "order.recorded",
    "order_set_status": "order.status_changed",
    "order_save_bulk": "order.bulk_saved",
}


@pytest.fixture(autouse=True)
def _no_contract_guard(db):
    """These tests are about who may act; the signed-contract guard has its own tests."""
    from clientela.clientdesk.settings import desk_settings_update

    desk_settings_update(actor=None, guard_contract_for_purchase=False)


def _next_stage(rel: Relationship) -> str:
    stages = journey_stages(rel.kind)
    return stages[stages.index(rel.stage) + 1]


def _act(service: str, me, party: Party, rel: Relationship | None, order, org: Party):
    line = LineIn(description="Tea", unit_price=Decimal("2.00"))
    calls = {
        "party_update": lambda: party_update(actor=me, party=party, notes="called back"),
        "party_add_contact_point": lambda: party_add_contact_point(
            actor=me, party=party, kind="email", value="new@example.test"
        ),
        "party_set_tags": lambda: party_set_tags(actor=me, party=party, tags=["vip"]),
        "party_set_consent": lambda: party_set_consent(
            actor=me, party=party, consent=True, source="call"
        ),
        "membership_add": lambda: membership_add(
            actor=me, person=party, organisation=org, role="payer"
        ),
        "relationship_assign_owner": lambda: relationship_assign_owner(
            actor=me, relationship=rel, owner=me
        ),
        "relationship_convert": lambda: relationship_convert(
            actor=me, relationship=rel, reason="changes side"
        ),
        "relationship_end": lambda: relationship_end(actor=me, relationship=rel, reason="lost"),
        "journey_move": lambda: journey_move(actor=me, relationship=rel, to_stage=_next_stage(rel)),
        "activity_log": lambda: activity_log(actor=me, party=party, kind="call"),
        "activity_record_bulk": lambda: activity_record_bulk(
            actor=me, items=[TouchpointIn(party_id=party.pk, kind="chat", occurred_at=AT)]
        ),
        "order_record": lambda: order_record(actor=me, payer=party, currency="EUR", lines=[line]),
        "order_set_status": lambda: order_set_status(actor=me, order=order, status="cancelled"),
        "order_save_bulk": lambda: order_save_bulk(
            actor=me,
            orders=[
                order_build_unsaved(
                    payer=party,
                    lines=[line],
                    currency="EUR",
                    channel="store",
                    status="paid",
                    placed_at=AT,
                    external_id=None,
                )
            ],
        ),
    }
    calls[service]()


@pytest.mark.parametrize(("service", "situation", "mark"), CASES)
def test_account_manager_ownership(service, situation, mark, users):
    me = users["account_manager"]
    owners = {"me": me, "am2": UserFactory(username="am2", role="account_manager")}
    spec = dict(SITUATIONS[situation])
    if "owner" in spec:
        spec["owner"] = owners[spec["owner"]]
    party = make_party(**spec)
    rel = party.relationships.first()
    order, _ = order_record(
        actor=None, payer=party, currency="EUR", lines=[LineIn(description="x", unit_price=1)]
    )
    org = make_party(kind="organisation", organisation_name="Acme", given_name="", family_name="")
    floor = AuditEvent.objects.order_by("pk").last().pk
    before = snapshot()

    if mark == "Y":
        _act(service, me, party, rel, order, org)
        event = AuditEvent.objects.filter(pk__gt=floor, action=AUDITED_AS[service]).get()
        assert event.actor == me
    else:
        with pytest.raises(ApplicationError) as info:
            _act(service, me, party, rel, order, org)
        assert info.value.code == ErrorCode.PERMISSION_DENIED
        assert snapshot() == before


def test_account_manager_cannot_give_a_relationship_to_another_account_manager(users):
    me = users["account_manager"]
    am2 = UserFactory(username="am2", role="account_manager")
    rel = make_party(relationship_kind="customer").relationships.get()
    before = snapshot()

    with pytest.raises(ApplicationError) as info:
        relationship_assign_owner(actor=me, relationship=rel, owner=am2)

    assert info.value.code == ErrorCode.PERMISSION_DENIED
    assert snapshot() == before


def test_account_manager_cannot_create_or_convert_into_another_account_managers_client(users):
    me = users["account_manager"]
    am2 = UserFactory(username="am2", role="account_manager")
    customer = make_party(relationship_kind="customer").relationships.get()
    before = snapshot()

    with pytest.raises(ApplicationError) as created:
        party_create(actor=me, given_name="Ola", relationship_kind="client", owner=am2)
    with pytest.raises(ApplicationError) as converted:
        relationship_convert(actor=me, relationship=customer, owner=am2, reason="vip")

    assert (created.value.code, converted.value.code) == (
        ErrorCode.PERMISSION_DENIED,
        ErrorCode.PERMISSION_DENIED,
    )
    assert snapshot() == before


def test_account_manager_creates_their_own_client(users):
    me = users["account_manager"]

    party = party_create(actor=me, given_name="Ola", relationship_kind="client", owner=me)

    rel = party.relationships.get()
    assert (rel.kind, rel.owner, rel.stage) == ("client", me, "awareness")


def test_a_bulk_batch_touching_another_account_managers_client_writes_nothing(users):
    me = users["account_manager"]
    am2 = UserFactory(username="am2", role="account_manager")
    mine = make_party(relationship_kind="customer")
    theirs = make_party(given_name="Ion", relationship_kind="client", owner=am2)
    items = [
        TouchpointIn(party_id=mine.pk, kind="chat", occurred_at=AT),
        TouchpointIn(party_id=theirs.pk, kind="chat", occurred_at=AT),
    ]
    before = snapshot()

    with pytest.raises(ApplicationError) as info:
        activity_record_bulk(actor=me, items=items)

    assert info.value.code == ErrorCode.PERMISSION_DENIED
    assert snapshot() == before
