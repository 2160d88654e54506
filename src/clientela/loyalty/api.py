"""Loyalty: the REST endpoints under /api/v1/loyalty. Thin: the same services
(`loyalty.services`, `loyalty.configure`) and selectors as the pages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from clientela.api.etags import conditional_write, with_etag
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathId,
    actor,
    created,
    links_to,
    not_found,
    page,
    party_ref,
    responses,
)
from clientela.api.schemas.common import ListQuery
from clientela.loyalty import configure, selectors, services
from clientela.loyalty.models import Campaign, EarningRule, PointsEntry, Programme, Tier
from clientela.loyalty.schemas import (
    LoyaltyAdjustIn,
    LoyaltyCampaignIn,
    LoyaltyCampaignOut,
    LoyaltyCampaignPatch,
    LoyaltyCancelIn,
    LoyaltyCreditIn,
    LoyaltyEnrolIn,
    LoyaltyEntryOut,
    LoyaltyMemberDetailOut,
    LoyaltyMemberOut,
    LoyaltyMemberQuery,
    LoyaltyProgrammeIn,
    LoyaltyProgrammeOut,
    LoyaltyRedeemIn,
    LoyaltyRuleIn,
    LoyaltyRuleOut,
    LoyaltyRulePatch,
    LoyaltyTierIn,
    LoyaltyTierOut,
    LoyaltyTierPatch,
    campaign_out,
    entry_out,
    member_out,
    programme_out,
    rule_out,
    tier_out,
)

router = Router(tags=["Loyalty"])
RulePage = page_schema(LoyaltyRuleOut, "LoyaltyRulePage")
CampaignPage = page_schema(LoyaltyCampaignOut, "LoyaltyCampaignPage")
TierPage = page_schema(LoyaltyTierOut, "LoyaltyTierPage")
MemberPage = page_schema(LoyaltyMemberOut, "LoyaltyMemberPage")
EntryPage = page_schema(LoyaltyEntryOut, "LoyaltyEntryPage")


# -- programme ----------------------------------------------------------------------------


@router.get(
    "/programme", response=responses(200, LoyaltyProgrammeOut), operation_id="getLoyaltyProgramme"
)
def get_programme(request: HttpRequest, response: HttpResponse):
    """The programme's settings (every signed-in user)."""
    return with_etag(response, programme_out(selectors.programme_get()))


@router.put(
    "/programme",
    response=responses(200, LoyaltyProgrammeOut, conditional=True),
    operation_id="putLoyaltyProgramme",
)
def put_programme(request: HttpRequest, response: HttpResponse, payload: LoyaltyProgrammeIn):
    """Replace the programme's settings (LOYALTY_CONFIGURE). Honours If-Match."""

    def lock():
        selectors.programme_get()
        list(Programme.objects.select_for_update().filter(pk=1).values_list("pk", flat=True))

    with conditional_write(request, lock, lambda: programme_out(selectors.programme_get())):
        configure.programme_update(actor=actor(request), **payload.model_dump())
    return with_etag(response, programme_out(selectors.programme_get()))


# -- rules, campaigns, tiers: list / create / get / update / delete --------------------------


def _get(model, public_id: str, message: str):
    found = model.objects.filter(public_id=public_id).first()
    if found is None:
        raise not_found(message)
    return found


def _update(request, model, public_id: str, message: str, out, change):
    """PATCH of a rule, campaign or tier: honours If-Match (the row locked, its ETag
    compared) before `change(obj)` runs; returns the new representation as stored."""
    found = _get(model, public_id, message)

    def lock() -> None:
        model.objects.select_for_update().filter(pk=found.pk).exists()

    with conditional_write(request, lock, lambda: out(_get(model, public_id, message))):
        change(_get(model, public_id, message))
    # read back: the stored values (a multiplier "2" is stored as 2.000) make the ETag
    return out(_get(model, public_id, message))


@router.get("/rules", response=responses(200, RulePage), operation_id="listLoyaltyRules")
def list_rules(request: HttpRequest, query: Query[ListQuery]):
    rows, cursor = keyset_page(
        EarningRule.objects.all(), ordering=("id",), cursor=query.cursor, limit=query.limit,
        tag="loyalty-rules",
    )  # fmt: skip
    return page(rows, cursor, rule_out)


