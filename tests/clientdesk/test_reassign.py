"""Bulk reassignment: rights, all or nothing, the current copy, audit events."""

from __future__ import annotations

import pytest

from clientela.clientdesk.selectors import relationship_backup_ids
from clientela.clientdesk.services import relationship_backup_add, relationships_reassign
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent
from clientela.parties.models import Party, Relationship
from tests.clientdesk.builders import client
from tests.factories import UserFactory


@pytest.fixture
def team(users):
    return users["account_manager"], UserFactory(username="bea", role="account_manager")


def _owners(rels):
    return [Relationship.objects.get(pk=r.pk).owner.username for r in rels]


def test_all_of_one_account_managers_clients(users, team):
    old, new = team
    rels = [client(old, n) for n in ("A", "B", "C")]
    other = client(users["manager"], "Other")
    moved = relationships_reassign(actor=users["manager"], from_owner=old, to_owner=new)
    assert moved == [r.public_id for r in rels]
    assert _owners(rels) == ["bea", "bea", "bea"]
    assert _owners([other]) == ["manager"]
    assert list(
        Party.objects.filter(pk__in=[r.party_id for r in rels])
        .order_by("id")
        .values_list("current_owner__username", flat=True)
    ) == ["bea", "bea", "bea"]
    events = AuditEvent.objects.filter(action="relationship.owner_assigned").order_by("id")
    assert [(e.target_id, e.data) for e in events] == [
        (r.public_id, {"from": "account_manager", "to": "bea"}) for r in rels
    ]


def test_one_bad_relationship_changes_nothing(users, team):
    old, new = team
    good = client(old, "Good")
    ended = client(old, "Ended")
    Relationship.objects.filter(pk=ended.pk).update(is_current=False)
    with pytest.raises(ApplicationError) as exc:
        relationships_reassign(
            actor=users["manager"],
            relationship_public_ids=[good.public_id, ended.public_id],
            to_owner=new,
        )
    assert exc.value.code == ErrorCode.CONFLICT
    with pytest.raises(ApplicationError) as exc:
        relationships_reassign(
            actor=users["manager"],
            relationship_public_ids=[good.public_id, "rel_nope"],
            to_owner=new,
        )
    assert (exc.value.code, exc.value.extra) == (
        ErrorCode.NOT_FOUND,
        {"relationships": ["rel_nope"]},
    )
    viewer = users["viewer"]
    with pytest.raises(ApplicationError) as exc:
        relationships_reassign(
            actor=users["manager"], relationship_public_ids=[good.public_id], to_owner=viewer
        )
    assert exc.value.code == ErrorCode.VALIDATION
    assert _owners([good, ended]) == ["account_manager"] * 2
    assert not AuditEvent.objects.filter(action="relationship.owner_assigned").exists()
    assert Party.objects.get(pk=good.party_id).current_owner == old


def test_only_managers_and_admins_reassign(users, team):
    old, new = team
    rel = client(old)
    for role in ("account_manager", "support_agent", "marketer", "viewer"):
        with pytest.raises(ApplicationError) as exc:
            relationships_reassign(
                actor=users[role], relationship_public_ids=[rel.public_id], to_owner=new
            )
        assert exc.value.code == ErrorCode.PERMISSION_DENIED
    assert relationships_reassign(
        actor=users["admin"], relationship_public_ids=[rel.public_id], to_owner=new
    ) == [rel.public_id]


def test_input_is_checked_and_the_new_owner_stops_being_a_backup(users, team):
    old, new = team
    rel = client(old)
    relationship_backup_add(actor=users["manager"], relationship=rel, user=new)
    with pytest.raises(ApplicationError) as exc:
        relationships_reassign(actor=users["manager"], to_owner=new)
    assert list(exc.value.extra["fields"]) == ["relationships"]
    with pytest.raises(ApplicationError) as exc:
        relationships_reassign(actor=users["manager"], from_owner=old, to_owner=old)
    assert list(exc.value.extra["fields"]) == ["to_owner"]
    assert relationships_reassign(
        actor=users["manager"], relationship_public_ids=[rel.public_id], to_owner=new
    ) == [rel.public_id]
    assert relationship_backup_ids(relationship_id=rel.pk) == set()
    # Already theirs: nothing to move, no event.
    assert (
        relationships_reassign(
            actor=users["manager"], relationship_public_ids=[rel.public_id], to_owner=new
        )
        == []
    )
