"""Referrals: the programme's settings, personal codes, claims, attribution and expiry.

Who may: the programme's settings need REFERRAL_MANAGE (admins, managers, marketers);
creating a party's code and attaching a referral (a claim) are counter work, allowed to
REFERRAL_MANAGE or LOYALTY_REDEEM (admins, managers, marketers, account managers, support
agents); the public landing page and the order hook act as the system (actor None).

Guards of a claim, each refused with ApplicationError(CONFLICT) whose extra names the
`reason` (and the `rule` `referral.<reason>`, which the API returns) and the field
(`fields`): `programme_inactive`, `code_inactive`, `self_referral`
(the same party, or one sharing an email address or phone with the referrer), `loop` (the
referred party is the referrer's referrer, or any party further up that chain),
`already_referred` (a party is referred once) and `already_bought` (a paid order placed
before the claim). An unknown code is a validation error on `code`. Claims are serialised
on the programme row, so two concurrent claims cannot build a loop or refer one party
twice.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.accounts.permissions import Action, authorize, is_allowed
from clientela.core.errors import (
    ApplicationError,
    ErrorCode,
    from_django_validation,
    validation_error,
)
from clientela.core.services import audit_record
from clientela.referrals.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    Referral,
    ReferralCode,
    ReferralProgramme,
    ReferralSource,
    ReferralStatus,
)
from clientela.referrals.selectors import code_find, programme_get

PROGRAMME_FIELDS = (
    "is_active",
    "referrer_points",
    "referred_points",
    "min_purchase",
    "window_days",
    "yearly_cap",
)
MAX_CHAIN = 10_000
CAP_NOTE = "yearly cap reached"
LOYALTY_OFF_NOTE = "loyalty programme switched off"


def _authorize_counter(actor) -> None:
    """Codes and claims: REFERRAL_MANAGE or LOYALTY_REDEEM (see the module)."""
    if not is_allowed(actor, Action.LOYALTY_REDEEM):
        authorize(actor, Action.REFERRAL_MANAGE)


def _refused(reason: str, field: str, message: str) -> ApplicationError:
    return ApplicationError(
        ErrorCode.CONFLICT,
        message,
        {"reason": reason, "rule": f"referral.{reason}", "fields": {field: [message]}},
    )


def programme_update(*, actor, **changes) -> ReferralProgramme:
    """Change some of the programme's settings (`PROGRAMME_FIELDS`); what is not given keeps
    its value. REFERRAL_MANAGE; a bad value is a validation error naming the field; an
    audit event records the new values."""
    authorize(actor, Action.REFERRAL_MANAGE)
    unknown = sorted(set(changes) - set(PROGRAMME_FIELDS))
    if unknown:
        raise validation_error(unknown[0], _("is not a setting of the programme"))
    with transaction.atomic():
        programme_get()
        programme = ReferralProgramme.objects.select_for_update().get(pk=1)
        for name, value in changes.items():
            if name == "min_purchase" and value is not None:
                try:
                    value = Decimal(str(value))
                except ArithmeticError as exc:
                    raise validation_error(name, _("must be an amount")) from exc
                if not value.is_finite():
                    raise validation_error(name, _("must be an amount"))
            if name in ("referrer_points", "referred_points", "window_days", "yearly_cap"):
                if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                    raise validation_error(name, _("must be a whole number"))
            if name == "is_active" and not isinstance(value, bool):
                raise validation_error(name, _("must be true or false"))
            if value is None and name != "yearly_cap":
                raise validation_error(name, _("is required"))
            setattr(programme, name, value)
        programme.updated_at = timezone.now()
        try:
            programme.full_clean()
        except ValidationError as exc:
            raise from_django_validation(exc) from exc
        programme.save()
        audit_record(
            actor=actor,
            action="referral.programme_changed",
            target=programme,
            data={name: getattr(programme, name) for name in PROGRAMME_FIELDS},
        )
    return programme


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def referral_code_ensure(*, actor, party) -> tuple[ReferralCode, bool]:
    """(the party's personal code, whether this call created it). Idempotent, also under
    concurrency: the party has one code, unique among all codes."""
    _authorize_counter(actor)
    existing = ReferralCode.objects.filter(party=party).first()
    if existing is not None:
        return existing, False
    for _attempt in range(20):
        try:
            with transaction.atomic():
                code = ReferralCode(party=party, code=_new_code())
                code.save()
                audit_record(
                    actor=actor,
                    action="referral.code_created",
                    target=party,
                    data={"code": code.code},
                )
            return code, True
        except IntegrityError:
            existing = ReferralCode.objects.filter(party=party).first()
            if existing is not None:
                return existing, False  # created by a concurrent call
    raise ApplicationError(ErrorCode.CONFLICT, _("Could not create a unique code; try again."))


def referral_code_set_active(*, actor, code: ReferralCode, is_active: bool) -> ReferralCode:
    """Switch a personal code off (its link and claims are refused with
    `referral.code_inactive`; referrals already made keep their course) or on again.
    Rights: REFERRAL_MANAGE. A call that changes nothing records nothing."""
    authorize(actor, Action.REFERRAL_MANAGE)
    if not isinstance(is_active, bool):
        raise validation_error("is_active", _("must be true or false"))
    with transaction.atomic():
        code = ReferralCode.objects.select_for_update().get(pk=code.pk)
        if code.is_active == is_active:
            return code
        code.is_active = is_active
        code.save(update_fields=["is_active"])
        audit_record(
            actor=actor,
            action="referral.code_switched_on" if is_active else "referral.code_switched_off",
            target=code.party,
            data={"code": code.code},
        )
    return code


def _contacts(party_id: int) -> set[tuple[str, str]]:
    from clientela.parties.models import ContactPoint

    return set(
        ContactPoint.objects.filter(party_id=party_id, kind__in=("email", "phone")).values_list(
            "kind", "normalized"
        )
    )


def _ancestors(party_id: int) -> set[int]:
    """The referrer's referrer, theirs, and so on up the chain (one query per level)."""
    seen: set[int] = set()
    current = party_id
    for _step in range(MAX_CHAIN):
        up = Referral.objects.filter(referred_id=current).values_list("referrer_id", flat=True)
        up = next(iter(up), None)
        if up is None or up in seen:
            break
        seen.add(up)
        current = up
    return seen


def referral_claim(
    *, actor, code: str, referred_party, at: datetime | None = None, source: str = "staff"
) -> Referral:
    """Record that the owner of `code` referred `referred_party` at `at` (now by default):
    a pending referral that expires after the programme's window. Refused by the guards in
    the module docstring; audit event `referral.claimed`."""
    _authorize_counter(actor)
    if at is not None and timezone.is_naive(at):
        raise validation_error("at", _("needs a time zone"))
    at = at or timezone.now()
    if source not in ReferralSource.values:
        raise validation_error("source", _("is not a known source"))
    found = code_find(code=code)
    if found is None:
        raise validation_error("code", _("is not a referral code of this business"))
    with transaction.atomic():
        programme_get()
        programme = ReferralProgramme.objects.select_for_update().get(pk=1)
        _guard(programme=programme, code=found, referred=referred_party, at=at)
        referral = Referral(
            referrer_id=found.party_id,
            referred=referred_party,
            code=found,
            source=source,
            referred_at=at,
            expires_at=at + timedelta(days=programme.window_days),
        )
        try:
            with transaction.atomic():
                referral.save()
        except IntegrityError as exc:
            raise _already_referred() from exc
        audit_record(
            actor=actor,
            action="referral.claimed",
            target=referral,
            data={
                "referrer": found.party.public_id,
                "referred": referred_party.public_id,
                "code": found.code,
                "source": source,
            },
        )
    return referral


def _already_referred() -> ApplicationError:
    return _refused("already_referred", "party", _("This party has already been referred."))


def _guard(*, programme, code: ReferralCode, referred, at: datetime) -> None:
    from clientela.commerce.models import Order

    if not programme.is_active:
        raise _refused("programme_inactive", "code", _("The referral programme is not active."))
    if not code.is_active:
        raise _refused("code_inactive", "code", _("This referral code is no longer active."))
    referrer_id = code.party_id
    if referred.pk == referrer_id or _contacts(referred.pk) & _contacts(referrer_id):
        raise _refused(
            "self_referral", "party", _("A customer cannot refer themselves (self-referral).")
        )
    if referred.pk in _ancestors(referrer_id):
        raise _refused(
            "loop", "party", _("This party is already up the referrer's chain (a loop).")
        )
    if Referral.objects.filter(referred_id=referred.pk).exists():
        raise _already_referred()
    if Order.objects.filter(payer_id=referred.pk, status="paid", placed_at__lt=at).exists():
        raise _refused(
            "already_bought", "party", _("This party has bought before and cannot be referred.")
        )


def referrals_attribute(*, orders: list, actor=None) -> list[Referral]:
    """The order hook: for each referred payer in the batch with a pending referral, its
    first paid order (by time) at or above the minimum, in the business currency, placed
    inside the window, qualifies the referral; while the loyalty programme is on, both
    sides are rewarded through `loyalty.services.points_credit` (keys
    `referral:<id>:referrer` / `:referred`, actor None) unless the referrer's rewarded
    referrals of that year reached the cap (then the referral is qualified, not rewarded,
    and `reward_note` says so; with the loyalty programme off, likewise with its note).
    Three queries per batch (pending referrals, the year's rewarded counts, the loyalty
    programme) plus the rewards. Returns the referrals qualified."""
    from clientela.core.selectors import business_get

    paid = [o for o in orders if o.status == "paid"]
    if not paid:
        return []
    pending = {
        r.referred_id: r
        for r in Referral.objects.select_for_update()
        .select_related("referrer", "referred")
        .filter(referred_id__in={o.payer_id for o in paid}, status=ReferralStatus.PENDING)
    }
    if not pending:
        return []
    programme = programme_get()
    currency = business_get().currency
    first: dict[int, object] = {}
    for order in sorted(paid, key=lambda o: (o.placed_at, o.pk)):
        referral = pending.get(order.payer_id)
        if referral is None or order.payer_id in first:
            continue
        if (
            order.currency == currency
            and order.total >= programme.min_purchase
            and referral.referred_at <= order.placed_at <= referral.expires_at
        ):
            first[order.payer_id] = order
    if not first:
        return []
    qualified = [(pending[payer], order) for payer, order in first.items()]
    rewarded_so_far = _rewarded_counts(qualified)
    loyalty_on = _loyalty_on()
    done = []
    for referral, order in sorted(qualified, key=lambda pair: (pair[1].placed_at, pair[1].pk)):
        year = order.placed_at.astimezone(UTC).year
        counter = (referral.referrer_id, year)
        over_cap = (
            programme.yearly_cap is not None
            and rewarded_so_far.get(counter, 0) >= programme.yearly_cap
        )
        referral.status = ReferralStatus.QUALIFIED
        referral.qualified_at = order.placed_at
        referral.order = order
        referral.rewarded = not over_cap
        referral.reward_note = CAP_NOTE if over_cap else ""
        referral.updated_at = timezone.now()
        referral.save(
            update_fields=[
                "status",
                "qualified_at",
                "order",
                "rewarded",
                "reward_note",
                "updated_at",
            ]
        )
        if not over_cap:
            rewarded_so_far[counter] = rewarded_so_far.get(counter, 0) + 1
        if not over_cap and not loyalty_on:
            # The rewards are loyalty points: with the programme off nobody earns any, so
            # the referral is qualified (it still counts for the leaderboard and the radar).
            referral.rewarded = False
            referral.reward_note = LOYALTY_OFF_NOTE
            referral.save(update_fields=["rewarded", "reward_note"])
        elif not over_cap and (programme.referrer_points or programme.referred_points):
            try:
                with transaction.atomic():
                    referral_rewards_credit(
                        referral=referral, programme=programme, at=order.placed_at
                    )
            except ApplicationError as exc:
                # The loyalty ledger refused (a rule of its own): the order must still be
                # recorded, so the referral stays qualified and says why it has no reward.
                referral.rewarded = False
                referral.reward_note = f"reward refused: {exc.message}"[:200]
                referral.save(update_fields=["rewarded", "reward_note"])
        audit_record(
            actor=actor,
            action="referral.qualified",
            target=referral,
            data={
                "order": order.public_id,
                "rewarded": referral.rewarded,
                "note": referral.reward_note,
            },
        )
        done.append(referral)
    return done


def _loyalty_on() -> bool:
    from clientela.loyalty.selectors import programme_get as loyalty_programme_get

    return loyalty_programme_get().active


def _rewarded_counts(qualified: list) -> dict[tuple[int, int], int]:
    """Rewarded referrals per (referrer, UTC year of qualification) for the years at stake."""
    referrers = {r.referrer_id for r, _o in qualified}
    years = {o.placed_at.astimezone(UTC).year for _r, o in qualified}
    condition = Q()
    for year in years:
        start = datetime(year, 1, 1, tzinfo=UTC)
        condition |= Q(qualified_at__gte=start, qualified_at__lt=start.replace(year=year + 1))
    counts: dict[tuple[int, int], int] = {}
    for referrer_id, when in Referral.objects.filter(
        condition, referrer_id__in=referrers, rewarded=True
    ).values_list("referrer_id", "qualified_at"):
        key = (referrer_id, when.astimezone(UTC).year)
        counts[key] = counts.get(key, 0) + 1
    return counts


def referral_rewards_credit(
    *, referral: Referral, programme: ReferralProgramme, at: datetime
) -> None:
    """Credit both sides' points for a qualified referral at `at` (the system acts), keyed
    `referral:<public id>:referrer` / `:referred`, so crediting twice credits once."""
    if not (programme.referrer_points or programme.referred_points):
        return
    from clientela.loyalty.services import points_credit

    if programme.referrer_points:
        points_credit(
            actor=None,
            party=referral.referrer,
            points=programme.referrer_points,
            reason=(_("Referral bonus: %(name)s") % {"name": referral.referred.display_name})[:120],
            key=f"referral:{referral.public_id}:referrer",
            at=at,
        )
    if programme.referred_points:
        points_credit(
            actor=None,
            party=referral.referred,
            points=programme.referred_points,
            reason=(
                _("Welcome bonus: referred by %(name)s")
                % {"name": referral.referrer.given_name or referral.referrer.display_name}
            )[:120],
            key=f"referral:{referral.public_id}:referred",
            at=at,
        )


def referral_signup(
    *, code: str, name: str, email: str, marketing_consent: bool, at: datetime | None = None
) -> Referral | None:
    """The public landing page's form: the visitor becomes a party (a customer acquired by
    referral, with their email and consent) and the code's owner's pending referral. An
    email that already belongs to a party attaches that party instead (no duplicate), when
    the guards allow; when they refuse, nothing is written and None is returned, so the page
    reveals nothing about who is already known. NOT_FOUND for an unknown or inactive code or
    an inactive programme; a validation error names a bad `name` or `email`."""
    from clientela.parties.selectors import party_find_by_email
    from clientela.parties.services import contact_normalize, party_create, party_set_consent

    found = code_find(code=code)
    if found is None or not found.is_active or not programme_get().is_active:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("This referral link is not valid."))
    name = " ".join((name or "").split())
    if not name:
        raise validation_error("name", _("is required"))
    if len(name) > 200:
        raise validation_error("name", _("is too long"))
    normalized = contact_normalize("email", email)
    given, _sep, family = name.partition(" ")
    try:
        with transaction.atomic():
            party = party_find_by_email(email=normalized)
            if party is None:
                party = party_create(
                    actor=None,
                    given_name=given[:100],
                    family_name=family[:100],
                    emails=[email.strip()],
                    marketing_consent=bool(marketing_consent),
                    consent_source="referral link",
                    relationship_kind="customer",
                    acquisition_channel="referral",
                    at=at,
                )
            elif marketing_consent and not party.marketing_consent:
                party_set_consent(
                    actor=None, party=party, consent=True, source="referral link", at=at
                )
            return referral_claim(
                actor=None, code=found.code, referred_party=party, at=at, source="link"
            )
    except ApplicationError as exc:
        if exc.code == ErrorCode.CONFLICT and exc.extra.get("reason"):
            audit_record(
                actor=None,
                action="referral.signup_refused",
                target=found,
                data={"reason": exc.extra["reason"]},
            )
            return None
        raise


def referrals_expire(*, now: datetime) -> int:
    """Expire the pending referrals whose window ended before `now`; returns how many.
    Idempotent."""
    with transaction.atomic():
        ids = list(
            Referral.objects.filter(status=ReferralStatus.PENDING, expires_at__lt=now).values_list(
                "pk", flat=True
            )
        )
        if not ids:
            return 0
        Referral.objects.filter(pk__in=ids, status=ReferralStatus.PENDING).update(
            status=ReferralStatus.EXPIRED, updated_at=now
        )
    return len(ids)