@router.post(
    "/rules",
    response=responses(201, LoyaltyRuleOut),
    operation_id="createLoyaltyRule",
    openapi_extra=links_to("getLoyaltyRule", "updateLoyaltyRule", "deleteLoyaltyRule"),
)
def create_rule(request: HttpRequest, response: HttpResponse, payload: LoyaltyRuleIn):
    """An earning rule for a catalogue category or a sales channel (LOYALTY_CONFIGURE)."""
    rule = configure.rule_create(actor=actor(request), **payload.model_dump())
    body = with_etag(response, rule_out(rule))
    return created(response, body, path=f"loyalty/rules/{rule.public_id}")


@router.get(
    "/rules/{public_id}", response=responses(200, LoyaltyRuleOut), operation_id="getLoyaltyRule"
)
def get_rule(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, rule_out(_get(EarningRule, public_id, _("No such rule."))))


@router.patch(
    "/rules/{public_id}", response=responses(200, LoyaltyRuleOut), operation_id="updateLoyaltyRule"
)
def update_rule(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: LoyaltyRulePatch
):
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    body = _update(
        request, EarningRule, public_id, _("No such rule."), rule_out,
        lambda rule: configure.rule_update(actor=actor(request), rule=rule, **changes),
    )  # fmt: skip
    return with_etag(response, body)


@router.delete(
    "/rules/{public_id}", response=responses(204, None), operation_id="deleteLoyaltyRule"
)
def delete_rule(request: HttpRequest, public_id: PathId):
    configure.rule_delete(
        actor=actor(request), rule=_get(EarningRule, public_id, _("No such rule."))
    )
    return Status(204, None)


@router.get(
    "/campaigns", response=responses(200, CampaignPage), operation_id="listLoyaltyCampaigns"
)
def list_campaigns(request: HttpRequest, query: Query[ListQuery]):
    rows, cursor = keyset_page(
        Campaign.objects.all(), ordering=("id",), cursor=query.cursor, limit=query.limit,
        tag="loyalty-campaigns",
    )  # fmt: skip
    return page(rows, cursor, campaign_out)


@router.post(
    "/campaigns",
    response=responses(201, LoyaltyCampaignOut),
    operation_id="createLoyaltyCampaign",
    openapi_extra=links_to("getLoyaltyCampaign", "updateLoyaltyCampaign", "deleteLoyaltyCampaign"),
)
def create_campaign(request: HttpRequest, response: HttpResponse, payload: LoyaltyCampaignIn):
    """A bonus campaign between two dates, inclusive (LOYALTY_CONFIGURE)."""
    campaign = configure.campaign_create(actor=actor(request), **payload.model_dump())
    body = with_etag(response, campaign_out(campaign))
    return created(response, body, path=f"loyalty/campaigns/{campaign.public_id}")


@router.get(
    "/campaigns/{public_id}",
    response=responses(200, LoyaltyCampaignOut),
    operation_id="getLoyaltyCampaign",
)
def get_campaign(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, campaign_out(_get(Campaign, public_id, _("No such campaign."))))


@router.patch(
    "/campaigns/{public_id}",
    response=responses(200, LoyaltyCampaignOut),
    operation_id="updateLoyaltyCampaign",
)
def update_campaign(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: LoyaltyCampaignPatch
):
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    body = _update(
        request, Campaign, public_id, _("No such campaign."), campaign_out,
        lambda found: configure.campaign_update(actor=actor(request), campaign=found, **changes),
    )  # fmt: skip
    return with_etag(response, body)


@router.delete(
    "/campaigns/{public_id}", response=responses(204, None), operation_id="deleteLoyaltyCampaign"
)
def delete_campaign(request: HttpRequest, public_id: PathId):
    configure.campaign_delete(
        actor=actor(request), campaign=_get(Campaign, public_id, _("No such campaign."))
    )
    return Status(204, None)


