"""The party page's "Client desk" area: the client's health and backups (this app's own
card) and the cards of the other desk apps.

Each app's `clientela.<app>.cards.party_card(*, relationship, user) -> dict | None` renders
with `<app>/party_card.html`; a card that returns None is hidden. Only the party's current
relationship is shown."""

from __future__ import annotations

from importlib import import_module

from clientela.accounts.permissions import Action, is_allowed

CARD_APPS = ("contracts", "onboarding", "checkins", "reviews", "booking")
# The customer desk's cards follow: they show for clients and customers alike (a client
# may also collect points or open tickets), and for a party without a relationship.
CUSTOMER_CARD_APPS = ("customerdesk", "loyalty", "rewards", "coupons", "referrals", "support")


def party_card(*, relationship, user) -> dict | None:
    """Health (clients only) and backups of a current client relationship; None for a
    customer."""
    from clientela.accounts.selectors import user_list_account_managers
    from clientela.clientdesk.selectors import BACKUP_ROLES, client_health, relationship_backups
    from clientela.clientdesk.views.common import today

    if relationship.kind != "client":
        return None
    backups = relationship_backups(relationship_id=relationship.pk)
    taken = {b.user_id for b in backups} | {relationship.owner_id}
    may_manage = is_allowed(user, Action.RELATIONSHIP_ASSIGN) or (
        user.role == "account_manager" and relationship.owner_id == user.pk
    )
    return {
        "relationship": relationship,
        "health": client_health(relationship_ids=[relationship.pk], today=today()).get(
            relationship.pk
        ),
        "backups": backups,
        "may_manage": may_manage,
        "user": user,
        "candidates": [
            u for u in user_list_account_managers() if u.role in BACKUP_ROLES and u.pk not in taken
        ]
        if may_manage
        else [],
    }


def party_desk_context(*, relationship, user) -> dict:
    """`{"desk_cards": [(template name, card)]}` for the current relationship (empty without
    one); this app's card comes first."""
    if relationship is None:
        return {"desk_cards": []}
    cards = []
    own = party_card(relationship=relationship, user=user)
    if own is not None:
        cards.append(("clientdesk/party_card.html", own))
    for app in CARD_APPS:
        card = import_module(f"clientela.{app}.cards").party_card(
            relationship=relationship, user=user
        )
        if card is not None:
            cards.append((f"{app}/party_card.html", card))
    return {"desk_cards": cards}


def party_customer_desk_context(*, party, relationship, user) -> dict:
    """`{"customer_cards": [(template name, card)]}`: each customer desk app's
    `clientela.<app>.cards.party_card(*, party, relationship, user) -> dict | None`,
    rendered with `<app>/party_card.html`; `relationship` is the current one or None."""
    cards = []
    for app in CUSTOMER_CARD_APPS:
        card = import_module(f"clientela.{app}.cards").party_card(
            party=party, relationship=relationship, user=user
        )
        if card is not None:
            cards.append((f"{app}/party_card.html", card))
    return {"customer_cards": cards}
