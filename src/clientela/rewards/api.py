"""Rewards: the REST endpoints under /api/v1/rewards. Thin: the same services and
selectors as the pages.

Every staff token reads; the catalogue needs LOYALTY_CONFIGURE (admins, managers,
marketers); redeeming, fulfilling and cancelling LOYALTY_REDEEM (admins, managers, account
managers, support agents). Refusals: 422 for an inactive reward, outside its dates, or a
party that is not a member; 409 when out of stock, the balance is short, or the redemption
is no longer issued.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Query, Router

from clientela.api.etags import conditional_write, with_etag
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathId,
    actor,
    created,
    links_to,
    page,
    party_ref,
    referenced,
    responses,
)
from clientela.rewards import selectors, services
from clientela.rewards.schemas import (
    RewardCancelIn,
    RewardIn,
    RewardOut,
    RewardPatch,
    RewardQuery,
    RewardRedeemIn,
    RewardRedemptionOut,
    RewardRedemptionQuery,
    redemption_out,
    reward_out,
)

router = Router(tags=["Rewards"])

RewardPage = page_schema(RewardOut, "RewardPage")
RedemptionPage = page_schema(RewardRedemptionOut, "RewardRedemptionPage")
_REWARD_LINKS = links_to("getReward", "updateReward", "redeemReward")
_REDEMPTION_LINKS = links_to(
    "getRewardRedemption", "fulfilRewardRedemption", "cancelRewardRedemption"
)


def _represent(public_id: str) -> dict:
    return reward_out(selectors.reward_get(public_id=public_id), today=timezone.localdate())


def _redemption(public_id: str) -> dict:
    return redemption_out(selectors.reward_redemption_get(public_id=public_id))


@router.get(
    "/redemptions",
    response=responses(200, RedemptionPage),
    operation_id="listRewardRedemptions",
)
def list_redemptions(request: HttpRequest, query: Query[RewardRedemptionQuery]):
    """Redemptions, newest first; filters: party, reward, status."""
    party = party_ref("party", query.party) if query.party else None
    reward = (
        referenced("reward", lambda: selectors.reward_get(public_id=query.reward))
        if query.reward
        else None
    )
    rows, next_cursor = keyset_page(
        selectors.reward_redemption_list(
            party_id=party.pk if party else None,
            reward_id=reward.pk if reward else None,
            status=query.status,
        ),
        ordering=("-issued_at", "-id"),
        cursor=query.cursor,
        limit=query.limit,
        tag=f"reward-redemptions:{query.party or ''}:{query.reward or ''}:{query.status or ''}",
    )
    return page(rows, next_cursor, redemption_out)


@router.get(
    "/redemptions/{public_id}",
    response=responses(200, RewardRedemptionOut),
    operation_id="getRewardRedemption",
)
def get_redemption(request: HttpRequest, public_id: PathId):
    return _redemption(public_id)


@router.post(
    "/redemptions/{public_id}/fulfil",
    response=responses(200, RewardRedemptionOut),
    operation_id="fulfilRewardRedemption",
)
def fulfil_redemption(request: HttpRequest, public_id: PathId):
    """Mark an issued redemption handed over (repeating it changes nothing)."""
    services.reward_redemption_fulfil(
        actor=actor(request),
        redemption=selectors.reward_redemption_get(public_id=public_id),
    )
    return _redemption(public_id)


@router.post(
    "/redemptions/{public_id}/cancel",
    response=responses(200, RewardRedemptionOut),
    operation_id="cancelRewardRedemption",
)
def cancel_redemption(request: HttpRequest, public_id: PathId, payload: RewardCancelIn):
    """Cancel an issued redemption: the points and the stock come back, a discount
    reward's unused coupon is deactivated (repeating it changes nothing)."""
    services.reward_redemption_cancel(
        actor=actor(request),
        redemption=selectors.reward_redemption_get(public_id=public_id),
        note=payload.note,
    )
    return _redemption(public_id)


@router.get("", response=responses(200, RewardPage), operation_id="listRewards")
def list_rewards(request: HttpRequest, query: Query[RewardQuery]):
    """The catalogue, cheapest first; filters: active, kind."""
    today = timezone.localdate()
    rows, next_cursor = keyset_page(
        selectors.reward_list(active=query.active, kind=query.kind),
        ordering=("points_cost", "id"),
        cursor=query.cursor,
        limit=query.limit,
        tag=f"rewards:{query.active}:{query.kind or ''}",
    )
    return page(rows, next_cursor, lambda r: reward_out(r, today=today))


@router.post(
    "",
    response=responses(201, RewardOut),
    operation_id="createReward",
    openapi_extra=_REWARD_LINKS,
)
def create_reward(request: HttpRequest, response: HttpResponse, payload: RewardIn):
    """A new catalogue entry; discount rewards need `coupon_kind` and `coupon_value`."""
    data = payload.dict()
    data["coupon_kind"] = data["coupon_kind"] or ""
    reward = services.reward_create(actor=actor(request), **data)
    body = with_etag(response, _represent(reward.public_id))
    return created(response, body, path=f"rewards/{reward.public_id}")


@router.get("/{public_id}", response=responses(200, RewardOut), operation_id="getReward")
def get_reward(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, _represent(public_id))


@router.patch(
    "/{public_id}",
    response=responses(200, RewardOut, conditional=True),
    operation_id="updateReward",
)
def update_reward(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: RewardPatch
):
    """Change the fields sent (`stock: null` makes it unlimited; `is_active: false`
    withdraws it). Honours If-Match."""
    nullable = {"stock", "valid_from", "valid_to", "coupon_value", "coupon_kind"}
    changes = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k in nullable}
    if "coupon_kind" in changes:
        changes["coupon_kind"] = changes["coupon_kind"] or ""
    with conditional_write(
        request,
        lambda: selectors.reward_lock(public_id=public_id),
        lambda: _represent(public_id),
    ):
        services.reward_update(
            actor=actor(request), reward=selectors.reward_get(public_id=public_id), **changes
        )
    return with_etag(response, _represent(public_id))


@router.post(
    "/{public_id}/redeem",
    response=responses(201, RewardRedemptionOut),
    operation_id="redeemReward",
    openapi_extra=_REDEMPTION_LINKS,
)
def redeem_reward(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: RewardRedeemIn
):
    """Spend the member `party`'s points on this reward; a discount reward issues a
    personal coupon (its code in `coupon`)."""
    reward = selectors.reward_get(public_id=public_id)
    party = party_ref("party", payload.party)
    redemption = services.reward_redeem(
        actor=actor(request), party=party, reward=reward, note=payload.note
    )
    return created(
        response,
        _redemption(redemption.public_id),
        path=f"rewards/redemptions/{redemption.public_id}",
    )
