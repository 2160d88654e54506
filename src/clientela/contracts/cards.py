"""The contracts card on a party page (integrated by the client desk)."""

from __future__ import annotations


def party_card(*, relationship, user) -> dict | None:
    """The client's contracts (newest first) with status and renewal, and the "new contract"
    link when `user` may create one. None for a customer or a party without relationship;
    None too for a client without contracts when `user` may not create one."""
    from clientela.accounts.permissions import Action, is_allowed
    from clientela.contracts.selectors import contracts_for_relationship

    if relationship is None or relationship.kind != "client":
        return None
    may_create = relationship.is_current and is_allowed(
        user, Action.RELATIONSHIP_CHANGE, party=relationship.party
    )
    contracts = contracts_for_relationship(relationship_id=relationship.pk)
    if not contracts and not may_create:
        return None
    return {
        "relationship": relationship,
        "party": relationship.party,
        "contracts": contracts,
        "may_create": may_create,
    }
