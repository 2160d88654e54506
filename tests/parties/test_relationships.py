import pytest

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.journeys.services import journey_move
from clientela.parties.models import Relationship
from clientela.parties.services import (
    relationship_assign_owner,
    relationship_convert,
    relationship_end,
)
from tests.factories import UserFactory, make_party


def test_a_converted_relationship_cannot_be_ended_and_keeps_its_history(admin):
    customer = make_party(relationship_kind="customer").relationships.get()
    relationship_convert(actor=admin, relationship=customer, reason="wants advice")

    with pytest.raises(ApplicationError) as info:
        relationship_end(actor=admin, relationship=customer, reason="tidy up")

    assert (info.value.code, info.value.message) == (
        ErrorCode.CONFLICT,
        "Only the current, open relationship can end.",
    )
    customer.refresh_from_db()
    assert (customer.status, customer.end_reason) == ("converted", "wants advice")


def test_an_ended_relationship_cannot_end_twice(admin):
    rel = make_party(relationship_kind="customer").relationships.get()
    relationship_end(actor=admin, relationship=rel, reason="moved away")

    with pytest.raises(ApplicationError) as info:
        relationship_end(actor=admin, relationship=rel, reason="again")

    assert info.value.code == ErrorCode.CONFLICT
    rel.refresh_from_db()
    assert (rel.status, rel.end_reason) == ("ended", "moved away")


def test_unassigning_checks_the_stage_the_client_really_has(admin, account_manager):
    rel = make_party(
        relationship_kind="client", stage="purchase", owner=account_manager
    ).relationships.get()
    stale = Relationship.objects.get(pk=rel.pk)
    journey_move(actor=admin, relationship=rel, to_stage="onboarding")

    with pytest.raises(ApplicationError) as info:
        relationship_assign_owner(actor=admin, relationship=stale, owner=None)

    assert info.value.extra == {"rule": "client.owner_required"}
    assert Relationship.objects.get(pk=rel.pk).owner == account_manager


def test_with_the_owner_rule_switched_off_a_client_in_onboarding_may_lose_its_owner(
    admin, account_manager
):
    from clientela.clientdesk.settings import desk_settings_update

    rel = make_party(
        relationship_kind="client", stage="onboarding", owner=account_manager
    ).relationships.get()
    desk_settings_update(actor=None, guard_owner_for_onboarding=False)

    relationship_assign_owner(actor=admin, relationship=rel, owner=None)

    assert Relationship.objects.get(pk=rel.pk).owner is None


def test_a_historical_relationship_does_not_change_owner(admin, account_manager):
    customer = make_party(relationship_kind="customer").relationships.get()
    relationship_convert(actor=admin, relationship=customer, reason="wants advice")

    with pytest.raises(ApplicationError) as info:
        relationship_assign_owner(actor=admin, relationship=customer, owner=account_manager)

    assert info.value.code == ErrorCode.CONFLICT
    assert Relationship.objects.get(pk=customer.pk).owner is None


@pytest.mark.parametrize(
    ("user", "problem"),
    [
        ({"role": "viewer"}, "cannot own relationships (role viewer)"),
        ({"role": "account_manager", "is_active": False}, "is inactive and cannot own"),
    ],
)
def test_only_active_account_managers_managers_and_admins_own_relationships(admin, user, problem):
    owner = UserFactory(username="owner", **user)

    with pytest.raises(ApplicationError) as info:
        make_party(relationship_kind="client", owner=owner)

    assert list(info.value.extra["fields"]) == ["owner"]
    assert problem in info.value.message
    assert Relationship.objects.count() == 0
