"""Backup account managers: who names them, who they may be, and what they then may do."""

from __future__ import annotations

import pytest

from clientela.accounts.permissions import Action, authorize_parties, is_allowed
from clientela.clientdesk.models import RelationshipBackup
from clientela.clientdesk.selectors import (
    relationship_backup_ids,
    relationship_backups,
    relationships_accessible_ids,
)
from clientela.clientdesk.services import relationship_backup_add, relationship_backup_remove
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent
from clientela.parties.models import Relationship
from tests.factories import UserFactory, make_party


@pytest.fixture
def client_rel(users):
    party = make_party(relationship_kind="client", owner=users["account_manager"])
    return Relationship.objects.get(party=party, is_current=True)


@pytest.fixture
def colleague(db):
    return UserFactory(username="colleague", role="account_manager")


def test_manager_adds_a_backup_who_then_may_change_the_client(users, client_rel, colleague):
    party = client_rel.party
    assert not is_allowed(colleague, Action.RELATIONSHIP_CHANGE, party=party)
    backup = relationship_backup_add(
        actor=users["manager"], relationship=client_rel, user=colleague
    )
    assert backup.public_id.startswith("bku_")
    assert relationship_backup_ids(relationship_id=client_rel.pk) == {colleague.pk}
    assert [b.user for b in relationship_backups(relationship_id=client_rel.pk)] == [colleague]
    assert is_allowed(colleague, Action.RELATIONSHIP_CHANGE, party=party)
    assert is_allowed(colleague, Action.ACTIVITY_LOG, party=party)
    authorize_parties(colleague, Action.ACTIVITY_LOG, party_ids=[party.pk])
    assert list(relationships_accessible_ids(user=colleague).values_list("id", flat=True)) == [
        client_rel.pk
    ]
    event = AuditEvent.objects.get(action="relationship.backup_added")
    assert (event.actor, event.target_id, event.data) == (
        users["manager"],
        client_rel.public_id,
        {"user": "colleague"},
    )
    relationship_backup_remove(actor=users["manager"], relationship=client_rel, user=colleague)
    assert relationship_backup_ids(relationship_id=client_rel.pk) == set()
    assert not is_allowed(colleague, Action.RELATIONSHIP_CHANGE, party=party)
    with pytest.raises(ApplicationError) as exc:
        authorize_parties(colleague, Action.ACTIVITY_LOG, party_ids=[party.pk])
    assert exc.value.code == ErrorCode.PERMISSION_DENIED


def test_the_owner_names_their_own_backup_others_may_not(users, client_rel, colleague):
    relationship_backup_add(
        actor=users["account_manager"], relationship=client_rel, user=users["manager"]
    )
    for role in ("support_agent", "marketer", "viewer"):
        with pytest.raises(ApplicationError) as exc:
            relationship_backup_add(actor=users[role], relationship=client_rel, user=colleague)
        assert exc.value.code == ErrorCode.PERMISSION_DENIED
    with pytest.raises(ApplicationError) as exc:
        relationship_backup_add(actor=colleague, relationship=client_rel, user=colleague)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    # A backup does not name further backups ...
    relationship_backup_add(actor=users["admin"], relationship=client_rel, user=colleague)
    other = UserFactory(username="other", role="account_manager")
    with pytest.raises(ApplicationError) as exc:
        relationship_backup_add(actor=colleague, relationship=client_rel, user=other)
    assert exc.value.code == ErrorCode.PERMISSION_DENIED
    # ... but may step down.
    relationship_backup_remove(actor=colleague, relationship=client_rel, user=colleague)
    assert relationship_backup_ids(relationship_id=client_rel.pk) == {users["manager"].pk}


def test_who_may_be_a_backup(users, client_rel, colleague):
    manager = users["manager"]
    with pytest.raises(ApplicationError) as exc:
        relationship_backup_add(
            actor=manager, relationship=client_rel, user=users["account_manager"]
        )
    assert exc.value.code == ErrorCode.VALIDATION
    assert list(exc.value.extra["fields"]) == ["user"]
    for role in ("admin", "support_agent", "marketer", "viewer"):
        with pytest.raises(ApplicationError) as exc:
            relationship_backup_add(actor=manager, relationship=client_rel, user=users[role])
        assert exc.value.code == ErrorCode.VALIDATION
    inactive = UserFactory(username="gone", role="account_manager", is_active=False)
    with pytest.raises(ApplicationError) as exc:
        relationship_backup_add(actor=manager, relationship=client_rel, user=inactive)
    assert exc.value.code == ErrorCode.VALIDATION
    relationship_backup_add(actor=manager, relationship=client_rel, user=colleague)
    with pytest.raises(ApplicationError) as exc:
        relationship_backup_add(actor=manager, relationship=client_rel, user=colleague)
    assert exc.value.code == ErrorCode.CONFLICT
    assert RelationshipBackup.objects.count() == 1
    with pytest.raises(ApplicationError) as exc:
        relationship_backup_remove(actor=manager, relationship=client_rel, user=users["manager"])
    assert exc.value.code == ErrorCode.NOT_FOUND


def test_customers_have_no_backups(users, colleague):
    party = make_party(relationship_kind="customer")
    rel = Relationship.objects.get(party=party)
    with pytest.raises(ApplicationError) as exc:
        relationship_backup_add(actor=users["manager"], relationship=rel, user=colleague)
    assert exc.value.code == ErrorCode.CONFLICT
