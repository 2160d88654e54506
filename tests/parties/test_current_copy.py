"""The party's copy of its current relationship (used by the directory's filters) follows
every service that changes the relationship."""

from clientela.journeys.services import journey_move
from clientela.parties.models import Party
from clientela.parties.selectors import DirectoryFilters, directory_page
from clientela.parties.services import (
    relationship_assign_owner,
    relationship_convert,
    relationship_end,
)
from tests.factories import make_party


def _copy(party):
    return Party.objects.values_list("current_kind", "current_stage", "current_owner").get(
        pk=party.pk
    )


def _names(**filters):
    return [p.display_name for p in directory_page(filters=DirectoryFilters(**filters)).rows]


def test_the_copy_follows_open_move_assign_convert_and_end(admin, account_manager):
    prospect = make_party(given_name="Zoe", family_name="Prospect")
    assert _copy(prospect) == ("", "", None)

    party = make_party(relationship_kind="customer", acquisition_channel="walk_in")
    customer = party.relationships.get()
    assert _copy(party) == ("customer", "awareness", None)

    journey_move(actor=admin, relationship=customer, to_stage="consideration")
    assert _copy(party) == ("customer", "consideration", None)

    relationship_assign_owner(actor=admin, relationship=customer, owner=account_manager)
    assert _copy(party) == ("customer", "consideration", account_manager.pk)

    client = relationship_convert(
        actor=admin, relationship=customer, owner=account_manager, reason="wants advice"
    )
    assert _copy(party) == ("client", "consideration", account_manager.pk)

    relationship_end(actor=admin, relationship=client, reason="moved abroad")
    assert _copy(party) == ("client", "consideration", account_manager.pk)


def test_directory_filters_read_the_copy(admin, account_manager):
    make_party(given_name="Ana", family_name="Client", relationship_kind="client",
               owner=account_manager, stage="consideration")  # fmt: skip
    buyer = make_party(given_name="Bea", family_name="Buyer", relationship_kind="customer")
    make_party(given_name="Cai", family_name="Nobody")
    journey_move(actor=admin, relationship=buyer.relationships.get(), to_stage="consideration")

    assert _names(kind="client") == ["Ana Client"]
    assert _names(kind="customer") == ["Bea Buyer"]
    assert _names(kind="none") == ["Cai Nobody"]
    assert _names(stage="consideration") == ["Ana Client", "Bea Buyer"]
    assert _names(kind="customer", stage="consideration") == ["Bea Buyer"]
    assert _names(owner_id=account_manager.pk) == ["Ana Client"]
