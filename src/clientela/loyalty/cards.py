"""This app's card on the party page (see clientdesk.cards.party_customer_desk_context)."""

from __future__ import annotations


def party_card(*, party, relationship, user) -> dict | None:
    """Member or not; for a member the balance, tier, points expiring soon and a link to
    the statement; for a non-member an enrol button when `user` may enrol. Hidden for a
    non-member when the user may not enrol and the programme is switched off."""
    from django.utils import timezone

    from clientela.accounts.permissions import Action, is_allowed
    from clientela.loyalty.selectors import loyalty_account_get, points_expiring, programme_get

    account = loyalty_account_get(party_id=party.pk)
    programme = programme_get()
    may_enrol = is_allowed(user, Action.LOYALTY_REDEEM, party=party) or is_allowed(
        user, Action.LOYALTY_CONFIGURE, party=party
    )
    if account is None and not (may_enrol or programme.active):
        return None
    return {
        "party": party,
        "account": account,
        "programme": programme,
        "may_enrol": may_enrol,
        "expiring": points_expiring(account_id=account.pk, now=timezone.now()) if account else 0,
    }
