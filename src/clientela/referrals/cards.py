"""This app's card on the party page (see clientdesk.cards.party_customer_desk_context)."""

from __future__ import annotations


def party_card(*, party, relationship, user) -> dict | None:
    """The party's code and link, who referred them, the referrals they made (with the
    counts per status), and the forms `user` may use: create the code and attach a referral
    with a code (REFERRAL_MANAGE or LOYALTY_REDEEM). None for an organisation, and for a
    party without any referral data when `user` may do nothing with it."""
    from clientela.accounts.permissions import Action, is_allowed
    from clientela.referrals.selectors import party_referrals, programme_get

    if party.kind != "person":
        return None
    data = party_referrals(party_id=party.pk, limit=6)
    may_act = is_allowed(user, Action.REFERRAL_MANAGE) or is_allowed(user, Action.LOYALTY_REDEEM)
    if not may_act and data.code is None and data.referred_by is None and not data.made:
        return None
    from clientela.commerce.models import Order

    programme = programme_get()
    # A customer who bought already cannot be referred (the claim's guard): no form then.
    may_claim = (
        may_act
        and data.referred_by is None
        and programme.is_active
        and not Order.objects.filter(payer_id=party.pk, status="paid").exists()
    )
    shown = len(data.made)
    return {
        "party": party,
        "code": data.code,
        "referred_by": data.referred_by,
        "made": data.made,
        "pending": data.pending,
        "qualified": data.qualified,
        "expired": data.expired,
        "may_create_code": may_act and data.code is None,
        "may_switch_code": data.code is not None and is_allowed(user, Action.REFERRAL_MANAGE),
        "may_claim": may_claim,
        "more": data.pending + data.qualified + data.expired - shown,
        "programme": programme,
    }
