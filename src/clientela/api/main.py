"""The versioned API object: `/api/v1/`, its routers, auth and error handling."""

from __future__ import annotations

from ninja import NinjaAPI, Swagger

from clientela import __version__
from clientela.api import errors
from clientela.api.auth import AUTH
from clientela.api.routers import (
    activities,
    analytics,
    batch,
    catalogue,
    orders,
    parties,
    radar,
    relationships,
    users,
    webhooks,
)
from clientela.booking import api as booking_api
from clientela.checkins import api as checkins_api
from clientela.clientdesk import api as clientdesk_api
from clientela.contracts import api as contracts_api
from clientela.coupons import api as coupons_api
from clientela.customerdesk import api as customerdesk_api
from clientela.loyalty import api as loyalty_api
from clientela.notifications import api as notifications_api
from clientela.onboarding import api as onboarding_api
from clientela.referrals import api as referrals_api
from clientela.reviews import api as reviews_api
from clientela.rewards import api as rewards_api
from clientela.support import api as support_api

DESCRIPTION = """Clientela's REST API. Authenticate with a personal API token
(`Authorization: Bearer cla_...`, created on the settings page or with
`clientela tokens create`) or, from the web UI, the signed-in session with `X-CSRFToken`.
Every error has one shape: `{"code", "message", "fields"}`. Lists are cursor-paginated:
`{"items": [...], "next": cursor | null}`. Single resources carry an `ETag`; send it back
in `If-Match` to make a write fail (412) instead of overwriting someone else's change."""

api = NinjaAPI(
    title="Clientela API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=AUTH,
    docs=Swagger(settings={"validatorUrl": None, "persistAuthorization": False}),
    docs_url=None,  # the docs page is /api/docs, served by clientela.api.views
    openapi_extra={"info": {"x-clientela-version": __version__}},
)
errors.install(api)

api.add_router("/parties", parties.router)
api.add_router("/relationships", relationships.router)
api.add_router("/journeys", relationships.journeys_router)
api.add_router("", activities.router)
api.add_router("/catalogue", catalogue.router)
api.add_router("", batch.router)
api.add_router("/orders", orders.router)
api.add_router("", analytics.router)
api.add_router("/users", users.router)
api.add_router("/me", users.me_router)
api.add_router("/radar", radar.router)
api.add_router("/webhooks", webhooks.router)
api.add_router("/contracts", contracts_api.router)
api.add_router("/onboarding", onboarding_api.router)
api.add_router("/checkins", checkins_api.router)
api.add_router("/reviews", reviews_api.router)
api.add_router("/booking", booking_api.router)
api.add_router("/desk", clientdesk_api.router)
api.add_router("/notifications", notifications_api.router)
api.add_router("/loyalty", loyalty_api.router)
api.add_router("/rewards", rewards_api.router)
api.add_router("/coupons", coupons_api.router)
api.add_router("/referrals", referrals_api.router)
api.add_router("/support", support_api.router)
api.add_router("/customer-desk", customerdesk_api.router)
