"""Stored classifications and the pages that show them, on the hand-built business of
conftest.py: one row per current relationship, exact stored values, the newest run wins,
the party page's panel (in English and Polish) and the mismatch list."""

from __future__ import annotations

import html
import re

import pytest
from django.utils import translation

from clientela.accounts.models import Role
from clientela.core.errors import ApplicationError
from clientela.growth.models import Classification, ClassificationRun
from clientela.growth.selectors import classification_latest, mismatch_page
from clientela.growth.services import classification_run
from clientela.parties.models import Party, Relationship
from tests.conftest import PASSWORD
from tests.factories import UserFactory


def _party_id(public_id: str) -> int:
    return Party.objects.get(public_id=public_id).pk


def _texts(pattern: str, page: str) -> list[str]:
    return [html.unescape(" ".join(m.split())) for m in re.findall(pattern, page, re.S)]


def test_a_run_stores_one_row_per_current_relationship(small_business):
    # when every relationship is classified
    classification_run(actor=None, business_type="professional_services")

    # then exactly one row per current relationship is stored, in one succeeded run
    run = ClassificationRun.objects.get()
    current = Relationship.objects.filter(is_current=True).count()
    assert (run.status, run.engine, run.business_type) == (
        "succeeded",
        "duckdb",
        "professional_services",
    )
    assert Classification.objects.filter(run=run).count() == current == 3
    assert run.weights["engagement"] == 0.25


def test_the_stored_values_are_exact(small_business):
    classification_run(actor=None, business_type="professional_services")

    x = Classification.objects.get(party__public_id=small_business["X"])
    y = Classification.objects.get(party__public_id=small_business["Y"])
    z = Classification.objects.get(party__public_id=small_business["Z"])
    x_total = 0.2 + 0.25 + 0.075 + 0.1 + 0.025 / 21 + 0.025 / 21
    assert (x.kind, x.behaves_like, x.mismatch) == ("customer", "client", True)
    assert round(x.total, 9) == round(x_total, 9)
    assert round(x.confidence, 9) == round(2 * (x_total - 0.5), 9)
    assert {k: round(v, 9) for k, v in x.scores.items()} == {
        "engagement": 0.8,
        "offering": 1.0,
        "volume": 0.5,
        "acquisition": 0.0,
        "experience": 1.0,
        "journey": round(0.25 / 21, 9),
        "commitment": round(0.5 / 21, 9),
    }
    assert [e["dimension"] for e in x.explanation] == [
        "offering",
        "engagement",
        "experience",
        "volume",
        "commitment",
        "journey",
        "acquisition",
    ]
    assert (x.measures["main_staff"], x.measures["staff_interactions"]) == ("Ana Ionescu", 12)
    assert (y.kind, y.behaves_like, y.mismatch) == ("customer", "customer", False)
    assert round(y.total, 9) == round(0.075 + 0.025 / 21 + 0.025 / 21, 9)
    assert y.measures["gap_cv"] is None
    assert (z.kind, z.mismatch) == ("client", z.behaves_like == "customer")


def test_a_second_run_keeps_the_first_and_the_newest_is_read(small_business):
    classification_run(actor=None, business_type="professional_services")
    first = ClassificationRun.objects.get()

    classification_run(actor=None, business_type="retail", weights={"acquisition": 0.0})

    second = ClassificationRun.objects.exclude(pk=first.pk).get()
    x = classification_latest(party_id=_party_id(small_business["X"]))
    assert Classification.objects.filter(run=first).count() == 3
    assert Classification.objects.filter(run=second).count() == 3
    assert (x.run.pk, x.run.business_type, second.weights["acquisition"]) == (
        second.pk,
        "retail",
        0.0,
    )


def test_bad_weights_write_no_run(small_business):
    with pytest.raises(ApplicationError) as bad:
        classification_run(actor=None, weights={"luck": 1.0})

    assert bad.value.message == "weights: unknown dimension 'luck'"
    assert ClassificationRun.objects.count() == 0


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("admin", True),
        ("manager", True),
        ("account_manager", False),
        ("support_agent", False),
        ("marketer", False),
        ("viewer", False),
    ],
)
def test_who_may_run_the_classification(small_business, users, role, allowed):
    if allowed:
        classification_run(actor=users[role])
    else:
        with pytest.raises(ApplicationError) as refused:
            classification_run(actor=users[role])
        assert refused.value.code == "permission_denied"

    assert ClassificationRun.objects.count() == (1 if allowed else 0)
    assert {r.value for r in Role} == {
        "admin",
        "manager",
        "account_manager",
        "support_agent",
        "marketer",
        "viewer",
    }


