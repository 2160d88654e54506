"""Writes on parties, contact points, memberships and relationships.

Every function checks the actor's role (accounts.permissions), validates with full_clean,
writes inside one transaction, and records an audit event. Split by subject:
`parties` (people, organisations, contact points, tags, consent, memberships) and
`relationships` (open, owner, convert, end); import from here.
"""

from clientela.parties.services.current import party_current_refresh
from clientela.parties.services.parties import (
    contact_normalize,
    membership_add,
    party_add_contact_point,
    party_create,
    party_names_fill,
    party_set_consent,
    party_set_tags,
    party_update,
)
from clientela.parties.services.relationships import (
    OWNER_ROLES,
    relationship_assign_owner,
    relationship_convert,
    relationship_end,
    relationship_lock,
    relationship_open,
    relationship_owner_change_locked,
)

__all__ = [
    "OWNER_ROLES",
    "contact_normalize",
    "membership_add",
    "party_add_contact_point",
    "party_create",
    "party_current_refresh",
    "party_names_fill",
    "party_set_consent",
    "party_set_tags",
    "party_update",
    "relationship_assign_owner",
    "relationship_convert",
    "relationship_end",
    "relationship_lock",
    "relationship_open",
    "relationship_owner_change_locked",
]
