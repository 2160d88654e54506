"""The customer desk settings: defaults, checks, rights, the page and the API."""

from __future__ import annotations

import pytest

from clientela.core.errors import ApplicationError
from clientela.core.models import AuditEvent, Business
from clientela.customerdesk.settings import (
    DEFAULTS,
    customer_desk_setting,
    customer_desk_settings_get,
    customer_desk_settings_update,
)

pytestmark = pytest.mark.django_db


def test_defaults_and_only_changed_values_are_stored(admin):
    assert customer_desk_settings_get() == {
        "auto_stage_moves": True, "repeat_window_days": 90, "lapsing_after_days": 120,
        "p_alive_at_risk_below": 0.3, "p_alive_watch_below": 0.7,
    }  # fmt: skip

    result = customer_desk_settings_update(actor=admin, repeat_window_days=60,
                                           lapsing_after_days=120)  # fmt: skip

    assert result == {**DEFAULTS, "repeat_window_days": 60}
    assert Business.objects.get().customer_desk_settings == {"repeat_window_days": 60}
    assert customer_desk_setting("repeat_window_days") == 60
    event = AuditEvent.objects.get(action="customer_desk.settings_changed")
    assert event.data == {"repeat_window_days": 60, "lapsing_after_days": 120}


@pytest.mark.parametrize(
    ("values", "field", "problem"),
    [
        ({"auto_stage_moves": "yes"}, "auto_stage_moves", "must be true or false"),
        ({"repeat_window_days": 0}, "repeat_window_days", "must be between 1 and 3660"),
        ({"lapsing_after_days": 1.5}, "lapsing_after_days", "must be a whole number"),
        ({"p_alive_watch_below": 1.2}, "p_alive_watch_below", "must be between 0.0 and 1.0"),
        ({"p_alive_at_risk_below": "x"}, "p_alive_at_risk_below", "must be a number"),
        ({"p_alive_at_risk_below": 0.8}, "p_alive_at_risk_below",
         "the at-risk band must end below the watch band (at risk < watch)"),
        ({"colour": "red"}, "colour", "is not a customer desk setting"),
    ],
)  # fmt: skip
def test_bad_values_name_the_field_and_store_nothing(admin, values, field, problem):
    with pytest.raises(ApplicationError) as caught:
        customer_desk_settings_update(actor=admin, **values)

    assert caught.value.extra["fields"] == {field: [problem]}
    assert customer_desk_settings_get() == DEFAULTS


def test_only_admins_change_the_settings(users):
    with pytest.raises(ApplicationError) as caught:
        customer_desk_settings_update(actor=users["manager"], repeat_window_days=10)

    assert caught.value.code == "permission_denied"
    assert customer_desk_setting("repeat_window_days") == 90


def test_the_page_shows_the_settings_and_saves_them_for_an_admin(client, users):
    client.force_login(users["admin"])

    page = client.get("/settings/customer-desk/")
    saved = client.post("/settings/customer-desk/", {
        "repeat_window_days": "45", "lapsing_after_days": "200",
        "p_alive_at_risk_below": "0.25", "p_alive_watch_below": "0.6",
    })  # fmt: skip

    assert page.status_code == 200
    assert 'data-testid="setting-repeat_window_days"' in page.content.decode()
    assert saved.status_code == 302
    assert customer_desk_settings_get() == {
        "auto_stage_moves": False, "repeat_window_days": 45, "lapsing_after_days": 200,
        "p_alive_at_risk_below": 0.25, "p_alive_watch_below": 0.6,
    }  # fmt: skip


def test_other_roles_read_the_page_without_a_save_button(client, users):
    client.force_login(users["marketer"])

    html = client.get("/settings/customer-desk/").content.decode()

    assert "Only admins change these settings." in html
    assert 'type="submit"' not in html.split('data-testid="customer-desk-settings"')[1]


def test_the_web_settings_page_links_to_the_customer_desk_settings(client, users):
    client.force_login(users["viewer"])

    html = client.get("/settings/").content.decode()

    assert 'href="/settings/customer-desk/"' in html


def test_api_reads_and_replaces_the_settings_with_etags(api):
    admin = api("admin")
    read = admin.get("/customer-desk/settings")
    body = {"auto_stage_moves": False, "repeat_window_days": 30, "lapsing_after_days": 60,
            "p_alive_at_risk_below": 0.2, "p_alive_watch_below": 0.5}  # fmt: skip

    put = admin.put(
        "/customer-desk/settings", json=body, headers={"If-Match": read.headers["ETag"]}
    )
    stale = admin.put("/customer-desk/settings", json={**body, "repeat_window_days": 7},
                      headers={"If-Match": read.headers["ETag"]})  # fmt: skip

    assert read.status_code == 200
    assert read.json() == DEFAULTS
    assert put.status_code == 200
    assert put.json() == body
    assert stale.status_code == 412
    assert customer_desk_setting("repeat_window_days") == 30


def test_api_refuses_bad_settings_and_other_roles(api):
    body = {"auto_stage_moves": True, "repeat_window_days": 30, "lapsing_after_days": 60,
            "p_alive_at_risk_below": 0.6, "p_alive_watch_below": 0.5}  # fmt: skip

    crossed = api("admin").put("/customer-desk/settings", json=body)
    denied = api("manager").put(
        "/customer-desk/settings", json={**body, "p_alive_at_risk_below": 0.1}
    )

    assert crossed.status_code == 422
    assert crossed.json()["fields"] == {
        "p_alive_at_risk_below": [
            "the at-risk band must end below the watch band (at risk < watch)"
        ]
    }
    assert denied.status_code == 403
    assert customer_desk_settings_get() == DEFAULTS
