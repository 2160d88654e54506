"""The contracts' journey guard and sweep, registered when the app is ready.

Guard `client.contract_signed` (switch `guard_contract_for_purchase`): a client moves into
purchase only with a signed or active contract. Moves that start at purchase or later
(onward, or back) are not checked again: the client already passed this gate, and a contract
ending later must not lock its journey. A relationship entering its journey (created or
imported at a later stage, or opened by a conversion) is not checked either: it records a
relationship that already exists outside Clientela, and a contract can only be attached to
it once it exists.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from clientela.contracts import sweeps  # noqa: F401  (registers the sweep)
from clientela.journeys.guards import Move, register


@register(
    "client.contract_signed",
    description="A client enters purchase (and later stages) only with a signed contract.",
)
def client_contract_signed(move: Move) -> str | None:
    from clientela.journeys.definitions import Stage, stage_index

    if move.kind != "client" or not move.from_stage:
        return None
    purchase = stage_index("client", Stage.PURCHASE)
    if stage_index("client", move.to_stage) < purchase:
        return None
    if stage_index("client", move.from_stage) >= purchase:
        return None
    from clientela.clientdesk.settings import desk_setting

    if not desk_setting("guard_contract_for_purchase"):
        return None
    from clientela.contracts.selectors import contract_has_signed

    if contract_has_signed(relationship_id=move.relationship.pk):
        return None
    return _("A client enters purchase only with a signed contract: record and sign one first.")
