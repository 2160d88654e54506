"""The onboarding pages: who sees what, htmx completion and reopening, templates."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clientela.onboarding.cards import party_card
from clientela.onboarding.models import OnboardingDocument, OnboardingPlan, OnboardingTemplate
from tests.conftest import PASSWORD
from tests.factories import UserFactory
from tests.onboarding.helpers import enter_onboarding, make_client, make_template

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def login(client, users):
    def sign_in(username: str):
        assert client.login(username=username, password=PASSWORD) is True
        return client

    return sign_in


@pytest.fixture
def two_plans(users):
    other_am = UserFactory(username="other_am", role="account_manager")
    make_template("Standard", tasks=[("Kickoff call", 0, None), ("Set up accounts", 400, None)])
    mine = make_client(users, name="Mine")
    enter_onboarding(users, mine)
    theirs = make_client(users, name="Theirs", owner=other_am)
    enter_onboarding(users, theirs)
    return OnboardingPlan.objects.get(relationship=mine), OnboardingPlan.objects.get(
        relationship=theirs
    )


def test_account_managers_see_their_clients_plans_by_default(login, two_plans):
    page = login("account_manager").get("/desk/onboarding/")
    assert page.status_code == 200
    assert [p.relationship.party.given_name for p in page.context["plans"]] == ["Mine"]
    assert page.context["late_total"] == 1
    everyone = login("account_manager").get("/desk/onboarding/?owner=all")
    assert [p.relationship.party.given_name for p in everyone.context["plans"]] == [
        "Mine",
        "Theirs",
    ]
    manager = login("manager").get("/desk/onboarding/")
    assert len(manager.context["plans"]) == 2
    only = login("manager").get("/desk/onboarding/?owner=other_am")
    assert [p.relationship.party.given_name for p in only.context["plans"]] == ["Theirs"]


def test_complete_and_reopen_with_htmx(login, two_plans):
    mine, theirs = two_plans
    client = login("account_manager")
    page = client.get(f"/desk/onboarding/{mine.public_id}/")
    assert page.status_code == 200
    assert b'data-testid="task-complete"' in page.content
    task = mine.tasks.first()
    response = client.post(
        f"/desk/onboarding/tasks/{task.public_id}/complete/", HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert b"1 of 2 done" in response.content
    task.refresh_from_db()
    assert task.done_at is not None
    response = client.post(
        f"/desk/onboarding/tasks/{task.public_id}/reopen/",
        {"reason": "Client rescheduled"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert b"0 of 2 done" in response.content
    assert b"Reopened: Client rescheduled" in response.content

    # another account manager's client: the page shows no buttons, the POST is refused
    other_page = client.get(f"/desk/onboarding/{theirs.public_id}/")
    assert b'data-testid="task-complete"' not in other_page.content
    other_task = theirs.tasks.first()
    refused = client.post(
        f"/desk/onboarding/tasks/{other_task.public_id}/complete/", HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 403
    other_task.refresh_from_db()
    assert other_task.done_at is None


def test_templates_pages_need_desk_configure(login, users):
    assert login("account_manager").get("/desk/onboarding/templates/").status_code == 403
    assert login("viewer").get("/desk/onboarding/templates/new/").status_code == 403
    assert login("manager").get("/desk/onboarding/templates/").status_code == 200


def test_a_manager_creates_a_template_with_a_file_and_edits_it(login, users):
    client = login("manager")
    response = client.post(
        "/desk/onboarding/templates/new/",
        {
            "name": "Private banking",
            "service": "",
            "active": "on",
            "position": "3",
            "task-0-title": "Kickoff call",
            "task-0-who": "account_manager",
            "task-0-offset": "0",
            "task-0-instructions": "Agree the goals.",
            "task-0-doc-name": "Welcome pack",
            "task-0-doc-file": SimpleUploadedFile("welcome.pdf", PDF, "application/pdf"),
            "task-1-title": "KYC documents",
            "task-1-who": "support_agent",
            "task-1-offset": "7",
            "task-2-title": "",
        },
    )
    assert response.status_code == 302, response.content
    template = OnboardingTemplate.objects.get()
    assert (template.name, template.position, template.service, template.active) == (
        "Private banking",
        3,
        None,
        True,
    )
    tasks = list(template.tasks.values_list("title", "assignee_kind", "assignee__username"))
    assert tasks == [
        ("Kickoff call", "account_manager", None),
        ("KYC documents", "staff", "support_agent"),
    ]
    doc = OnboardingDocument.objects.get()
    assert (doc.name, doc.filename, doc.content_type) == (
        "Welcome pack",
        "welcome.pdf",
        "application/pdf",
    )
    download = client.get(f"/desk/onboarding/documents/{doc.public_id}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["X-Content-Type-Options"] == "nosniff"

    # a bad row re-renders the form with the message naming the field; nothing changes
    bad = client.post(
        f"/desk/onboarding/templates/{template.public_id}/",
        {"name": "Private banking", "position": "3", "task-0-title": "X", "task-0-offset": "-1"},
    )
    assert bad.status_code == 422
    assert bad.context["error"].extra["fields"] == {
        "tasks[0].offset_days": ["must be between 0 and 3650"]
    }
    assert template.tasks.count() == 2

    # keeping the document while renaming the task
    client.post(
        f"/desk/onboarding/templates/{template.public_id}/",
        {
            "name": "Private banking",
            "position": "3",
            "active": "on",
            "task-0-title": "Kickoff meeting",
            "task-0-offset": "1",
            "task-0-keep": doc.public_id,
        },
    )
    assert list(template.tasks.values_list("title", "offset_days")) == [("Kickoff meeting", 1)]
    doc.refresh_from_db()
    assert doc.template_task.title == "Kickoff meeting"


def test_a_refused_upload_names_the_field(login, users):
    response = login("manager").post(
        "/desk/onboarding/templates/new/",
        {
            "name": "T",
            "task-0-title": "A",
            "task-0-doc-file": SimpleUploadedFile("evil.html", b"<script>", "application/pdf"),
        },
    )
    assert response.status_code == 422
    assert list(response.context["error"].extra["fields"]) == ["tasks[0].documents[0].file"]
    assert OnboardingTemplate.objects.count() == 0


def test_party_card(users, two_plans):
    mine, _ = two_plans
    card = party_card(relationship=mine.relationship, user=users["account_manager"])
    assert (card["progress"].done, card["progress"].total) == (0, 2)
    assert [t.title for t in card["next_tasks"]] == ["Kickoff call", "Set up accounts"]
    assert card["may_start"] is False
    fresh = make_client(users, name="Fresh", stage="consideration")
    assert party_card(relationship=fresh, user=users["account_manager"]) is None
    manager_card = party_card(relationship=fresh, user=users["manager"])
    assert (manager_card["plan"], manager_card["may_start"]) == (None, True)
    assert [t.name for t in manager_card["templates"]] == ["Standard"]


def test_start_by_hand_from_the_party_card(login, users, two_plans):
    fresh = make_client(users, name="Fresh", stage="consideration")
    template = OnboardingTemplate.objects.get()
    response = login("manager").post(
        "/desk/onboarding/start/",
        {"relationship": fresh.public_id, "template": template.public_id},
    )
    plan = OnboardingPlan.objects.get(relationship=fresh)
    assert response.status_code == 302
    assert response["Location"] == f"/desk/onboarding/{plan.public_id}/"
    # no contract: the plan starts today
    assert (plan.start_on, plan.started_by) == (timezone.localdate(), users["manager"])
