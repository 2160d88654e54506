"""The rewards card on the party page (integrated by the client desk)."""

from __future__ import annotations

from django.utils import timezone

AFFORDABLE_SHOWN = 6
RECENT_SHOWN = 5


def party_card(*, party, relationship, user) -> dict | None:
    """For a loyalty member: its balance, the rewards it can afford today (cheapest
    first; the redeem button for LOYALTY_REDEEM) and its recent redemptions (fulfil and
    cancel buttons for issued ones). None for a non-member without redemptions."""
    from clientela.accounts.permissions import Action, is_allowed
    from clientela.loyalty.selectors import loyalty_account_get
    from clientela.rewards.selectors import reward_redemption_list, rewards_available

    account = loyalty_account_get(party_id=party.pk)
    recent = list(reward_redemption_list(party_id=party.pk)[:RECENT_SHOWN])
    if account is None and not recent:
        return None
    balance = account.balance if account else 0
    affordable = list(
        rewards_available(day=timezone.localdate()).filter(points_cost__lte=balance)[
            :AFFORDABLE_SHOWN
        ]
    )
    return {
        "party": party,
        "is_member": account is not None,
        "balance": balance,
        "affordable": affordable,
        "recent": recent,
        "may_redeem": account is not None and is_allowed(user, Action.LOYALTY_REDEEM, party=party),
    }
