import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from clientela.reviews import services
from clientela.reviews.links import review_link, review_token
from clientela.reviews.models import Review, ReviewSchedule
from tests.conftest import PASSWORD

GOOD = {
    "overall": "9",
    "results": "5",
    "communication": "4",
    "responsiveness": "5",
    "recommend": "10",
}


def _signed_in(users, role: str) -> Client:
    client = Client()
    assert client.login(username=role, password=PASSWORD) is True
    return client


def _path(review) -> str:
    return review_link(public_id=review.public_id, sent_at=review.sent_at, absolute=False)


@pytest.fixture
def waiting(client_rel):
    return services.review_send(actor=None, relationship=client_rel)


def test_the_public_page_shows_the_questionnaire_and_nothing_of_the_crm(waiting):
    response = Client().get(_path(waiting))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="review-form"' in body
    assert body.count('type="radio"') == 11 + 5 + 5 + 5 + 11
    assert "Dear Ana Client" in body
    for crm in ('class="sidebar"', "/desk/", "/directory", "/logout", "/settings", "/api/"):
        assert crm not in body
    assert "csrfmiddlewaretoken" in body


def test_csrf_stays_on_for_the_public_form(waiting):
    client = Client(enforce_csrf_checks=True)
    response = client.post(_path(waiting), GOOD)
    assert response.status_code == 403
    waiting.refresh_from_db()
    assert waiting.status == "sent"


def test_answering_once_then_a_second_submission_is_refused_nicely(waiting):
    client = Client(enforce_csrf_checks=True)
    page = client.get(_path(waiting)).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    done = client.post(_path(waiting), {**GOOD, "comment": "Lovely", "csrfmiddlewaretoken": token})
    assert (done.status_code, done["Location"]) == (302, f"{_path(waiting)}?thanks=1")
    thanks = client.get(done["Location"])
    assert 'data-testid="review-thanks"' in thanks.content.decode()

    again = client.post(_path(waiting), {**GOOD, "overall": "0", "csrfmiddlewaretoken": token})
    assert again.status_code == 409
    assert "This questionnaire is no longer open" in again.content.decode()
    waiting.refresh_from_db()
    assert (waiting.status, waiting.answers["overall"], waiting.client_comment) == (
        "answered",
        9,
        "Lovely",
    )


def test_a_bad_answer_names_the_field_and_keeps_the_others(waiting):
    response = Client().post(_path(waiting), {**GOOD, "results": "9"})
    body = response.content.decode()
    assert response.status_code == 422
    assert "results: must be between 1 and 5" in body
    assert 'name="overall" value="9" required checked' in body
    waiting.refresh_from_db()
    assert waiting.status == "sent"


def test_forged_and_expired_links_reveal_nothing(waiting, client_rel):
    forged = _path(waiting)[:-3] + "abc/"
    from django.core import signing

    other = signing.TimestampSigner(salt="clientela.booking").sign_object({"r": waiting.public_id})
    expired = reverse(
        "reviews:answer",
        args=[
            review_token(
                public_id=waiting.public_id,
                sent_at=waiting.sent_at - dt.timedelta(days=31),
            )
        ],
    )
    for path in (forged, f"/review/{other}/", "/review/nonsense/", expired):
        response = Client().get(path)
        body = response.content.decode()
        assert response.status_code == 404
        assert 'data-testid="review-form"' not in body
        assert "Ana" not in body
        assert Client().post(path, GOOD).status_code == 404
    assert "This link has expired" in Client().get(expired).content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "sent"


def test_after_answering_the_crm_pages_still_need_a_login(waiting):
    client = Client()
    client.post(_path(waiting), GOOD)
    for name, args in (("reviews:list", []), ("reviews:detail", [waiting.public_id])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302
        assert response["Location"].startswith("/login/")


def test_the_list_page_shows_waiting_upcoming_and_answered_with_trend(users, client_rel):
    first = services.review_send(actor=None, relationship=client_rel)
    services.review_answer(public_id=first.public_id, data={**GOOD, "overall": "2"})
    second = services.review_send(actor=None, relationship=client_rel)
    services.review_answer(public_id=second.public_id, data=GOOD)
    services.review_send(actor=None, relationship=client_rel)
    soon = dt.date.today() + dt.timedelta(days=10)
    ReviewSchedule.objects.filter(relationship=client_rel).update(next_due_on=soon)

    body = _signed_in(users, "viewer").get(reverse("reviews:list")).content.decode()
    assert body.count('data-testid="review-waiting-row"') == 1
    assert body.count('data-testid="review-upcoming-row"') == 1
    assert body.count('data-testid="review-answered-row"') == 2
    assert body.count("review-trend-up") == 1

    mine = _signed_in(users, "manager").get(reverse("reviews:list") + "?owner=me").content.decode()
    assert 'data-testid="review-waiting-row"' not in mine


def test_the_detail_page_shows_the_link_only_to_those_who_may_change(users, waiting):
    url = reverse("reviews:detail", args=[waiting.public_id])
    link = review_link(public_id=waiting.public_id, sent_at=waiting.sent_at)
    assert link in _signed_in(users, "account_manager").get(url).content.decode()
    viewer = _signed_in(users, "viewer").get(url).content.decode()
    assert link not in viewer
    assert 'name="notes"' not in viewer


def test_notes_and_close_from_the_detail_page(users, waiting):
    client = _signed_in(users, "account_manager")
    client.post(reverse("reviews:notes", args=[waiting.public_id]), {"notes": "Called, fine"})
    client.post(reverse("reviews:close", args=[waiting.public_id]))
    waiting.refresh_from_db()
    assert (waiting.notes, waiting.notes_by, waiting.status) == (
        "Called, fine",
        users["account_manager"],
        "closed",
    )
    refused = _signed_in(users, "viewer").post(
        reverse("reviews:notes", args=[waiting.public_id]), {"notes": "x"}
    )
    assert refused.status_code == 403
    waiting.refresh_from_db()
    assert waiting.notes == "Called, fine"


def test_send_now_and_schedule_from_the_party_card(users, client_rel):
    client = _signed_in(users, "account_manager")
    sent = client.post(reverse("reviews:send", args=[client_rel.public_id]))
    review = Review.objects.get(relationship=client_rel)
    assert sent["Location"] == reverse("reviews:detail", args=[review.public_id])
    client.post(
        reverse("reviews:schedule", args=[client_rel.public_id]),
        {"every_months": "6", "next_due_on": "2099-01-31", "active": "on"},
    )
    schedule = ReviewSchedule.objects.get(relationship=client_rel)
    assert (schedule.every_months, schedule.next_due_on, schedule.active) == (
        6,
        dt.date(2099, 1, 31),
        True,
    )


def test_party_card(users, client_rel):
    from clientela.reviews.cards import party_card

    review = services.review_send(actor=None, relationship=client_rel)
    services.review_answer(public_id=review.public_id, data=GOOD)
    card = party_card(relationship=client_rel, user=users["account_manager"])
    assert (len(card["scores"]), card["may_send"], card["waiting"]) == (1, True, None)
    assert card["last_answers"][0][1:] == (9, 10)
    assert "<svg" in card["chart"]
    assert party_card(relationship=client_rel, user=users["viewer"])["may_send"] is False
    from tests.factories import make_party

    customer = make_party(relationship_kind="customer").relationships.get()
    assert party_card(relationship=customer, user=users["admin"]) is None
