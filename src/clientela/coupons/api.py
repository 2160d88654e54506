"""Coupons: the REST endpoints under /api/v1/coupons. Thin: the same services and
selectors as the pages.

Every staff token reads; batches and personal coupons need COUPON_MANAGE (admins,
managers, marketers); redeeming needs LOYALTY_REDEEM (admins, managers, account managers,
support agents). `validate` never changes anything and answers 200 with `valid` and the
`reason` when a code would be refused; `redeem` answers 422 with the same reason in the
field's message, 201 with the redemption (200 when `key` repeats an earlier one).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router, Status

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
from clientela.api.schemas.common import ListQuery
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.coupons import selectors, services
from clientela.coupons.schemas import (
    CouponBatchIn,
    CouponBatchOut,
    CouponBatchPatch,
    CouponBatchQuery,
    CouponCodeOut,
    CouponOut,
    CouponRedeemIn,
    CouponRedemptionOut,
    CouponRedemptionQuery,
    CouponReportOut,
    CouponValidateIn,
    CouponValidateOut,
    PersonalCouponIn,
    batch_out,
    coupon_out,
    redemption_out,
)

router = Router(tags=["Coupons"])

BatchPage = page_schema(CouponBatchOut, "CouponBatchPage")
CodePage = page_schema(CouponCodeOut, "CouponCodePage")
RedemptionPage = page_schema(CouponRedemptionOut, "CouponRedemptionPage")
_BATCH_LINKS = links_to(
    "getCouponBatch", "updateCouponBatch", "listCouponBatchCodes", "getCouponBatchReport"
)
_PERSONAL_LINKS = links_to("getCouponBatch", "listCouponBatchCodes", source="$response.body#/batch")


def _represent(public_id: str) -> dict:
    return batch_out(selectors.coupon_batch_get(public_id=public_id))


@router.get("/batches", response=responses(200, BatchPage), operation_id="listCouponBatches")
def list_batches(request: HttpRequest, query: Query[CouponBatchQuery]):
    """Bulk batches (or personal coupons with `personal=true`), newest first."""
    rows, next_cursor = keyset_page(
        selectors.coupon_batch_list(personal=query.personal, active=query.active),
        ordering=("-created_at", "-id"),
        cursor=query.cursor,
        limit=query.limit,
        tag=f"coupon-batches:{int(query.personal)}:{query.active}",
    )
    return page(rows, next_cursor, batch_out)


@router.post(
    "/batches",
    response=responses(201, CouponBatchOut),
    operation_id="createCouponBatch",
    openapi_extra=_BATCH_LINKS,
)
def create_batch(request: HttpRequest, response: HttpResponse, payload: CouponBatchIn):
    """A batch of `code_count` new unique codes sharing these terms."""
    batch = services.coupon_batch_create(actor=actor(request), **payload.dict())
    body = with_etag(response, _represent(batch.public_id))
    return created(response, body, path=f"coupons/batches/{batch.public_id}")


@router.get(
    "/batches/{public_id}", response=responses(200, CouponBatchOut), operation_id="getCouponBatch"
)
def get_batch(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, _represent(public_id))


@router.patch(
    "/batches/{public_id}",
    response=responses(200, CouponBatchOut, conditional=True),
    operation_id="updateCouponBatch",
)
def update_batch(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: CouponBatchPatch
):
    """Rename, deactivate (`is_active: false`) or move the end date; the other terms stay.
    `valid_to: null` removes the end date. Honours If-Match."""
    changes = payload.dict(exclude_unset=True)
    changes = {k: v for k, v in changes.items() if v is not None or k == "valid_to"}
    with conditional_write(
        request,
        lambda: selectors.coupon_batch_lock(public_id=public_id),
        lambda: _represent(public_id),
    ):
        services.coupon_batch_update(
            actor=actor(request),
            batch=selectors.coupon_batch_get(public_id=public_id),
            **changes,
        )
    return with_etag(response, _represent(public_id))


@router.get(
    "/batches/{public_id}/codes",
    response=responses(200, CodePage),
    operation_id="listCouponBatchCodes",
)
def list_codes(request: HttpRequest, public_id: PathId, query: Query[ListQuery]):
    """The batch's codes in issue order."""
    batch = selectors.coupon_batch_get(public_id=public_id)
    rows, next_cursor = keyset_page(
        selectors.coupon_codes(batch=batch),
        ordering=("id",),
        cursor=query.cursor,
        limit=query.limit,
        tag=f"coupon-codes:{batch.public_id}",
    )
    return page(
        rows,
        next_cursor,
        lambda c: {"id": c.public_id, "code": c.code, "times_redeemed": c.times_redeemed},
    )


