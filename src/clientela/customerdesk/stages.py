"""Automatic customer-journey moves from purchases.

Rules (each a journey move, recorded at the moment of the order that causes it):
- **First purchase**: a paid order moves the payer's current *customer* relationship from
  awareness or consideration to purchase. From awareness the move passes through
  consideration at the same moment, because the journey's `journey.one_step_forward` guard
  lets a relationship move one stage at a time (the history reads awareness → consideration
  → purchase).
- **Repeat purchase**: a paid order placed within `repeat_window_days` after an earlier paid
  order of the same payer (strictly earlier, either order new in this batch) moves purchase
  to retention. Both moves can happen for one payer in one batch.

What is never moved: clients (a client's journey is the account manager's), a party without
a relationship (it stays a prospect: opening a relationship is a decision), a closed
relationship (the journey guards refuse it), and anything back: a refund or cancellation
changes no stage. Only paid orders count; the order of the orders in a batch does not matter
(they are sorted by when they were placed). A move is recorded at the order's `placed_at`,
but never before the relationship entered its current stage (an imported old order does not
rewrite the history's order). The setting `auto_stage_moves` switches all of it off.

Batch efficiency: a constant number of queries per batch (per 2,000 payers), never one per
order. When every registered journey guard is a built-in one (`journey.*`) or a client rule
(`client.*`, which leave customers alone) and no `on_enter` hook is registered for the
customer journey's purchase or retention stage, the moves are written in bulk (guards still
checked for every move, in memory); otherwise, and always for `order_record`, each move
goes through `journeys.services.journey_move`, so guards and hooks run exactly as for a
move made by hand. A refused move is skipped (with the rest of that relationship's moves);
it never fails the order. The bulk
path records one audit event per batch and, like every bulk path (docs/webhooks.md), emits
no webhook events; the one-by-one path records and emits what `journey_move` does. The
relationship rows are locked for the moves, so concurrent writers cannot both move a
customer from the same stage.

An order recorded on its own (`order_record`: the UI's order form, `POST /api/v1/orders`)
always takes the one-by-one path: its one or two moves are audited and emit
`journey.stage_changed` webhook events like a move made by hand.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode

CHUNK = 2000
_PRE_PURCHASE = ("awareness", "consideration")
_MOVABLE = (*_PRE_PURCHASE, "purchase")


@dataclass(frozen=True)
class PlannedMove:
    relationship_id: int
    from_stage: str
    to_stage: str
    at: datetime
    reason: str


def stage_moves_plan(
    *, relationships: list, orders: list, paid_history: dict[int, list], window_days: int
) -> list[PlannedMove]:
    """The moves the rules call for (pure: no queries). `relationships`: current customer
    relationships (with `party_id`, `stage`, `stage_entered_at`); `orders`: the batch;
    `paid_history`: payer id -> [(placed_at, order pk, public id)] of every paid order of
    the payer (the batch's included), any order."""
    new_ids = {o.pk for o in orders if o.status == "paid"}
    window = timedelta(days=window_days)
    moves: list[PlannedMove] = []
    for rel in relationships:
        history = sorted(paid_history.get(rel.party_id, ()))
        if not any(pk in new_ids for _at, pk, _pid in history):
            continue
        stage, entered = rel.stage, rel.stage_entered_at
        if stage in _PRE_PURCHASE:
            first = next(item for item in history if item[1] in new_ids)
            at = max(first[0], entered)
            reason = _("First purchase (order %(order)s)") % {"order": first[2]}
            if stage == "awareness":
                moves.append(PlannedMove(rel.pk, "awareness", "consideration", at, reason))
            moves.append(PlannedMove(rel.pk, "consideration", "purchase", at, reason))
            stage, entered = "purchase", at
        if stage == "purchase":
            repeat = _first_repeat(history, new_ids, window)
            if repeat is not None:
                at = max(repeat[0], entered)
                reason = _("Repeat purchase (order %(order)s)") % {"order": repeat[2]}
                moves.append(PlannedMove(rel.pk, "purchase", "retention", at, reason))
    return moves


def _first_repeat(history: list, new_ids: set[int], window: timedelta):
    """The first paid order placed within `window` after a strictly earlier paid order, one
    of the two new. Consecutive pairs suffice: a qualifying pair always has a consecutive
    one at least as close that includes the new order."""
    for earlier, later in zip(history, history[1:], strict=False):
        if earlier[1] not in new_ids and later[1] not in new_ids:
            continue
        if earlier[0] < later[0] <= earlier[0] + window:
            return later
    return None


def customer_stages_from_orders(*, orders: list, actor=None, bulk: bool = True) -> int:
    """Apply the rules to a batch of just-saved orders; returns the moves written. Called
    by the commerce hook inside the order's transaction (see the module docstring); `bulk`
    False (`order_record`) makes every move go through `journey_move`."""
    from clientela.customerdesk.settings import customer_desk_settings_get
    from clientela.parties.models import Relationship

    paid_payers = sorted({o.payer_id for o in orders if o.status == "paid"})
    if not paid_payers:
        return 0
    settings = customer_desk_settings_get()
    if not settings["auto_stage_moves"]:
        return 0
    relationships = []
    for start in range(0, len(paid_payers), CHUNK):
        relationships += list(
            Relationship.objects.select_for_update()
            .filter(
                party_id__in=paid_payers[start : start + CHUNK],
                is_current=True,
                kind="customer",
                stage__in=_MOVABLE,
            )
            .order_by("pk")
        )
    if not relationships:
        return 0
    moves = stage_moves_plan(
        relationships=relationships,
        orders=orders,
        paid_history=_paid_history(sorted({r.party_id for r in relationships})),
        window_days=settings["repeat_window_days"],
    )
    if not moves:
        return 0
    by_id = {r.pk: r for r in relationships}
    if bulk and _bulk_safe():
        return _apply_bulk(moves, by_id, actor)
    return _apply_one_by_one(moves, by_id)


def _paid_history(party_ids: list[int]) -> dict[int, list]:
    from clientela.commerce.models import Order

    history: dict[int, list] = defaultdict(list)
    for start in range(0, len(party_ids), CHUNK):
        rows = Order.objects.filter(
            payer_id__in=party_ids[start : start + CHUNK], status="paid"
        ).values_list("payer_id", "placed_at", "pk", "public_id")
        for payer_id, placed_at, pk, public_id in rows:
            history[payer_id].append((placed_at, pk, public_id))
    return history


def _bulk_safe() -> bool:
    """True when the bulk path changes nothing a move made by hand would do: only guards
    known to be pure for customers, and no hook on entering purchase or retention."""
    from clientela.journeys import hooks
    from clientela.journeys.guards import registered

    if any(not spec.rule.startswith(("journey.", "client.")) for spec in registered()):
        return False
    return not any(
        hooks.has_on_enter(kind="customer", stage=stage) for stage in ("purchase", "retention")
    )


def _apply_one_by_one(moves: list[PlannedMove], by_id: dict) -> int:
    from clientela.journeys.services import journey_move

    done, refused = 0, set()
    for move in moves:
        if move.relationship_id in refused:
            continue
        try:
            journey_move(
                actor=None,
                relationship=by_id[move.relationship_id],
                to_stage=move.to_stage,
                reason=move.reason,
                at=move.at,
            )
        except ApplicationError as exc:
            if exc.code != ErrorCode.TRANSITION_REFUSED:
                raise
            refused.add(move.relationship_id)
            continue
        done += 1
    return done


def _apply_bulk(moves: list[PlannedMove], by_id: dict, actor) -> int:
    """Guards checked per move in memory; the transitions, the new stages, the parties'
    copies and one audit event written in a constant number of queries. As every bulk path
    (docs/webhooks.md), it emits no webhook events, and the audit event is the batch's (as
    commerce's bulk saves record one per call)."""
    from clientela.core.selectors import business_get
    from clientela.core.services import audit_record
    from clientela.journeys.guards import Move, check_move
    from clientela.journeys.models import JourneyTransition
    from clientela.journeys.services import journey_transitions_bulk_create
    from clientela.parties.models import Relationship
    from clientela.parties.services import party_current_refresh

    transitions, refused, changed = [], set(), {}
    now = timezone.now()
    for move in moves:
        rel = by_id[move.relationship_id]
        if rel.pk in refused:
            continue
        try:
            check_move(Move(rel, rel.kind, rel.stage, move.to_stage, None, move.reason))
        except ApplicationError as exc:
            if exc.code != ErrorCode.TRANSITION_REFUSED:
                raise
            refused.add(rel.pk)
            continue
        rel.stage, rel.stage_entered_at, rel.updated_at = move.to_stage, move.at, now
        changed[rel.pk] = rel
        transition = JourneyTransition(
            relationship=rel,
            from_stage=move.from_stage,
            to_stage=move.to_stage,
            at=move.at,
            actor=None,
            reason=move.reason[:500],
        )
        transitions.append(transition)
    if not transitions:
        return 0
    Relationship.objects.bulk_update(
        list(changed.values()), ["stage", "stage_entered_at", "updated_at"], batch_size=1000
    )
    journey_transitions_bulk_create(transitions=transitions)
    party_ids = sorted({r.party_id for r in changed.values()})
    for start in range(0, len(party_ids), CHUNK):
        party_current_refresh(party_ids=party_ids[start : start + CHUNK])
    counts: dict[str, int] = defaultdict(int)
    for t in transitions:
        counts[t.to_stage] += 1
    audit_record(
        actor=actor,
        action="journey.moved_from_orders",
        target=business_get(),
        data={"moves": len(transitions), "relationships": len(changed), **counts},
    )
    return len(transitions)
