from django.urls import path

from clientela.web.views import growth, journeys, pages, party

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
    path("settings/", pages.settings_page, name="settings"),
]
