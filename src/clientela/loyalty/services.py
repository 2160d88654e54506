"""Loyalty: the ledger's writes (enrol, earn, credit, redeem, cancel a redemption, adjust,
reverse a refunded order's points, expire).

Guarantees shared by every function here: rights are checked first (actor None = the
system, always allowed); every write runs in one transaction that first locks the member's
account row (`select_for_update`), so concurrent writes on one member queue up and the
balance can never go negative nor a point be spent twice; entries are appended, never
changed (only a lot's `remaining` goes down); keyed calls are idempotent (the same key
returns the first entry and writes nothing); an audit event records each change.
The programme's configuration (rules, campaigns, tiers) lives in `loyalty.configure`.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize, is_allowed
from clientela.core.errors import ApplicationError, ErrorCode, validation_error
from clientela.core.services import audit_record
from clientela.loyalty import ledger
from clientela.loyalty.models import EntryKind, LoyaltyAccount, PointsEntry
from clientela.loyalty.selectors import programme_get

MAX_POINTS = 10**9
TEXT_MAX = 2000


def loyalty_enrol(*, actor, party, at: dt.datetime | None = None) -> LoyaltyAccount:
    """Make `party` a member (idempotent: a member's account is returned unchanged).

    Rights: any role that serves customers at the counter (LOYALTY_REDEEM) or runs the
    programme (LOYALTY_CONFIGURE). A new member starts in the tier with threshold 0 (if
    any), balance 0, first tier review `review_every_months` after enrolment."""
    if not (
        is_allowed(actor, Action.LOYALTY_REDEEM, party=party)
        or is_allowed(actor, Action.LOYALTY_CONFIGURE, party=party)
    ):
        authorize(actor, Action.LOYALTY_REDEEM, party=party)
    at = _moment("at", at)
    with transaction.atomic():
        return _enrol(actor=actor, party=party, at=at)


def _enrol(*, actor, party, at: dt.datetime) -> LoyaltyAccount:
    from clientela.loyalty.tiers import base_tier

    account = LoyaltyAccount.objects.filter(party=party).first()
    if account is not None:
        return account
    programme = programme_get()
    tier = base_tier()
    account, created = LoyaltyAccount.objects.get_or_create(
        party=party,
        defaults={
            "enrolled_at": at,
            "tier": tier,
            "tier_since": at if tier else None,
            "next_review_on": ledger.add_months(
                timezone.localtime(at).date(), programme.review_every_months
            ),
        },
    )
    if created:
        audit_record(actor=actor, action="loyalty.enrolled", target=party, data={})
    return account


def points_credit(
    *, actor, party, points: int, reason: str, key: str, at: dt.datetime | None = None
) -> PointsEntry:
    """Credit `points` as an `earn` entry outside the earning rules (a referral bonus,
    goodwill), expiring under the programme's rule and counting towards tiers; enrols the
    party if needed. Idempotent per `key` (stored as `credit:<key>`): the same key returns
    the first entry. Rights: LOYALTY_ADJUST (actor None = the system)."""
    if actor is not None:
        authorize(actor, Action.LOYALTY_ADJUST, party=party)
    _points("points", points)
    reason = _text("reason", reason, required=True, limit=120)
    key = _key(key, required=True)
    at = _moment("at", at)
    full_key = f"credit:{key}"
    with transaction.atomic():
        _enrol(actor=actor, party=party, at=at)
        account = ledger.account_lock(party_id=party.pk)
        existing = _keyed(full_key, account)
        if existing is not None:
            return existing
        entry = ledger.lot_add(
            account=account,
            kind=EntryKind.EARN,
            points=points,
            at=at,
            expires_at=ledger.lot_expiry(programme=programme_get(), at=at),
            actor=actor,
            key=full_key,
            reference=reason,
            note=reason,
        )
        _promote(account, at)
        audit_record(
            actor=actor,
            action="loyalty.points_credited",
            target=party,
            data={"points": points, "reason": reason, "entry": entry.public_id},
        )
    return entry


def points_redeem(
    *,
    actor,
    party,
    points: int,
    reference: str,
    note: str = "",
    key: str | None = None,
    at: dt.datetime | None = None,
) -> PointsEntry:
    """Spend `points` of a member's balance (a reward, a discount at the counter) at `at`
    (now by default).

    Rights: LOYALTY_REDEEM. Points past their expiry are expired first (they cannot be
    spent). A balance short of `points` is a CONFLICT naming `points`; a non-member or
    points <= 0 a VALIDATION error. Idempotent per `key` (stored as `redeem:<key>`)."""
    authorize(actor, Action.LOYALTY_REDEEM, party=party)
    _points("points", points)
    reference = _text("reference", reference, required=True, limit=120)
    note = _text("note", note)
    key = _key(key)
    full_key = f"redeem:{key}" if key else None
    now = _moment("at", at)
    with transaction.atomic():
        account = ledger.account_lock(party_id=party.pk)
        if account is None:
            raise validation_error("party", _("is not a loyalty member"))
        if full_key:
            existing = _keyed(full_key, account)
            if existing is not None:
                return existing
        ledger.expire_due(account=account, now=now)
        if account.balance < points:
            raise _short(points=points, balance=account.balance)
        entry = ledger.spend(
            account=account,
            kind=EntryKind.REDEEM,
            points=points,
            at=now,
            actor=actor,
            key=full_key,
            reference=reference,
            note=note,
        )
        audit_record(
            actor=actor,
            action="loyalty.points_redeemed",
            target=party,
            data={"points": points, "reference": reference, "entry": entry.public_id},
        )
    return entry


def points_redemption_cancel(*, actor, entry: PointsEntry, note: str = "") -> PointsEntry:
    """Give back the points of a `redeem` entry, as a `reverse` entry and a new lot that
    expires when the latest lot the redemption consumed would have (never, if one never
    did). Idempotent: a second call returns the first reversal. Rights: LOYALTY_REDEEM."""
    party = entry.account.party
    authorize(actor, Action.LOYALTY_REDEEM, party=party)
    if entry.kind != EntryKind.REDEEM:
        raise validation_error("entry", _("is not a redemption"))
    note = _text("note", note)
    key = f"cancel:{entry.pk}"
    now = timezone.now()
    with transaction.atomic():
        account = ledger.account_lock(party_id=party.pk)
        existing = _keyed(key, account)
        if existing is not None:
            return existing
        lot_ids = [lot_id for lot_id, _taken in entry.allocation or []]
        expiries = list(
            PointsEntry.objects.filter(pk__in=lot_ids).values_list("expires_at", flat=True)
        )
        expires_at = None if (not expiries or None in expiries) else max(expiries)
        reversal = ledger.lot_add(
            account=account,
            kind=EntryKind.REVERSE,
            points=-entry.points,
            at=now,
            expires_at=expires_at,
            actor=actor,
            key=key,
            reference=entry.reference,
            note=note,
            related=entry,
        )
        audit_record(
            actor=actor,
            action="loyalty.redemption_cancelled",
            target=party,
            data={"points": -entry.points, "entry": entry.public_id},
        )
    return reversal


def points_adjust(*, actor, party, points: int, note: str, key: str | None = None) -> PointsEntry:
    """A manual correction: positive points add a lot (expiring under the programme's
    rule; enrols the party), negative points take from the lots and cannot exceed the
    balance (CONFLICT naming `points`). The note is required. Adjustments never count
    towards tiers. Rights: LOYALTY_ADJUST. Idempotent per `key` (`adjust:<key>`)."""
    authorize(actor, Action.LOYALTY_ADJUST, party=party)
    if isinstance(points, bool) or not isinstance(points, int) or points == 0:
        raise validation_error("points", _("must be a whole number other than 0"))
    if abs(points) > MAX_POINTS:
        raise validation_error("points", _("is too large"))
    note = _text("note", note, required=True)
    key = _key(key)
    full_key = f"adjust:{key}" if key else None
    now = timezone.now()
    with transaction.atomic():
        if points > 0:
            _enrol(actor=actor, party=party, at=now)
        account = ledger.account_lock(party_id=party.pk)
        if account is None:
            raise validation_error("party", _("is not a loyalty member"))
        if full_key:
            existing = _keyed(full_key, account)
            if existing is not None:
                return existing
        if points > 0:
            entry = ledger.lot_add(
                account=account,
                kind=EntryKind.ADJUST,
                points=points,
                at=now,
                expires_at=ledger.lot_expiry(programme=programme_get(), at=now),
                actor=actor,
                key=full_key,
                note=note,
            )
        else:
            ledger.expire_due(account=account, now=now)
            if account.balance < -points:
                raise _short(points=-points, balance=account.balance)
            entry = ledger.spend(
                account=account,
                kind=EntryKind.ADJUST,
                points=-points,
                at=now,
                actor=actor,
                key=full_key,
                note=note,
            )
        audit_record(
            actor=actor,
            action="loyalty.points_adjusted",
            target=party,
            data={"points": points, "note": note, "entry": entry.public_id},
        )
    return entry


def points_earn_orders(*, actor, order_ids: list[int], at: dt.datetime | None = None) -> int:
    """Credit the points of the given orders (see `loyalty.earning` for the formula) and
    return how many entries were created.

    Guarantees: only paid orders in the programme's currency, only when the programme is
    active, only payers who are members (or, with auto-enrol, become members on their first
    paid order); idempotent per order (key `earn:order:<id>`: a second call credits
    nothing); set-based, a constant number of queries per chunk of 2,000 orders; each
    entry is dated at its order's time, tiers are promoted as of `at` (now by default).
    Rights: ORDER_RECORD (earning follows recording an order; actor None = the system)."""
    from clientela.loyalty.earning import earn_orders

    authorize(actor, Action.ORDER_RECORD)
    at = _moment("at", at)
    programme = programme_get()
    if not programme.active or not order_ids:
        return 0
    created = earn_orders(programme=programme, order_ids=list(order_ids), at=at, actor=actor)
    if created:
        audit_record(
            actor=actor,
            action="loyalty.points_earned",
            target=programme,
            data={"orders": len(order_ids), "entries": created},
        )
    return created


def points_reverse_order(*, actor, order, at: dt.datetime | None = None) -> PointsEntry | None:
    """Take back the points an order earned (it was refunded or cancelled): a `reverse`
    entry for min(earned, balance); what the member had already spent is recorded as
    `unrecovered` on the entry, never taken below zero. None when the order earned nothing.
    Idempotent (key `reverse:order:<id>`). The system acts (called by the order hook)."""
    at = _moment("at", at)
    earn = (
        PointsEntry.objects.filter(key=f"earn:order:{order.pk}").select_related("account").first()
    )
    if earn is None:
        return None
    key = f"reverse:order:{order.pk}"
    with transaction.atomic():
        account = ledger.account_lock(party_id=earn.account.party_id)
        existing = _keyed(key, account)
        if existing is not None:
            return existing
        take = min(earn.points, account.balance)
        entry = ledger.spend(
            account=account,
            kind=EntryKind.REVERSE,
            points=take,
            at=at,
            actor=actor,
            key=key,
            reference=order.public_id,
            related=earn,
            first_lot_id=earn.pk,
            unrecovered=earn.points - take,
            order_id=order.pk,
        )
        audit_record(
            actor=actor,
            action="loyalty.points_reversed",
            target=order,
            data={"points": take, "unrecovered": earn.points - take},
        )
    return entry


def points_expire_due(*, now: dt.datetime) -> int:
    """Expire every lot past its expiry with points left (the `loyalty.expiry` sweep), in
    bulk (see `ledger.expire_bulk`); returns how many `expire` entries were written.
    Idempotent: an expired lot has nothing left."""
    return ledger.expire_bulk(now=now)


def _promote(account: LoyaltyAccount, at: dt.datetime) -> None:
    from clientela.loyalty.tiers import tiers_promote

    tiers_promote(programme=programme_get(), account_ids=[account.pk], as_of=at)


def _keyed(key: str, account: LoyaltyAccount) -> PointsEntry | None:
    existing = ledger.entry_by_key(key)
    if existing is not None and existing.account_id != account.pk:
        raise ApplicationError(
            ErrorCode.CONFLICT,
            _("key: already used for another member"),
            {"fields": {"key": [_("already used for another member")]}},
        )
    return existing


def _short(*, points: int, balance: int) -> ApplicationError:
    problem = _("the balance is %(balance)s, short of %(points)s") % {
        "balance": balance,
        "points": points,
    }
    return ApplicationError(
        ErrorCode.CONFLICT, f"points: {problem}", {"fields": {"points": [problem]}}
    )


def _points(field: str, value) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise validation_error(field, _("must be a whole number above 0"))
    if value > MAX_POINTS:
        raise validation_error(field, _("is too large"))


def _text(field: str, value, *, required: bool = False, limit: int = TEXT_MAX) -> str:
    text = (value or "").strip() if isinstance(value, str) or value is None else None
    if text is None:
        raise validation_error(field, _("must be text"))
    if required and not text:
        raise validation_error(field, _("is required"))
    if len(text) > limit:
        raise validation_error(field, _("is too long (at most %(n)s characters)") % {"n": limit})
    return text


def _key(value, *, required: bool = False) -> str | None:
    if value is None or value == "":
        if required:
            raise validation_error("key", _("is required"))
        return None
    if not isinstance(value, str) or len(value) > 120:
        raise validation_error("key", _("must be text of at most 120 characters"))
    return value


def _moment(field: str, value: dt.datetime | None) -> dt.datetime:
    if value is None:
        return timezone.now()
    if not isinstance(value, dt.datetime) or timezone.is_naive(value):
        raise validation_error(field, _("needs a time zone"))
    return value


__all__ = [
    "loyalty_enrol",
    "points_adjust",
    "points_credit",
    "points_earn_orders",
    "points_redeem",
    "points_redemption_cancel",
    "points_reverse_order",
    "points_expire_due",
]