def test_the_party_page_shows_the_behaviour_mismatch_and_reasons(small_business, client, users):
    with translation.override("en"):
        classification_run(actor=None, business_type="professional_services")
    client.login(username="viewer", password=PASSWORD)

    page = client.get(f"/parties/{small_business['X']}/").content.decode()

    assert _texts(r'data-testid="class-badge">(.*?)</span>', page) == ["Client"]
    assert _texts(r'data-testid="class-mismatch">(.*?)</p>', page) == [
        "Recorded as a customer; behaves like a client."
    ]
    dimensions = _texts(r'data-testid="class-dimension">(.*?)</strong>', page)
    sentences = _texts(r'data-testid="class-sentence">(.*?)</span>', page)
    assert dimensions == [
        "Offering",
        "Engagement",
        "Experience",
        "Business volume",
        "Commitment",
        "Journey",
        "Acquisition",
    ]
    assert sentences[0] == "80% of spend on personalised services."


def test_the_party_page_says_when_nothing_is_classified(small_business, client, users):
    client.login(username="viewer", password=PASSWORD)

    page = client.get(f"/parties/{small_business['X']}/").content.decode()

    assert _texts(r'data-testid="class-none">(.*?)</p>', page) == ["Not classified yet."]


def test_the_party_page_writes_the_reasons_in_the_reader_s_language(small_business, client):
    classification_run(actor=None, business_type="professional_services")
    UserFactory(username="pl-reader", role="viewer", language="pl")
    client.login(username="pl-reader", password=PASSWORD)

    page = client.get(f"/parties/{small_business['X']}/").content.decode()

    with translation.override("pl"):
        from django.utils.translation import gettext

        expected = gettext("%(share)d%% of spend on personalised services.") % {"share": 80}
    sentences = _texts(r'data-testid="class-sentence">(.*?)</span>', page)
    assert expected != "80% of spend on personalised services."
    assert sentences[0] == expected


def test_the_mismatch_page_lists_exactly_the_mismatching_parties(small_business, client, users):
    classification_run(actor=None, business_type="professional_services")
    mismatching = set(
        Classification.objects.filter(mismatch=True).values_list("party__public_id", flat=True)
    )
    client.login(username="viewer", password=PASSWORD)

    page = client.get("/growth/mismatches/").content.decode()
    customers = client.get("/growth/mismatches/?kind=customer").content.decode()

    listed = set(re.findall(r'<a href="/parties/(pty_\w+)/">', page))
    assert small_business["X"] in mismatching and small_business["Y"] not in mismatching
    assert listed == mismatching
    assert set(re.findall(r'<a href="/parties/(pty_\w+)/">', customers)) == {small_business["X"]}


def test_the_mismatch_list_is_ordered_by_confidence_and_filtered_by_kind(small_business):
    classification_run(actor=None, business_type="professional_services")

    every = mismatch_page()
    customers = mismatch_page(kind="customer")
    with pytest.raises(ApplicationError) as bad:
        mismatch_page(kind="prospect")

    confidences = [row.confidence for row in every.rows]
    assert confidences == sorted(confidences, reverse=True)
    assert [row.party.public_id for row in customers.rows] == [small_business["X"]]
    assert (every.previous, every.next) == (None, None)
    assert bad.value.message == "kind: must be one of client, customer"


def test_anonymous_visitors_are_sent_to_the_login_page(db, client):
    response = client.get("/growth/mismatches/")

    assert (response.status_code, response["Location"]) == (
        302,
        "/login/?next=/growth/mismatches/",
    )


def test_a_run_that_fails_is_kept_as_failed_with_its_error_and_no_rows(small_business):
    from django.db import connection

    if connection.vendor == "postgresql":
        pytest.skip("the postgres engine opens here; the failure needs another database")
    # given an engine the operational database cannot serve; when the classification runs
    with pytest.raises(ApplicationError) as failed:
        classification_run(actor=None, engine="postgres")
    # then the error is re-raised and the run is recorded as failed, never left running
    run = ClassificationRun.objects.get()
    assert (run.status, run.error_message) == ("failed", failed.value.message)
    assert run.finished_at is not None
    assert Classification.objects.count() == 0
    assert classification_latest(party_id=Party.objects.first().pk) is None
