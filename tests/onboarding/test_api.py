"""The onboarding API over real HTTP."""

from __future__ import annotations

import datetime as dt

import pytest

from clientela.commerce.models import CatalogItem
from clientela.onboarding.models import OnboardingPlan
from tests.factories import UserFactory
from tests.onboarding.helpers import enter_onboarding, make_client, make_template

pytestmark = pytest.mark.django_db(transaction=True)


def _template_body(**extra):
    body = {
        "name": "Wealth onboarding",
        "position": 2,
        "tasks": [
            {"title": "Kickoff call", "instructions": "Agenda: goals.", "offset_days": 0},
            {
                "title": "Risk questionnaire",
                "assignee": "support_agent",
                "offset_days": 5,
                "documents": [{"name": "Questionnaire", "url": "https://example.test/q.pdf"}],
            },
        ],
    }
    body.update(extra)
    return body


def test_templates_crud_needs_desk_configure(api, users):
    service = CatalogItem.objects.create(
        sku="WM", name="Wealth management", offering="personalised", unit_price="100.00"
    )
    am = api("account_manager")
    assert am.get("/onboarding/templates").status_code == 403
    assert am.post("/onboarding/templates", json=_template_body()).status_code == 403

    manager = api("manager")
    created = manager.post("/onboarding/templates", json=_template_body(service=service.public_id))
    assert created.status_code == 201, created.text
    body = created.json()
    tid = body["id"]
    assert created.headers["Location"].endswith(f"/api/v1/onboarding/templates/{tid}")
    assert (body["name"], body["service"], body["service_name"], body["position"]) == (
        "Wealth onboarding",
        service.public_id,
        "Wealth management",
        2,
    )
    assert [
        (t["title"], t["assignee_kind"], t["assignee"], t["offset_days"]) for t in body["tasks"]
    ] == [
        ("Kickoff call", "account_manager", None, 0),
        ("Risk questionnaire", "staff", "support_agent", 5),
    ]
    doc = body["tasks"][1]["documents"][0]
    assert (doc["name"], doc["url"], doc["uploaded"]) == (
        "Questionnaire",
        "https://example.test/q.pdf",
        False,
    )

    got = manager.get(f"/onboarding/templates/{tid}")
    etag = got.headers["ETag"]
    changed = _template_body(name="Wealth onboarding v2")
    changed["tasks"][1]["documents"] = [{"id": doc["id"]}]
    updated = manager.put(f"/onboarding/templates/{tid}", json=changed, headers={"If-Match": etag})
    assert updated.status_code == 200, updated.text
    assert updated.json()["name"] == "Wealth onboarding v2"
    assert updated.json()["service"] is None
    assert updated.json()["tasks"][1]["documents"][0]["id"] == doc["id"]
    stale = manager.put(f"/onboarding/templates/{tid}", json=changed, headers={"If-Match": etag})
    assert stale.status_code == 412

    bad = manager.post(
        "/onboarding/templates",
        json=_template_body(tasks=[{"title": "x", "assignee": "nobody-here"}]),
    )
    assert bad.status_code == 422
    assert list(bad.json()["fields"]) == ["tasks[0].assignee"]
    listed = manager.get("/onboarding/templates").json()
    assert [t["id"] for t in listed["items"]] == [tid]
    assert manager.delete(f"/onboarding/templates/{tid}").status_code == 204
    assert manager.get(f"/onboarding/templates/{tid}").status_code == 404


def test_plans_tasks_complete_and_reopen_over_http(api, users):
    make_template("Standard", tasks=[("Kickoff call", 0, None), ("Set up accounts", 10, None)])
    rel = make_client(users, name="Olga", start_on=dt.date(2026, 3, 2))
    enter_onboarding(users, rel)
    plan = OnboardingPlan.objects.get(relationship=rel)

    viewer = api("viewer", "read")
    listed = viewer.get("/onboarding/plans", params={"status": "open"}).json()
    assert [(p["id"], p["party_name"], p["owner"]) for p in listed["items"]] == [
        (plan.public_id, "Olga Popescu", "account_manager")
    ]
    assert viewer.get("/onboarding/plans", params={"status": "completed"}).json()["items"] == []
    got = viewer.get(f"/onboarding/plans/{plan.public_id}").json()
    assert (got["start_on"], got["done"], got["total"]) == ("2026-03-02", 0, 2)
    assert [(t["title"], t["due_on"], t["assignee"]) for t in got["tasks"]] == [
        ("Kickoff call", "2026-03-02", "account_manager"),
        ("Set up accounts", "2026-03-12", "account_manager"),
    ]
    first, second = (t["id"] for t in got["tasks"])

    other = UserFactory(username="other_am", role="account_manager")
    users["other_am"] = other
    assert api("other_am").post(f"/onboarding/tasks/{first}/complete").status_code == 403
    assert api("viewer").post(f"/onboarding/tasks/{first}/complete").status_code == 403

    am = api("account_manager")
    done = am.post(f"/onboarding/tasks/{first}/complete")
    assert done.status_code == 200, done.text
    assert (done.json()["done"], done.json()["completed_at"]) == (1, None)
    assert done.json()["tasks"][0]["done_by"] == "account_manager"
    last = am.post(f"/onboarding/tasks/{second}/complete").json()
    assert last["done"] == 2
    assert last["completed_at"] is not None

    assert am.post(f"/onboarding/tasks/{first}/reopen", json={"reason": ""}).status_code == 422
    reopened = am.post(f"/onboarding/tasks/{first}/reopen", json={"reason": "Wrong contact"})
    assert reopened.status_code == 200
    assert (reopened.json()["completed_at"], reopened.json()["tasks"][0]["reopen_reason"]) == (
        None,
        "Wrong contact",
    )
    again = am.post(f"/onboarding/tasks/{first}/reopen", json={"reason": "x"})
    assert again.status_code == 409
    assert am.post("/onboarding/tasks/obk_missing/complete").status_code == 404


def test_start_a_plan_by_hand_over_http(api, users):
    template = make_template("Standard", tasks=[("Kickoff call", 0, None)])
    rel = make_client(users, name="Ion")
    body = {"relationship": rel.public_id, "template": template.public_id}
    assert api("account_manager").post("/onboarding/plans", json=body).status_code == 403
    started = api("manager").post("/onboarding/plans", json=body)
    assert started.status_code == 201, started.text
    assert started.json()["template"] == template.public_id
    assert started.json()["total"] == 1
    assert api("manager").post("/onboarding/plans", json=body).status_code == 409
    unknown = api("manager").post(
        "/onboarding/plans", json={"relationship": "rel_nope", "template": template.public_id}
    )
    assert unknown.status_code == 422
    assert list(unknown.json()["fields"]) == ["relationship"]


def test_anonymous_is_refused(anonymous):
    assert anonymous.get("/onboarding/plans").status_code == 401
