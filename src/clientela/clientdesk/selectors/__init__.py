"""Reads of the client desk: backups, client health, the morning list and the workload.
Import from here."""

from clientela.clientdesk.selectors.backups import (
    BACKUP_ROLES,
    backup_ids_by_relationship,
    is_backup,
    relationship_backup_ids,
    relationship_backups,
    relationships_accessible_ids,
)
from clientela.clientdesk.selectors.health import (
    WEIGHTS,
    Engagement,
    Health,
    band_label,
    client_health,
    engagement_by_party,
)
from clientela.clientdesk.selectors.morning import (
    ClientRow,
    FallingClient,
    MorningList,
    WorkloadLine,
    clients_of,
    morning_list,
    workload,
)

__all__ = [
    "WEIGHTS",
    "ClientRow",
    "Engagement",
    "FallingClient",
    "Health",
    "MorningList",
    "WorkloadLine",
    "band_label",
    "client_health",
    "clients_of",
    "engagement_by_party",
    "morning_list",
    "workload",
    "BACKUP_ROLES",
    "backup_ids_by_relationship",
    "is_backup",
    "relationship_backup_ids",
    "relationship_backups",
    "relationships_accessible_ids",
]
