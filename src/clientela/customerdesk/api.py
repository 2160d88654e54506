"""Customer desk: the REST endpoints under /api/v1/customer-desk. Thin: the same selectors
and services as the pages. Every signed-in role reads; settings change with SETTINGS_MANAGE."""

from __future__ import annotations

from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Query, Router

from clientela.api.etags import conditional_write, with_etag
from clientela.api.pagination import decode_cursor, encode_cursor, page_schema
from clientela.api.routers._common import PathId, actor, responses
from clientela.customerdesk import retention, selectors
from clientela.customerdesk.schemas import (
    ChannelMixOut,
    ChannelMixQuery,
    CustomerDeskSettingsIn,
    CustomerDeskSettingsOut,
    LapsingOut,
    LapsingQuery,
    RetentionOut,
    TouchpointsOut,
)
from clientela.customerdesk.settings import (
    customer_desk_settings_get,
    customer_desk_settings_update,
)

router = Router(tags=["Customer desk"])

LapsingPage = page_schema(LapsingOut, "CustomerDeskLapsingPage")


@router.get(
    "/parties/{public_id}/touchpoints",
    response=responses(200, TouchpointsOut),
    operation_id="getPartyTouchpoints",
)
def get_touchpoints(request: HttpRequest, public_id: PathId):
    """The party's touchpoints per channel (all time and the last 90 days, last touch,
    shares) and its latest touchpoints and orders, newest first."""
    from clientela.parties.selectors import party_get

    party = party_get(public_id=public_id)
    channels = selectors.touchpoint_summary(party_id=party.pk)
    days = selectors.journey_timeline(party_id=party.pk)
    return {
        "party": party.public_id,
        "channels": [
            {
                "channel": c.channel,
                "label": c.label,
                "touchpoints": c.count,
                "touchpoints_90d": c.count_recent,
                "last_at": c.last_at,
                "share": c.share,
                "share_90d": c.share_recent,
            }
            for c in channels
        ],
        "timeline": [
            {
                "kind": item.kind,
                "id": item.public_id,
                "at": item.at,
                "channel": item.channel,
                "label": item.label,
                "status": item.status or None,
            }
            for day in days
            for item in day.items
        ],
    }


@router.get("/channel-mix", response=responses(200, ChannelMixOut), operation_id="getChannelMix")
def get_channel_mix(request: HttpRequest, query: Query[ChannelMixQuery]):
    """Touchpoints of the business per channel per calendar month, for the last `months`
    months (the current one included); months and channels without touchpoints are left
    out of `rows`."""
    now = timezone.now()
    rows = selectors.channel_mix(now=now, months=query.months)
    return {
        "months": selectors.month_starts(now=now, months=query.months),
        "rows": [
            {"month": r.month, "channel": r.channel, "touchpoints": r.touchpoints} for r in rows
        ],
    }


@router.get("/retention", response=responses(200, RetentionOut), operation_id="getRetention")
def get_retention(request: HttpRequest):
    """Repeat rate (overall and by first-purchase month, last 12 months) and the P(alive)
    bands of the latest analysis run (null run before the first one)."""
    now = timezone.now()
    settings = customer_desk_settings_get()
    rate = retention.repeat_rate(now=now)
    bands = retention.p_alive_bands(settings=settings)
    page = retention.lapsing_customers(now=now, limit=1, settings=settings)
    return {
        "repeat_rate": {
            "customers": rate.customers,
            "repeat_customers": rate.repeat_customers,
            "rate": rate.rate,
            "cohorts": [vars(c) for c in rate.cohorts],
        },
        "bands": {
            "run": bands.run_public_id,
            "run_finished_at": bands.run_finished_at,
            "at_risk": bands.at_risk,
            "watch": bands.watch,
            "healthy": bands.healthy,
            "unscored": bands.unscored,
            "at_risk_below": bands.at_risk_below,
            "watch_below": bands.watch_below,
            "model_skipped": bands.model_skipped or None,
        },
        "lapsing_after_days": settings["lapsing_after_days"],
        "high_value_from": str(page.high_value_from) if page.high_value_from is not None else None,
    }


@router.get(
    "/retention/lapsing", response=responses(200, LapsingPage), operation_id="listLapsingCustomers"
)
def list_lapsing(request: HttpRequest, query: Query[LapsingQuery]):
    """Lapsing customers (no paid order for `lapsing_after_days`, or P(alive) in the at-risk
    band), most valuable first, each with a suggested incentive and why."""
    tag = "cd-lapsing"
    after = None
    if query.cursor:
        spent, pid = decode_cursor(query.cursor, tag, [Decimal, int])
        after = (spent, pid)
    page = retention.lapsing_customers(now=timezone.now(), limit=query.limit, after=after)
    new_coupon = reverse("coupons:personal_new")
    return {
        "items": [
            {
                "party": row.public_id,
                "name": row.name,
                "last_purchase_at": row.last_purchase_at,
                "days_since": row.days_since,
                "orders": row.orders,
                "spent": str(row.spent),
                "p_alive": row.p_alive,
                "reasons": row.reasons,
                "incentive": vars(row.incentive),
                "coupon_url": f"{new_coupon}?party={row.public_id}",
            }
            for row in page.rows
        ],
        "next": encode_cursor(tag, list(page.next_after)) if page.next_after else None,
    }


@router.get(
    "/settings",
    response=responses(200, CustomerDeskSettingsOut),
    operation_id="getCustomerDeskSettings",
)
def get_settings(request: HttpRequest, response: HttpResponse):
    return with_etag(response, customer_desk_settings_get())


@router.put(
    "/settings",
    response=responses(200, CustomerDeskSettingsOut, conditional=True),
    operation_id="putCustomerDeskSettings",
)
def put_settings(request: HttpRequest, response: HttpResponse, payload: CustomerDeskSettingsIn):
    """Replace the settings (admins only). Honours If-Match."""
    from clientela.core.models import Business
    from clientela.core.selectors import business_get

    def lock() -> None:
        Business.objects.select_for_update().filter(pk=business_get().pk).first()

    with conditional_write(request, lock, customer_desk_settings_get):
        customer_desk_settings_update(actor=actor(request), **payload.model_dump())
    return with_etag(response, customer_desk_settings_get())
