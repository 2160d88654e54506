"""Who may change what. Enforced by every service, so the UI, the CLI and the API agree.

The rules (from the foundation issue):
- admins change everything and alone manage users and settings;
- managers change everything else;
- account managers change their own clients and any customer (and parties with no
  relationship yet, the prospects they create), and read the rest;
- support agents log activities on any party, and read;
- marketers change tags and consent (and later campaigns), and read;
- viewers only read.
`actor=None` is the system itself (CLI, worker), which acts with an admin's rights: whoever
runs the CLI already holds the data directory.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _

from clientela.accounts.models import Role
from clientela.core.errors import ApplicationError, ErrorCode


class Action(StrEnum):
    PARTY_CREATE = "party.create"
    PARTY_UPDATE = "party.update"
    PARTY_TAG = "party.tag"
    PARTY_CONSENT = "party.consent"
    RELATIONSHIP_CHANGE = "relationship.change"
    RELATIONSHIP_ASSIGN = "relationship.assign"
    ACTIVITY_LOG = "activity.log"
    ORDER_RECORD = "order.record"
    CATALOGUE_CHANGE = "catalogue.change"
    IMPORT = "data.import"
    USER_MANAGE = "user.manage"
    SETTINGS_MANAGE = "settings.manage"
    ANALYTICS_RUN = "analytics.run"
    WEBHOOK_MANAGE = "webhook.manage"
    # The client desk's configuration: onboarding templates, bookable services, other
    # staff's availability, bulk reassignment. Admins and managers.
    DESK_CONFIGURE = "desk.configure"
    # The customer desk. Loyalty programme set-up (earning rules, campaigns, tiers, the
    # rewards catalogue), coupon batches and the referral programme: admins, managers and
    # marketers. Manual point adjustments: admins and managers. Redeeming rewards and
    # coupons for a customer at the counter: every role that serves customers (admins,
    # managers, account managers, support agents). Working tickets: admins, managers,
    # account managers and support agents; SLA policies and business hours: admins and
    # managers.
    LOYALTY_CONFIGURE = "loyalty.configure"
    LOYALTY_ADJUST = "loyalty.adjust"
    LOYALTY_REDEEM = "loyalty.redeem"
    COUPON_MANAGE = "coupon.manage"
    REFERRAL_MANAGE = "referral.manage"
    TICKET_WORK = "ticket.work"
    SUPPORT_CONFIGURE = "support.configure"


_EVERYONE_WRITING = {Role.ADMIN, Role.MANAGER}
_MARKETING = {Action.LOYALTY_CONFIGURE, Action.COUPON_MANAGE, Action.REFERRAL_MANAGE}
_ON_OWN_PARTIES = {
    Action.PARTY_UPDATE,
    Action.PARTY_TAG,
    Action.PARTY_CONSENT,
    Action.RELATIONSHIP_CHANGE,
    Action.ACTIVITY_LOG,
    Action.ORDER_RECORD,
}


def is_allowed(actor, action: Action, *, party=None) -> bool:
    """True when `actor` may do `action` (on `party`, for per-party rules)."""
    if actor is None:
        return True
    if not getattr(actor, "is_active", False):
        return False
    role = actor.role
    if role == Role.ADMIN:
        return True
    if action in {Action.USER_MANAGE, Action.SETTINGS_MANAGE, Action.WEBHOOK_MANAGE}:
        return False
    if role == Role.MANAGER:
        return True
    if action in {Action.LOYALTY_REDEEM, Action.TICKET_WORK}:
        return role in {Role.ACCOUNT_MANAGER, Role.SUPPORT_AGENT}
    if action in _MARKETING:
        return role == Role.MARKETER
    if role == Role.ACCOUNT_MANAGER:
        if action == Action.PARTY_CREATE:
            return True
        if action in _ON_OWN_PARTIES:
            return party is None or _account_manager_may_change(actor, party)
        return False
    if role == Role.SUPPORT_AGENT:
        return action == Action.ACTIVITY_LOG
    if role == Role.MARKETER:
        return action in {Action.PARTY_TAG, Action.PARTY_CONSENT}
    return False


def authorize(actor, action: Action, *, party=None) -> None:
    """Raise PERMISSION_DENIED naming the action unless `is_allowed`."""
    if not is_allowed(actor, action, party=party):
        raise ApplicationError(
            ErrorCode.PERMISSION_DENIED,
            _("Your role may not do this (%(action)s).") % {"action": action.value},
            {"action": action.value},
        )


def authorize_parties(actor, action: Action, *, party_ids) -> None:
    """`authorize` for a batch: raise PERMISSION_DENIED unless `actor` may do `action` on
    every party in `party_ids` (internal ids). One query per 2,000 parties."""
    authorize(actor, action)
    if actor is None or actor.role != Role.ACCOUNT_MANAGER or action not in _ON_OWN_PARTIES:
        return
    from clientela.parties.models import Relationship, RelationshipKind

    ids = sorted(set(party_ids))
    for start in range(0, len(ids), 2000):
        if (
            Relationship.objects.filter(
                party_id__in=ids[start : start + 2000],
                is_current=True,
                kind=RelationshipKind.CLIENT,
            )
            .exclude(owner_id=actor.pk)
            .exclude(backups__user_id=actor.pk)
            .exists()
        ):
            raise ApplicationError(
                ErrorCode.PERMISSION_DENIED,
                _("Your role may not do this (%(action)s) on another account manager's client.")
                % {"action": action.value},
                {"action": action.value},
            )


def _account_manager_may_change(actor, party) -> bool:
    """An account manager changes customers, parties without a relationship, and the
    clients they own or back up (clientdesk.RelationshipBackup of the current relationship).
    One query."""
    from django.db.models import Exists, OuterRef

    from clientela.clientdesk.models import RelationshipBackup
    from clientela.parties.models import Relationship, RelationshipKind

    current = (
        Relationship.objects.filter(party=party, is_current=True)
        .annotate(
            is_backup=Exists(
                RelationshipBackup.objects.filter(relationship_id=OuterRef("pk"), user_id=actor.pk)
            )
        )
        .values("kind", "owner_id", "is_backup")
        .first()
    )
    if current is None or current["kind"] == RelationshipKind.CUSTOMER:
        return True
    return current["owner_id"] == actor.pk or current["is_backup"]


def can_write_anything(actor) -> bool:
    return actor is not None and actor.role in _EVERYONE_WRITING
