"""Rewards: reads for the pages, the API and the customer desk overview."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.rewards.models import RedemptionStatus, Reward, RewardRedemption


def reward_list(*, active: bool | None = None, kind: str | None = None) -> QuerySet:
    """The catalogue, cheapest first."""
    rows = Reward.objects.all()
    if active is not None:
        rows = rows.filter(is_active=active)
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def reward_get(*, public_id: str) -> Reward:
    reward = Reward.objects.filter(public_id=public_id).first()
    if reward is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such reward."))
    return reward


def reward_lock(*, public_id: str) -> None:
    """Lock the reward's row for the rest of the transaction (a conditional write)."""
    Reward.objects.select_for_update().filter(public_id=public_id).exists()


def rewards_available(*, day: date) -> QuerySet:
    """Rewards that can be redeemed on `day`: active, within their dates, in stock."""
    return (
        Reward.objects.filter(is_active=True)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day))
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
        .filter(Q(stock__isnull=True) | Q(stock__gt=0))
    )


def reward_redemption_list(
    *, party_id: int | None = None, reward_id: int | None = None, status: str | None = None
) -> QuerySet:
    rows = RewardRedemption.objects.select_related("reward", "party", "coupon")
    if party_id is not None:
        rows = rows.filter(party_id=party_id)
    if reward_id is not None:
        rows = rows.filter(reward_id=reward_id)
    if status:
        rows = rows.filter(status=status)
    return rows


def reward_redemption_get(*, public_id: str) -> RewardRedemption:
    found = reward_redemption_list().filter(public_id=public_id).first()
    if found is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such reward redemption."))
    return found


def reward_redemption_lock(*, public_id: str) -> None:
    RewardRedemption.objects.select_for_update().filter(public_id=public_id).exists()


def rewards_overview(*, now: datetime) -> dict:
    """For the customer desk overview: rewards redeemable today and redemptions (not
    cancelled) in the 30 days before `now`."""
    today = timezone.localtime(now).date()
    return {
        "rewards_active": rewards_available(day=today).count(),
        "redemptions_30d": RewardRedemption.objects.filter(
            issued_at__gt=now - timedelta(days=30), issued_at__lte=now
        )
        .exclude(status=RedemptionStatus.CANCELLED)
        .count(),
    }
