import pytest

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.journeys import guards
from clientela.journeys.models import JourneyTransition
from clientela.journeys.services import journey_move
from clientela.parties.services import relationship_assign_owner
from tests.factories import make_party


def _refusal(fn, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        fn(**kwargs)
    assert info.value.code == ErrorCode.TRANSITION_REFUSED
    return info.value


def test_customer_walks_its_journey_and_every_step_is_recorded(admin):
    party = make_party(relationship_kind="customer", acquisition_channel="search_ad")
    rel = party.relationships.get()
    for stage in ("consideration", "purchase", "retention"):
        journey_move(actor=admin, relationship=rel, to_stage=stage, reason=f"to {stage}")
    history = list(
        JourneyTransition.objects.filter(relationship=rel).values_list(
            "from_stage", "to_stage", "actor__username", "reason"
        )
    )
    assert history == [
        ("", "awareness", None, ""),
        ("awareness", "consideration", "admin", "to consideration"),
        ("consideration", "purchase", "admin", "to purchase"),
        ("purchase", "retention", "admin", "to retention"),
    ]
    rel.refresh_from_db()
    assert rel.stage == "retention"


def test_skipping_a_stage_is_refused_naming_the_rule(admin):
    rel = make_party(relationship_kind="customer").relationships.get()
    error = _refusal(journey_move, actor=admin, relationship=rel, to_stage="purchase")
    assert error.extra["rule"] == "journey.one_step_forward"
    assert error.message == "Stages cannot be skipped: move to “Consideration” first."
    rel.refresh_from_db()
    assert rel.stage == "awareness"
    assert rel.transitions.count() == 1


def test_a_stage_of_the_other_journey_is_refused(admin):
    rel = make_party(relationship_kind="customer", stage="purchase").relationships.get()
    error = _refusal(journey_move, actor=admin, relationship=rel, to_stage="onboarding")
    assert error.extra["rule"] == "journey.stage_exists"


def test_client_needs_an_account_manager_before_onboarding(admin, account_manager):
    rel = make_party(relationship_kind="client", stage="purchase").relationships.get()
    error = _refusal(journey_move, actor=admin, relationship=rel, to_stage="onboarding")
    assert error.extra["rule"] == "client.owner_required"
    relationship_assign_owner(actor=admin, relationship=rel, owner=account_manager)
    journey_move(actor=admin, relationship=rel, to_stage="onboarding")
    rel.refresh_from_db()
    assert rel.stage == "onboarding"


def test_moving_back_needs_a_reason(admin):
    rel = make_party(relationship_kind="customer", stage="purchase").relationships.get()
    error = _refusal(journey_move, actor=admin, relationship=rel, to_stage="awareness")
    assert error.message == "Moving a relationship back needs a reason."
    journey_move(actor=admin, relationship=rel, to_stage="awareness", reason="order cancelled")
    rel.refresh_from_db()
    assert rel.stage == "awareness"


def test_a_registered_guard_from_another_app_refuses_by_name(admin):
    @guards.register("test.no_purchase_on_fridays", description="test guard")
    def _guard(move):
        return "No purchases today." if move.to_stage == "purchase" else None

    try:
        rel = make_party(relationship_kind="customer", stage="consideration").relationships.get()
        error = _refusal(journey_move, actor=admin, relationship=rel, to_stage="purchase")
        assert (error.extra["rule"], error.message) == (
            "test.no_purchase_on_fridays",
            "No purchases today.",
        )
    finally:
        guards.unregister("test.no_purchase_on_fridays")


def test_entering_a_journey_goes_through_the_guards_too(admin):
    with pytest.raises(ApplicationError) as info:
        make_party(relationship_kind="client", stage="onboarding")
    assert info.value.extra["rule"] == "client.owner_required"
    from clientela.parties.models import Party

    assert Party.objects.count() == 0  # all or nothing