@router.get("/tiers", response=responses(200, TierPage), operation_id="listLoyaltyTiers")
def list_tiers(request: HttpRequest, query: Query[ListQuery]):
    rows, cursor = keyset_page(
        Tier.objects.all(), ordering=("threshold", "id"), cursor=query.cursor,
        limit=query.limit, tag="loyalty-tiers",
    )  # fmt: skip
    return page(rows, cursor, tier_out)


@router.post(
    "/tiers",
    response=responses(201, LoyaltyTierOut),
    operation_id="createLoyaltyTier",
    openapi_extra=links_to("getLoyaltyTier", "updateLoyaltyTier", "deleteLoyaltyTier"),
)
def create_tier(request: HttpRequest, response: HttpResponse, payload: LoyaltyTierIn):
    """A tier reached with `threshold` points earned in the window (LOYALTY_CONFIGURE)."""
    tier = configure.tier_create(actor=actor(request), **payload.model_dump())
    body = with_etag(response, tier_out(tier))
    return created(response, body, path=f"loyalty/tiers/{tier.public_id}")


@router.get(
    "/tiers/{public_id}", response=responses(200, LoyaltyTierOut), operation_id="getLoyaltyTier"
)
def get_tier(request: HttpRequest, response: HttpResponse, public_id: PathId):
    return with_etag(response, tier_out(_get(Tier, public_id, _("No such tier."))))


@router.patch(
    "/tiers/{public_id}", response=responses(200, LoyaltyTierOut), operation_id="updateLoyaltyTier"
)
def update_tier(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: LoyaltyTierPatch
):
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    body = _update(
        request, Tier, public_id, _("No such tier."), tier_out,
        lambda tier: configure.tier_update(actor=actor(request), tier=tier, **changes),
    )  # fmt: skip
    return with_etag(response, body)


@router.delete(
    "/tiers/{public_id}", response=responses(204, None), operation_id="deleteLoyaltyTier"
)
def delete_tier(request: HttpRequest, public_id: PathId):
    configure.tier_delete(actor=actor(request), tier=_get(Tier, public_id, _("No such tier.")))
    return Status(204, None)


# -- members and their ledger ---------------------------------------------------------------


def _member_detail(party) -> dict:
    account = selectors.loyalty_account_get(party_id=party.pk)
    if account is None:
        raise not_found(_("This party is not a loyalty member."))
    now = timezone.now()
    progress = selectors.tier_progress(account=account, now=now)
    return {
        **member_out(account, earned=progress.earned),
        "next_tier": progress.next_tier.name if progress.next_tier else None,
        "points_to_next_tier": progress.to_next,
        "expiring_30d": selectors.points_expiring(account_id=account.pk, now=now),
    }


def _party(public_id: str):
    from clientela.parties.selectors import party_get

    return party_get(public_id=public_id)


@router.get("/members", response=responses(200, MemberPage), operation_id="listLoyaltyMembers")
def list_members(request: HttpRequest, query: Query[LoyaltyMemberQuery]):
    """Members in name order: balance, tier, points earned in the tier window, next review;
    `q` a name prefix, `tier` a tier id or `none`."""
    rows, cursor = selectors.members_page(
        q=query.q, tier=query.tier, cursor=query.cursor, size=query.limit
    )
    return {"items": [member_out(r.account, earned=r.earned) for r in rows], "next": cursor}


@router.post(
    "/members",
    response=responses(201, LoyaltyMemberDetailOut),
    operation_id="enrolLoyaltyMember",
    openapi_extra=links_to(
        "getLoyaltyMember", "listLoyaltyEntries", source="$response.body#/party"
    ),
)
def enrol_member(request: HttpRequest, response: HttpResponse, payload: LoyaltyEnrolIn):
    """Enrol a party (idempotent: a member is returned as it is)."""
    party = party_ref("party", payload.party)
    services.loyalty_enrol(actor=actor(request), party=party)
    return created(response, _member_detail(party), path=f"loyalty/members/{party.public_id}")


@router.get(
    "/members/{public_id}",
    response=responses(200, LoyaltyMemberDetailOut),
    operation_id="getLoyaltyMember",
)
def get_member(request: HttpRequest, public_id: PathId):
    """A member (by the party's id): balance, tier and progress, next review, points
    expiring in the next 30 days."""
    return _member_detail(_party(public_id))


