"""The coupons card on the party page (integrated by the client desk)."""

from __future__ import annotations


def party_card(*, party, relationship, user) -> dict | None:
    """The party's personal coupons (newest first, marked used once redeemed) and its recent
    redemptions, with the links `user` may use: issue a personal coupon (COUPON_MANAGE) and
    redeem a code (LOYALTY_REDEEM). None when there is nothing to show and nothing the user
    may do."""
    from clientela.accounts.permissions import Action, is_allowed
    from clientela.coupons.selectors import coupon_party_summary

    summary = coupon_party_summary(party_id=party.pk)
    may_manage = is_allowed(user, Action.COUPON_MANAGE)
    may_redeem = is_allowed(user, Action.LOYALTY_REDEEM, party=party)
    if not (summary["personal"] or summary["redemptions"] or may_manage or may_redeem):
        return None
    for batch in summary["personal"]:
        batch.used = any(c.times_redeemed for c in batch.coupons.all())
    return {"party": party, "may_manage": may_manage, "may_redeem": may_redeem, **summary}
