"""Writes of the client desk: backups and bulk reassignment. Import from here."""

from clientela.clientdesk.services.backups import (
    relationship_backup_add,
    relationship_backup_remove,
)
from clientela.clientdesk.services.reassign import relationships_reassign

__all__ = [
    "relationship_backup_add",
    "relationship_backup_remove",
    "relationships_reassign",
]
