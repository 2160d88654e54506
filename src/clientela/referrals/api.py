"""Referrals: the REST endpoints under /api/v1/referrals. Thin: the same services and
selectors as the pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
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
    responses,
)
from clientela.referrals import selectors, services
from clientela.referrals.schemas import (
    ClaimIn,
    CodeIn,
    CodeOut,
    CodePatch,
    LeaderboardOut,
    LeaderboardQuery,
    ProgrammeIn,
    ProgrammeOut,
    ReferralOut,
    ReferralQuery,
)

router = Router(tags=["Referrals"])

ReferralPage = page_schema(ReferralOut, "ReferralPage")


def _currency() -> str:
    from clientela.core.selectors import business_get

    return business_get().currency


def programme_out() -> dict:
    programme = selectors.programme_get()
    return {
        **{name: getattr(programme, name) for name in services.PROGRAMME_FIELDS},
        "currency": _currency(),
        "updated_at": programme.updated_at,
    }


def code_out(code) -> dict:
    return {
        "code": code.code,
        "party": code.party.public_id,
        "link": reverse("referrals:landing", args=[code.code]),
        "is_active": code.is_active,
        "created_at": code.created_at,
    }


def referral_out(r) -> dict:
    return {
        "id": r.public_id,
        "referrer": r.referrer.public_id,
        "referred": r.referred.public_id,
        "code": r.code.code if r.code else None,
        "status": r.status,
        "source": r.source,
        "referred_at": r.referred_at,
        "expires_at": r.expires_at,
        "qualified_at": r.qualified_at,
        "order": r.order.public_id if r.order else None,
        "rewarded": r.rewarded,
        "reward_note": r.reward_note,
        "created_at": r.created_at,
        "updated_at": r.updated_at,
    }


@router.get(
    "/programme", response=responses(200, ProgrammeOut), operation_id="getReferralProgramme"
)
def get_programme(request: HttpRequest, response: HttpResponse):
    """The referral programme's settings."""
    return with_etag(response, programme_out())


@router.put(
    "/programme",
    response=responses(200, ProgrammeOut, conditional=True),
    operation_id="putReferralProgramme",
)
def put_programme(request: HttpRequest, response: HttpResponse, payload: ProgrammeIn):
    """Replace the programme's settings (admins, managers, marketers). Honours If-Match."""
    from clientela.referrals.models import ReferralProgramme

    def lock() -> None:
        selectors.programme_get()
        ReferralProgramme.objects.select_for_update().filter(pk=1).exists()

    with conditional_write(request, lock, programme_out):
        services.programme_update(actor=actor(request), **payload.model_dump())
    return with_etag(response, programme_out())


@router.post(
    "/codes",
    response=responses(201, CodeOut, also={200: CodeOut}),
    operation_id="ensureReferralCode",
    openapi_extra=links_to("getReferralCode", parameter="code", source="$response.body#/code"),
)
def ensure_code(request: HttpRequest, response: HttpResponse, payload: CodeIn):
    """The party's personal code, created on first call (201), the same one afterwards
    (200)."""
    party = party_ref("party", payload.party)
    code, was_created = services.referral_code_ensure(actor=actor(request), party=party)
    body = code_out(code)
    if was_created:
        return created(response, body, path=f"referrals/codes/{code.code}")
    return Status(200, body)


@router.get("/codes/{code}", response=responses(200, CodeOut), operation_id="getReferralCode")
def get_code(request: HttpRequest, code: PathId):
    """A code and its party."""
    from clientela.api.routers._common import not_found

    found = selectors.code_find(code=code)
    if found is None:
        raise not_found("No such referral code.")
    return code_out(found)


@router.patch("/codes/{code}", response=responses(200, CodeOut), operation_id="updateReferralCode")
def update_code(request: HttpRequest, code: PathId, payload: CodePatch):
    """Switch a code off (claims and its link are refused with `referral.code_inactive`)
    or on again. Admins, managers and marketers."""
    from clientela.api.routers._common import not_found

    found = selectors.code_find(code=code)
    if found is None:
        raise not_found("No such referral code.")
    return code_out(
        services.referral_code_set_active(
            actor=actor(request), code=found, is_active=payload.is_active
        )
    )


@router.post(
    "/claims",
    response=responses(201, ReferralOut),
    operation_id="claimReferral",
    openapi_extra=links_to("getReferral"),
)
def claim(request: HttpRequest, response: HttpResponse, payload: ClaimIn):
    """Record that the owner of `code` referred `party`: a pending referral. Refusals are
    409 with `rule` referral.<reason> (programme_inactive, code_inactive, self_referral, loop,
    already_referred, already_bought)."""
    party = party_ref("party", payload.party)
    referral = services.referral_claim(
        actor=actor(request), code=payload.code, referred_party=party, at=payload.at, source="api"
    )
    body = referral_out(selectors.referral_get(public_id=referral.public_id))
    return created(response, body, path=f"referrals/{referral.public_id}")


@router.get(
    "/leaderboard", response=responses(200, LeaderboardOut), operation_id="getReferralLeaderboard"
)
def get_leaderboard(request: HttpRequest, query: Query[LeaderboardQuery]):
    """Ambassadors ranked by qualified referrals in the period, with pending referrals and
    the revenue their referred customers brought."""
    rows = selectors.leaderboard(
        now=timezone.now(), days=selectors.PERIODS[query.period], limit=query.limit
    )
    return {
        "period": query.period,
        "currency": _currency(),
        "items": [
            {
                "party": r.public_id,
                "name": r.name,
                "code": r.code,
                "qualified": r.qualified,
                "pending": r.pending,
                "revenue": r.revenue,
            }
            for r in rows
        ],
    }


@router.get("", response=responses(200, ReferralPage), operation_id="listReferrals")
def list_referrals(request: HttpRequest, query: Query[ReferralQuery]):
    """Referrals, newest first, filtered by status, referrer or referred party."""
    referrer = party_ref("referrer", query.referrer) if query.referrer else None
    referred = party_ref("referred", query.referred) if query.referred else None
    rows, next_cursor = keyset_page(
        selectors.referrals_filtered(
            status=query.status,
            referrer_id=referrer.pk if referrer else None,
            referred_id=referred.pk if referred else None,
        ),
        ordering=("-referred_at", "-id"),
        cursor=query.cursor,
        limit=query.limit,
        tag=f"referrals:{query.status or ''}:{query.referrer or ''}:{query.referred or ''}",
    )
    return page(rows, next_cursor, referral_out)


@router.get("/{public_id}", response=responses(200, ReferralOut), operation_id="getReferral")
def get_referral(request: HttpRequest, public_id: PathId):
    return referral_out(selectors.referral_get(public_id=public_id))
