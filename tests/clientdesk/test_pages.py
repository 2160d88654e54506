"""The desk's pages: who sees what, and the settings page's rights."""

from __future__ import annotations

import pytest
from django.urls import reverse

from clientela.clientdesk.settings import desk_settings_get
from clientela.parties.models import Relationship
from tests.conftest import PASSWORD
from tests.factories import make_party


def _client(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.mark.parametrize("role", ["admin", "manager", "account_manager", "support_agent", "viewer"])
def test_every_role_reads_the_desk_pages(client, users, role):
    make_party(relationship_kind="client", owner=users["account_manager"], given_name="Ion")
    c = _client(client, users[role])
    for name in ("clientdesk:morning", "clientdesk:workload", "clientdesk:settings"):
        response = c.get(reverse(name))
        assert response.status_code == 200, name
        assert b'data-testid="nav-desk"' in response.content


def test_pages_need_a_sign_in(client, db):
    for name in ("clientdesk:morning", "clientdesk:workload", "clientdesk:settings"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_only_admins_change_the_desk_settings(client, users):
    c = _client(client, users["manager"])
    response = c.post(reverse("clientdesk:settings"), {"checkin_every_days": "14"})
    assert response.status_code == 403
    assert desk_settings_get()["checkin_every_days"] == 30
    page = c.get(reverse("clientdesk:settings")).content.decode()
    assert "Only admins change these settings." in page
    c.logout()
    c = _client(client, users["admin"])
    response = c.post(
        reverse("clientdesk:settings"),
        {
            "guard_owner_for_onboarding": "on",
            "checkin_every_days": "14",
            "checkin_channel": "email",
            "renewal_warning_days": "45",
        },
    )
    assert response.status_code == 302
    settings = desk_settings_get()
    assert settings["checkin_every_days"] == 14
    assert settings["checkin_channel"] == "email"
    assert settings["renewal_warning_days"] == 45
    assert settings["guard_owner_for_onboarding"] is True
    assert settings["guard_contract_for_purchase"] is False  # unticked box
    response = c.post(reverse("clientdesk:settings"), {"checkin_every_days": "0"})
    assert response.status_code == 422


def test_the_party_page_shows_health_and_backups(client, users):
    party = make_party(relationship_kind="client", owner=users["account_manager"])
    rel = Relationship.objects.get(party=party)
    c = _client(client, users["manager"])
    response = c.post(reverse("clientdesk:backup_add", args=[rel.public_id]), {"user": "manager"})
    assert response.status_code == 302
    page = c.get(reverse("web:party", args=[party.public_id])).content.decode()
    assert 'data-testid="client-desk"' in page
    assert 'data-testid="desk-health-card"' in page
    assert 'data-testid="backups"' in page
    customer = make_party(relationship_kind="customer", given_name="Cust")
    page = c.get(reverse("web:party", args=[customer.public_id])).content.decode()
    assert 'data-testid="desk-health-card"' not in page


def test_the_desk_link_is_active_on_every_desk_page_and_settings_links_here(client, users):
    c = _client(client, users["manager"])
    active = 'class="active" data-testid="nav-desk"'
    for path in ("/desk/", "/desk/workload/", "/desk/checkins/", "/desk/onboarding/"):
        assert active in c.get(path).content.decode(), path
    assert active not in c.get(reverse("web:directory")).content.decode()
    settings = c.get(reverse("web:settings")).content.decode()
    assert f'href="{reverse("clientdesk:settings")}"' in settings


def test_reassign_from_the_workload_page(client, users):
    party = make_party(relationship_kind="client", owner=users["account_manager"])
    rel = Relationship.objects.get(party=party)
    c = _client(client, users["manager"])
    page = c.get(reverse("clientdesk:workload"), {"from": "account_manager"}).content.decode()
    assert f'value="{rel.public_id}"' in page
    response = c.post(
        reverse("clientdesk:reassign"),
        {"from_owner": "account_manager", "all": "1", "to_owner": "manager"},
    )
    assert response.status_code == 302
    assert Relationship.objects.get(pk=rel.pk).owner == users["manager"]
