from clientela.core.models import AuditEvent
from clientela.core.selectors import audit_list_for
from clientela.core.services import audit_record
from clientela.journeys.services import journey_move
from clientela.parties.services import party_update, relationship_assign_owner
from tests.factories import make_party


def test_the_audit_trail_names_actor_action_target_and_data(admin, account_manager):
    party = make_party(relationship_kind="client")
    rel = party.relationships.get()

    party_update(actor=admin, party=party, notes="met at a fair")
    relationship_assign_owner(actor=admin, relationship=rel, owner=account_manager)
    journey_move(actor=account_manager, relationship=rel, to_stage="consideration", reason="demo")

    party_events = [
        (e.actor, e.action, e.target_type, e.data)
        for e in audit_list_for(target_id=party.public_id)
    ]
    assert party_events == [
        (
            admin,
            "party.updated",
            "party",
            {"before": {"notes": ""}, "after": {"notes": "met at a fair"}},
        ),
        (None, "party.created", "party", {"name": "Ana Popescu"}),
    ]
    rel_events = [(e.actor, e.action, e.data) for e in audit_list_for(target_id=rel.public_id)]
    assert rel_events == [
        (
            account_manager,
            "journey.moved",
            {"from": "awareness", "to": "consideration", "reason": "demo"},
        ),
        (admin, "relationship.owner_assigned", {"from": None, "to": "account_manager"}),
        (None, "relationship.opened", {"kind": "client", "stage": "awareness", "owner": None}),
    ]


def test_audit_data_is_stored_as_plain_json(admin):
    from datetime import UTC, datetime
    from decimal import Decimal

    party = make_party()

    event = audit_record(
        actor=admin,
        action="test.recorded",
        target=party,
        data={"amount": Decimal("1.50"), "at": datetime(2024, 1, 2, tzinfo=UTC), 3: (1, None)},
    )

    assert AuditEvent.objects.get(pk=event.pk).data == {
        "amount": "1.50",
        "at": "2024-01-02 00:00:00+00:00",
        "3": [1, None],
    }
