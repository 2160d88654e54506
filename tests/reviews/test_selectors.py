import datetime as dt

from clientela.reviews import services
from clientela.reviews.selectors import NegativeReview, review_scores, reviews_negative
from tests.reviews.conftest import make_client


def _answered(rel, at: dt.datetime, overall: int, recommend: int, comment: str = ""):
    review = services.review_send(actor=None, relationship=rel, now=at - dt.timedelta(days=2))
    data = {
        "overall": overall,
        "results": 3,
        "communication": 3,
        "responsiveness": 3,
        "recommend": recommend,
        "comment": comment,
    }
    return services.review_answer(public_id=review.public_id, data=data, now=at)


def _at(month: int, day: int) -> dt.datetime:
    return dt.datetime(2026, month, day, 23, 30, tzinfo=dt.UTC)


def test_review_scores_are_per_relationship_oldest_first(users, desk_open):
    a = make_client(users["account_manager"], name="Alpha")
    b = make_client(users["manager"], name="Beta")
    empty = make_client(users["manager"], name="Gamma")
    _answered(a, _at(3, 1), 10, 10)  # 10+5+5+5+10 = 35 -> 7.0
    _answered(a, _at(1, 5), 0, 0)  # 0+5+5+5+0 = 15 -> 3.0
    _answered(b, _at(2, 2), 5, 6)  # 5+5+5+5+6 = 26 -> 5.2
    waiting = services.review_send(actor=None, relationship=b, now=_at(4, 1))
    assert waiting.status == "sent"

    assert review_scores(relationship_ids=[a.pk, b.pk, empty.pk]) == {
        a.pk: [(dt.date(2026, 1, 5), 3.0), (dt.date(2026, 3, 1), 7.0)],
        b.pk: [(dt.date(2026, 2, 2), 5.2)],
        empty.pk: [],
    }
    assert review_scores(relationship_ids=[]) == {}


def test_reviews_negative_lists_scores_of_six_or_less_since_a_date_by_owner(users, desk_open):
    am = users["account_manager"]
    a = make_client(am, name="Alpha")
    b = make_client(users["manager"], name="Beta")
    low_a = _answered(a, _at(3, 1), 5, 6, "Slow")  # 5.2
    _answered(a, _at(3, 20), 7, 6)  # 7+5+5+5+6 = 28 -> 5.6
    six = _answered(b, _at(2, 10), 7, 8)  # 7+5+5+5+8 = 30 -> 6.0
    _answered(b, _at(3, 5), 10, 10)  # 7.0: not negative
    _answered(b, _at(1, 31), 0, 0)  # 3.0 but before `since`

    everyone = reviews_negative(owner_id=None, since=dt.date(2026, 2, 1))
    assert [(r.party_name, r.answered_on, r.score) for r in everyone] == [
        ("Alpha Client", dt.date(2026, 3, 20), 5.6),
        ("Alpha Client", dt.date(2026, 3, 1), 5.2),
        ("Beta Client", dt.date(2026, 2, 10), 6.0),
    ]
    assert everyone[1] == NegativeReview(
        review_public_id=low_a.public_id,
        party_public_id=a.party.public_id,
        party_name="Alpha Client",
        relationship_id=a.pk,
        owner_id=am.pk,
        answered_on=dt.date(2026, 3, 1),
        score=5.2,
        comment="Slow",
    )
    assert [
        r.review_public_id
        for r in reviews_negative(owner_id=users["manager"].pk, since=dt.date(2026, 2, 1))
    ] == [six.public_id]
    assert reviews_negative(owner_id=am.pk, since=dt.date(2026, 3, 21)) == []
