from django.urls import path

from clientela.web.views import growth, journeys, pages, party
from clientela.web.views import webhooks as webhook_views

app_name = "web"

urlpatterns = [
    path("", pages.dashboard, name="dashboard"),
    path("parties/", pages.directory, name="directory"),
    path("parties/new/", party.party_new, name="party_new"),
    path("parties/<str:public_id>/", party.party_detail, name="party"),
    path("parties/<str:public_id>/activity/", party.party_log_activity, name="party_activity"),
    path("parties/<str:public_id>/move/", party.party_move_stage, name="party_move"),
    path("parties/<str:public_id>/convert/", party.party_convert, name="party_convert"),
    path("parties/<str:public_id>/owner/", party.party_assign_owner, name="party_owner"),
    path("parties/<str:public_id>/tags/", party.party_tags, name="party_tags"),
    path("parties/<str:public_id>/consent/", party.party_consent, name="party_consent"),
    path("parties/<str:public_id>/contact/", party.party_contact_point, name="party_contact"),
    path("journeys/move/<str:public_id>/", journeys.board_move, name="board_move"),
    path("journeys/<str:kind>/", journeys.board, name="board"),
    path("growth/mismatches/", growth.mismatches, name="mismatches"),
    path("growth/radar/", growth.radar, name="radar"),
    path("growth/radar/assign/", growth.radar_assign, name="radar_assign"),
    path("settings/classification/", growth.growth_settings, name="growth_settings"),
    path("settings/", pages.settings_page, name="settings"),
    path("settings/tokens/", pages.settings_token_create, name="token_create"),
    path("settings/tokens/<str:prefix>/revoke/", pages.settings_token_revoke, name="token_revoke"),
    path("settings/webhooks/", webhook_views.webhooks, name="webhooks"),
    path("settings/webhooks/<str:public_id>/", webhook_views.webhook_detail, name="webhook"),
    *[
        path(
            f"settings/webhooks/<str:public_id>/{action}/",
            webhook_views.webhook_action,
            {"action": action},
            name=f"webhook_{action}",
        )
        for action in webhook_views.ACTIONS
    ],
]
