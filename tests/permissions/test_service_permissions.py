"""Every writing service against every role: allowed -> the exact state; refused ->
PERMISSION_DENIED and not one row or field changed, no audit event.

The expected matrix is written out by hand from the rules (accounts/permissions.py's
docstring), never derived from the code under test."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.accounts.models import User
from clientela.accounts.services import user_create, user_set_language
from clientela.activities.models import Activity
from clientela.activities.services import TouchpointIn, activity_log, activity_record_bulk
from clientela.commerce.models import CatalogItem, Order, OrderLine
from clientela.commerce.services import (
    LineIn,
    catalog_item_create,
    order_build_unsaved,
    order_record,
    order_save_bulk,
    order_set_status,
)
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent, Business
from clientela.journeys.models import JourneyTransition
from clientela.journeys.services import journey_move
from clientela.parties.models import ContactPoint, Membership, Party, Relationship, Tag
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
    relationship_open,
)
from tests.factories import UserFactory, make_party

AT = datetime(2024, 5, 1, 10, 0, tzinfo=UTC)

# Y = allowed, - = PERMISSION_DENIED. "support" is the support agent; "inactive" a
# deactivated admin; "system" is actor=None (CLI, worker). The party acted on is a customer
# owned by another account manager, which an account manager may change (ownership has its
# own table in test_ownership.py).
MATRIX = """
service                   admin manager account_manager support  marketer viewer inactive system
party_create              Y     Y       Y               -        -        -      -        Y
party_update              Y     Y       Y               -        -        -      -        Y
party_add_contact_point   Y     Y       Y               -        -        -      -        Y
party_set_tags            Y     Y       Y               -        Y        -      -        Y
party_set_consent         Y     Y       Y               -        Y        -      -        Y
membership_add            Y     Y       Y               -        -        -      -        Y
relationship_open         Y     Y       Y               -        -        -      -        Y
relationship_assign_owner Y     Y       Y               -        -        -      -        Y
relationship_convert      Y     Y       Y               -        -        -      -        Y
relationship_end          Y     Y       Y               -        -        -      -        Y
journey_move              Y     Y       Y               -        -        -      -        Y
activity_log              Y     Y       Y               Y        -        -      -        Y
activity_record_bulk      Y     Y       Y               Y        -        -      -        Y
catalog_item_create       Y     Y       -               -        -        -      -        Y
order_record              Y     Y       Y               -        -        -      -        Y
order_set_status          Y     Y       Y               -        -        -      -        Y
order_save_bulk           Y     Y       Y               -        -        -      -        Y
user_create               Y     -       -               -        -        -      -        Y
user_set_language         Y     Y       Y               Y        Y        Y      -        -
"""


def _parse(table: str) -> dict[tuple[str, str], bool]:
    header, *rows = [line.split() for line in table.strip().splitlines()]
    return {
        (row[0], role): mark == "Y"
        for row in rows
        for role, mark in zip(header[1:], row[1:], strict=True)
    }


EXPECTED = _parse(MATRIX)
SERVICES = sorted({service for service, _ in EXPECTED})
ACTORS = MATRIX.strip().splitlines()[0].split()[1:]


@pytest.fixture
def world(users):
    am2 = UserFactory(username="am2", role="account_manager")
    customer = make_party(
        given_name="Ana",
        family_name="Popescu",
        relationship_kind="customer",
        owner=am2,
        acquisition_channel="walk_in",
        at=AT,
    )
    org = make_party(kind="organisation", organisation_name="Acme", given_name="", family_name="")
    order, _ = order_record(
        actor=None,
        payer=customer,
        currency="EUR",
        external_id="o-existing",
        placed_at=AT,
        lines=[LineIn(description="Coffee", unit_price=Decimal("3.50"))],
    )
    inactive = UserFactory(username="inactive", role="admin", is_active=False)
    return {
        "users": {**users, "support": users["support_agent"], "inactive": inactive, "system": None},
        "am2": am2,
        "customer": customer,
        "relationship": customer.relationships.get(),
        "org": org,
        "order": order,
        "audit_floor": AuditEvent.objects.order_by("pk").last().pk,
    }


def snapshot() -> dict[str, list[dict]]:
    """Every row of every table a service may write, field by field."""
    models = [
        User,
        Party,
        Party.tags.through,
        Tag,
        ContactPoint,
        Membership,
        Relationship,
        JourneyTransition,
        Activity,
        CatalogItem,
        Order,
        OrderLine,
        AuditEvent,
        Business,
    ]
    return {m._meta.label: list(m.objects.order_by("pk").values()) for m in models}


def _audit(w, action: str) -> AuditEvent:
    """The one audit event `action` recorded by the service under test."""
    return AuditEvent.objects.get(action=action, pk__gt=w["audit_floor"])


# --- one act and one exact check per service -------------------------------------------


def act_party_create(w, actor):
    party_create(
        actor=actor,
        given_name="Marta",
        family_name="Żółć",
        emails=["Marta@Example.test"],
        tags=["VIP"],
    )


def check_party_create(w, actor):
    party = Party.objects.get(family_name="Żółć")
    assert (party.display_name, party.sort_key, party.family_key) == (
        "Marta Żółć",
        "marta zolc",
        "zolc",
    )
    assert list(party.contact_points.values_list("kind", "value", "normalized")) == [
        ("email", "Marta@Example.test", "marta@example.test")
    ]
    assert [t.name for t in party.tags.all()] == ["vip"]
    event = _audit(w, "party.created")
    assert (event.actor, event.target_id, event.data) == (
        actor,
        party.public_id,
        {"name": "Marta Żółć"},
    )


def act_party_update(w, actor):
    party_update(actor=actor, party=w["customer"], family_name=" Ionescu ")


def check_party_update(w, actor):
    party = Party.objects.get(pk=w["customer"].pk)
    assert (party.family_name, party.display_name, party.sort_key, party.family_key) == (
        "Ionescu",
        "Ana Ionescu",
        "ana ionescu",
        "ionescu",
    )
    event = _audit(w, "party.updated")
    assert (event.actor, event.target_id, event.data) == (
        actor,
        party.public_id,
        {"before": {"family_name": "Popescu"}, "after": {"family_name": "Ionescu"}},
    )


def act_party_add_contact_point(w, actor):
    party_add_contact_point(actor=actor, party=w["customer"], kind="phone", value="+40 721-000-111")


def check_party_add_contact_point(w, actor):
    assert list(
        ContactPoint.objects.filter(party=w["customer"]).values_list(
            "kind", "value", "normalized", "is_primary"
        )
    ) == [("phone", "+40 721-000-111", "+40721000111", True)]
    assert _audit(w, "party.contact_added").actor == actor


def act_party_set_tags(w, actor):
    party_set_tags(actor=actor, party=w["customer"], tags=["VIP", " loyal ", ""])


def check_party_set_tags(w, actor):
    assert sorted(w["customer"].tags.values_list("name", flat=True)) == ["loyal", "vip"]
    event = _audit(w, "party.tagged")
    assert (event.actor, event.data) == (actor, {"tags": ["loyal", "vip"]})


def act_party_set_consent(w, actor):
    party_set_consent(actor=actor, party=w["customer"], consent=True, source="web form", at=AT)


def check_party_set_consent(w, actor):
    party = Party.objects.get(pk=w["customer"].pk)
    assert (party.marketing_consent, party.consent_at, party.consent_source) == (
        True,
        AT,
        "web form",
    )
    event = _audit(w, "party.consent")
    assert (event.actor, event.data) == (actor, {"consent": True, "source": "web form"})


def act_membership_add(w, actor):
    membership_add(actor=actor, person=w["customer"], organisation=w["org"], role="decision_maker")


def check_membership_add(w, actor):
    assert list(Membership.objects.values_list("person", "organisation", "role")) == [
        (w["customer"].pk, w["org"].pk, "decision_maker")
    ]
    event = _audit(w, "party.member_added")
    assert (event.actor, event.target_id, event.data) == (
        actor,
        w["org"].public_id,
        {"person": w["customer"].public_id, "role": "decision_maker"},
    )


def act_relationship_open(w, actor):
    relationship_open(actor=actor, party=w["org"], kind="customer", acquisition_channel="blog")


def check_relationship_open(w, actor):
    rel = Relationship.objects.get(party=w["org"])
    assert (rel.kind, rel.stage, rel.is_current, rel.status, rel.acquisition_channel) == (
        "customer",
        "awareness",
        True,
        "active",
        "blog",
    )
    assert list(rel.transitions.values_list("from_stage", "to_stage")) == [("", "awareness")]
    event = _audit(w, "relationship.opened")
    assert (event.actor, event.target_id) == (actor, rel.public_id)


def act_relationship_assign_owner(w, actor):
    # An account manager takes the relationship for themselves; others give it to them.
    relationship_assign_owner(
        actor=actor, relationship=w["relationship"], owner=w["users"]["account_manager"]
    )


def check_relationship_assign_owner(w, actor):
    assert Relationship.objects.get(pk=w["relationship"].pk).owner == w["users"]["account_manager"]
    event = _audit(w, "relationship.owner_assigned")
    assert (event.actor, event.data) == (actor, {"from": "am2", "to": "account_manager"})


def act_relationship_convert(w, actor):
    relationship_convert(actor=actor, relationship=w["relationship"], reason="wants advice")


def check_relationship_convert(w, actor):
    old = Relationship.objects.get(pk=w["relationship"].pk)
    new = Relationship.objects.get(party=w["customer"], is_current=True)
    assert (old.status, old.is_current, old.end_reason) == ("converted", False, "wants advice")
    assert (new.kind, new.stage, new.converted_from, new.owner) == (
        "client",
        "consideration",
        old,
        None,
    )
    event = _audit(w, "relationship.converted")
    assert (event.actor, event.data["old"], event.data["new"]) == (
        actor,
        old.public_id,
        new.public_id,
    )


def act_relationship_end(w, actor):
    relationship_end(actor=actor, relationship=w["relationship"], reason="moved away", at=AT)


def check_relationship_end(w, actor):
    rel = Relationship.objects.get(pk=w["relationship"].pk)
    assert (rel.status, rel.is_current, rel.ended_at, rel.end_reason) == (
        "ended",
        True,
        AT,
        "moved away",
    )
    assert _audit(w, "relationship.ended").actor == actor


def act_journey_move(w, actor):
    journey_move(actor=actor, relationship=w["relationship"], to_stage="consideration")


def check_journey_move(w, actor):
    assert Relationship.objects.get(pk=w["relationship"].pk).stage == "consideration"
    assert list(
        JourneyTransition.objects.filter(relationship=w["relationship"]).values_list(
            "from_stage", "to_stage", "actor"
        )
    ) == [("", "awareness", None), ("awareness", "consideration", getattr(actor, "pk", None))]
    event = _audit(w, "journey.moved")
    assert (event.actor, event.data) == (
        actor,
        {"from": "awareness", "to": "consideration", "reason": ""},
    )


def act_activity_log(w, actor):
    activity_log(actor=actor, party=w["customer"], kind="call", occurred_at=AT, subject="Hello")


def check_activity_log(w, actor):
    activity = Activity.objects.get()
    assert (
        activity.party,
        activity.relationship,
        activity.kind,
        activity.channel,
        activity.staff,
        activity.occurred_at,
        activity.subject,
    ) == (w["customer"], w["relationship"], "call", "phone", actor, AT, "Hello")
    assert _audit(w, "activity.logged").actor == actor


def act_activity_record_bulk(w, actor):
    item = TouchpointIn(
        party_id=w["customer"].pk, kind="website_visit", occurred_at=AT, external_id="evt-1"
    )
    activity_record_bulk(actor=actor, items=[item])


def check_activity_record_bulk(w, actor):
    activity = Activity.objects.get()
    assert (activity.external_id, activity.relationship, activity.channel) == (
        "evt-1",
        w["relationship"],
        "web",
    )
    event = _audit(w, "activity.bulk_recorded")
    assert (event.actor, event.data) == (actor, {"offered": 1})


def act_catalog_item_create(w, actor):
    catalog_item_create(
        actor=actor, sku="SKU-1", name="Audit", offering="personalised", unit_price="99.5"
    )


def check_catalog_item_create(w, actor):
    item = CatalogItem.objects.get()
    assert (item.sku, item.name, item.offering, item.unit_price, item.currency) == (
        "SKU-1",
        "Audit",
        "personalised",
        Decimal("99.50"),
        "EUR",
    )
    assert _audit(w, "catalogue.item_created").actor == actor


def act_order_record(w, actor):
    order_record(
        actor=actor,
        payer=w["customer"],
        currency="eur",
        external_id="o-new",
        placed_at=AT,
        lines=[LineIn(description="Tea", unit_price=Decimal("2.25"), quantity=Decimal("2"))],
    )


def check_order_record(w, actor):
    order = Order.objects.get(external_id="o-new")
    assert (order.total, order.currency, order.relationship, order.payer) == (
        Decimal("4.50"),
        "EUR",
        w["relationship"],
        w["customer"],
    )
    event = _audit(w, "order.recorded")
    assert (event.actor, event.target_id, event.data) == (
        actor,
        order.public_id,
        {"total": "4.50", "currency": "EUR"},
    )


def act_order_set_status(w, actor):
    order_set_status(actor=actor, order=w["order"], status="refunded")


def check_order_set_status(w, actor):
    assert Order.objects.get(pk=w["order"].pk).status == "refunded"
    event = _audit(w, "order.status_changed")
    assert (event.actor, event.data) == (actor, {"from": "paid", "to": "refunded"})


def act_order_save_bulk(w, actor):
    built = order_build_unsaved(
        payer=w["customer"],
        lines=[LineIn(description="Cake", unit_price=Decimal("4"))],
        currency="EUR",
        channel="store",
        status="paid",
        placed_at=AT,
        external_id="o-bulk",
    )
    order_save_bulk(actor=actor, orders=[built])


def check_order_save_bulk(w, actor):
    order = Order.objects.get(external_id="o-bulk")
    assert list(order.lines.values_list("description", "amount")) == [("Cake", Decimal("4.00"))]
    event = _audit(w, "order.bulk_saved")
    assert (event.actor, event.data) == (actor, {"orders": 1, "lines": 1})


def act_user_create(w, actor):
    user_create(actor=actor, username="newbie", role="viewer", password="x", validate=False)


def check_user_create(w, actor):
    user = User.objects.get(username="newbie")
    assert (user.role, user.is_staff, user.is_superuser, user.check_password("x")) == (
        "viewer",
        False,
        False,
        True,
    )
    event = _audit(w, "user.created")
    assert (event.actor, event.data) == (actor, {"role": "viewer"})


def act_user_set_language(w, actor):
    user_set_language(actor=actor, language="pl")


def check_user_set_language(w, actor):
    assert User.objects.get(pk=actor.pk).language == "pl"
    event = _audit(w, "user.language_set")
    assert (event.actor, event.data) == (actor, {"from": "en", "to": "pl"})


def test_the_matrix_covers_every_writing_service_and_role():
    assert len(SERVICES) == 19
    assert ACTORS == [
        "admin",
        "manager",
        "account_manager",
        "support",
        "marketer",
        "viewer",
        "inactive",
        "system",
    ]
    assert all(f"act_{s}" in globals() and f"check_{s}" in globals() for s in SERVICES)


@pytest.mark.parametrize("role", ACTORS)
@pytest.mark.parametrize("service", SERVICES)
def test_service_permission(service, role, world):
    actor = world["users"][role]
    act, check = globals()[f"act_{service}"], globals()[f"check_{service}"]
    before = snapshot()

    if EXPECTED[(service, role)]:
        act(world, actor)
        check(world, actor)
    else:
        with pytest.raises(ApplicationError) as info:
            act(world, actor)
        assert info.value.code == ErrorCode.PERMISSION_DENIED
        assert snapshot() == before