@router.get(
    "/members/{public_id}/entries",
    response=responses(200, EntryPage),
    operation_id="listLoyaltyEntries",
)
def list_entries(request: HttpRequest, public_id: PathId, query: Query[ListQuery]):
    """The member's statement: ledger entries, newest first, each with the balance after it."""
    party = _party(public_id)
    account = selectors.loyalty_account_get(party_id=party.pk)
    if account is None:
        raise not_found(_("This party is not a loyalty member."))
    rows, cursor = selectors.statement_entries(
        account_id=account.pk, cursor=query.cursor, size=query.limit
    )
    return {"items": [entry_out(e, party_public_id=party.public_id) for e in rows], "next": cursor}


def _entry_created(response, entry: PointsEntry, party) -> Status:
    entry = PointsEntry.objects.select_related("order", "related").get(pk=entry.pk)
    return created(
        response,
        entry_out(entry, party_public_id=party.public_id),
        path=f"loyalty/entries/{entry.public_id}",
    )


@router.post(
    "/members/{public_id}/credit",
    response=responses(201, LoyaltyEntryOut),
    operation_id="creditLoyaltyPoints",
    openapi_extra=links_to("getLoyaltyEntry"),
)
def credit_points(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: LoyaltyCreditIn
):
    """Credit points outside the earning rules (an `earn` entry that counts towards tiers
    and expires under the programme's rule); enrols the party; idempotent per `key`
    (LOYALTY_ADJUST)."""
    party = _party(public_id)
    entry = services.points_credit(actor=actor(request), party=party, **payload.model_dump())
    return _entry_created(response, entry, party)


@router.post(
    "/members/{public_id}/adjust",
    response=responses(201, LoyaltyEntryOut),
    operation_id="adjustLoyaltyPoints",
    openapi_extra=links_to("getLoyaltyEntry"),
)
def adjust_points(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: LoyaltyAdjustIn
):
    """A manual correction, positive or negative (never below a zero balance: 409), with a
    required note (LOYALTY_ADJUST)."""
    party = _party(public_id)
    entry = services.points_adjust(actor=actor(request), party=party, **payload.model_dump())
    return _entry_created(response, entry, party)


@router.post(
    "/members/{public_id}/redeem",
    response=responses(201, LoyaltyEntryOut),
    operation_id="redeemLoyaltyPoints",
    openapi_extra=links_to("getLoyaltyEntry", "cancelLoyaltyRedemption"),
)
def redeem_points(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: LoyaltyRedeemIn
):
    """Spend points (LOYALTY_REDEEM): 409 naming `points` when the balance is short;
    idempotent per `key`."""
    party = _party(public_id)
    entry = services.points_redeem(actor=actor(request), party=party, **payload.model_dump())
    return _entry_created(response, entry, party)


def _entry(public_id: str) -> PointsEntry:
    entry = (
        PointsEntry.objects.select_related("account__party", "order", "related")
        .filter(public_id=public_id)
        .first()
    )
    if entry is None:
        raise not_found(_("No such ledger entry."))
    return entry


@router.get(
    "/entries/{public_id}", response=responses(200, LoyaltyEntryOut), operation_id="getLoyaltyEntry"
)
def get_entry(request: HttpRequest, public_id: PathId):
    entry = _entry(public_id)
    return entry_out(entry, party_public_id=entry.account.party.public_id)


@router.post(
    "/entries/{public_id}/cancel",
    response=responses(201, LoyaltyEntryOut),
    operation_id="cancelLoyaltyRedemption",
    openapi_extra=links_to("getLoyaltyEntry"),
)
def cancel_redemption(
    request: HttpRequest, response: HttpResponse, public_id: PathId, payload: LoyaltyCancelIn
):
    """Give a redemption's points back (a `reverse` entry; idempotent) (LOYALTY_REDEEM)."""
    entry = _entry(public_id)
    reversal = services.points_redemption_cancel(
        actor=actor(request), entry=entry, note=payload.note
    )
    return _entry_created(response, reversal, entry.account.party)