@router.get(
    "/batches/{public_id}/report",
    response=responses(200, CouponReportOut),
    operation_id="getCouponBatchReport",
)
def get_report(request: HttpRequest, public_id: PathId):
    """Codes issued and used, redemptions (still counting) and released, the redemption
    rate (codes used / codes issued), the discount given and the redemptions per day."""
    batch = selectors.coupon_batch_get(public_id=public_id)
    report = selectors.coupon_batch_report(batch=batch)
    return {
        "batch": batch.public_id,
        "codes_issued": report.codes_issued,
        "codes_used": report.codes_used,
        "redemptions": report.redemptions,
        "released": report.released,
        "redemption_rate": round(report.redemption_rate, 4),
        "discount_total": report.discount_total,
        "per_day": [{"day": day, "redemptions": n} for day, n in report.per_day],
    }


@router.post(
    "/personal",
    response=responses(201, CouponOut),
    operation_id="createPersonalCoupon",
    openapi_extra=_PERSONAL_LINKS,
)
def create_personal(request: HttpRequest, response: HttpResponse, payload: PersonalCouponIn):
    """A single-use code only `party` may redeem, valid from today for `valid_days` days."""
    party = party_ref("party", payload.party)
    coupon = services.coupon_issue_personal(
        actor=actor(request), party=party, **payload.dict(exclude={"party"})
    )
    return created(response, coupon_out(coupon), path=f"coupons/batches/{coupon.batch.public_id}")


@router.post("/validate", response=responses(200, CouponValidateOut), operation_id="validateCoupon")
def validate(request: HttpRequest, payload: CouponValidateIn):
    """Would this code be accepted for this party and amount, and for what discount? Reads
    only. An invalid code is `valid: false` with its `reason`."""
    party = party_ref("party", payload.party) if payload.party else None
    try:
        discount = services.coupon_validate(
            code=payload.code, party=party, order_amount=payload.order_amount
        )
    except ApplicationError as exc:
        if exc.code != ErrorCode.VALIDATION or "reason" not in exc.extra:
            raise
        return {"code": payload.code, "valid": False, "discount": None,
                "reason": exc.extra["reason"], "message": exc.message}  # fmt: skip
    return {"code": payload.code, "valid": True, "discount": discount, "reason": None,
            "message": None}  # fmt: skip


@router.post(
    "/redeem",
    response=responses(201, CouponRedemptionOut, also={200: CouponRedemptionOut}),
    operation_id="redeemCoupon",
)
def redeem(request: HttpRequest, response: HttpResponse, payload: CouponRedeemIn):
    """Redeem a code for a party (optionally on its recorded paid `order`). The same `key`
    answers 200 with the first redemption."""
    from clientela.commerce.selectors import order_get

    party = party_ref("party", payload.party)
    order = (
        referenced("order", lambda: order_get(public_id=payload.order)) if payload.order else None
    )
    before = (
        selectors.coupon_redemption_list().filter(key=payload.key).exists()
        if payload.key
        else False
    )
    redemption = services.coupon_redeem(
        actor=actor(request),
        code=payload.code,
        party=party,
        order_amount=payload.order_amount,
        order=order,
        key=payload.key,
    )
    redemption = selectors.coupon_redemption_list().get(pk=redemption.pk)
    if before:
        return Status(200, redemption_out(redemption))
    return Status(201, redemption_out(redemption))


@router.get(
    "/redemptions", response=responses(200, RedemptionPage), operation_id="listCouponRedemptions"
)
def list_redemptions(request: HttpRequest, query: Query[CouponRedemptionQuery]):
    """Redemptions, newest first (released ones too, with `released_at`); filters: batch,
    party."""
    batch = (
        referenced("batch", lambda: selectors.coupon_batch_get(public_id=query.batch))
        if query.batch
        else None
    )
    party = party_ref("party", query.party) if query.party else None
    rows, next_cursor = keyset_page(
        selectors.coupon_redemption_list(
            batch_id=batch.pk if batch else None, party_id=party.pk if party else None
        ),
        ordering=("-at", "-id"),
        cursor=query.cursor,
        limit=query.limit,
        tag=f"coupon-redemptions:{query.batch or ''}:{query.party or ''}",
    )
    return page(rows, next_cursor, redemption_out)
