from decimal import Decimal

import pytest

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.reviews.questionnaire import answers_clean, score_of

ALL_TOP = {"overall": 10, "results": 5, "communication": 5, "responsiveness": 5, "recommend": 10}
ALL_BOTTOM = {"overall": 0, "results": 1, "communication": 1, "responsiveness": 1, "recommend": 0}


def test_the_score_is_the_mean_of_the_items_rescaled_to_ten():
    assert score_of(ALL_TOP) == Decimal("10.0")
    assert score_of(ALL_BOTTOM) == Decimal("0.0")
    # 8, (4-1)*2.5=7.5, (3-1)*2.5=5, (5-1)*2.5=10, 9 -> 39.5 / 5 = 7.9
    answers = {"overall": 8, "results": 4, "communication": 3, "responsiveness": 5, "recommend": 9}
    assert score_of(answers) == Decimal("7.9")


def test_the_score_of_mixed_answers():
    # 7 + 7.5 + 7.5 + 7.5 + 6 = 35.5 / 5 = 7.1
    answers = {"overall": 7, "results": 4, "communication": 4, "responsiveness": 4, "recommend": 6}
    assert score_of(answers) == Decimal("7.1")
    # 1 + 2.5 + 0 + 0 + 0 = 3.5 / 5 = 0.7
    low = {"overall": 1, "results": 2, "communication": 1, "responsiveness": 1, "recommend": 0}
    assert score_of(low) == Decimal("0.7")
    # 0 + 2.5 + 2.5 + 0 + 0 = 5 / 5 = 1.0
    mid = {"overall": 0, "results": 2, "communication": 2, "responsiveness": 1, "recommend": 0}
    assert score_of(mid) == Decimal("1.0")


def test_every_possible_answer_set_has_an_exact_one_decimal_score_within_0_and_10():
    # Items are whole numbers or multiples of 2.5, so the sum is a multiple of 0.5 and the mean
    # of five a multiple of 0.1: the documented rounding never changes a score.
    from itertools import product

    from clientela.reviews.questionnaire import QUESTIONS, item_score

    for combo in product(*(range(q.low, q.high + 1) for q in QUESTIONS)):
        answers = dict(zip((q.key for q in QUESTIONS), combo, strict=True))
        exact = sum(item_score(q, answers[q.key]) for q in QUESTIONS) / 5
        score = score_of(answers)
        assert score == exact
        assert Decimal(0) <= score <= Decimal(10)
        assert score.as_tuple().exponent == -1


def test_clean_answers_accept_form_strings_and_strip_the_comment():
    raw = {k: str(v) for k, v in ALL_TOP.items()} | {"comment": "  Great work \n", "token": "x"}
    assert answers_clean(raw) == (ALL_TOP, "Great work")


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        ({"overall": ""}, "overall", "is required"),
        ({"results": None}, "results", "is required"),
        ({"overall": "11"}, "overall", "must be between 0 and 10"),
        ({"results": "0"}, "results", "must be between 1 and 5"),
        ({"communication": 6}, "communication", "must be between 1 and 5"),
        ({"responsiveness": "fast"}, "responsiveness", "must be a whole number"),
        ({"recommend": 7.5}, "recommend", "must be a whole number"),
        ({"recommend": True}, "recommend", "must be a whole number"),
        ({"comment": "x" * 4001}, "comment", "must be at most 4000 characters"),
        ({"comment": 5}, "comment", "must be text"),
    ],
)
def test_validation_names_the_field(change, field, problem):
    with pytest.raises(ApplicationError) as info:
        answers_clean({**ALL_TOP, **change})
    assert info.value.code == ErrorCode.VALIDATION
    assert info.value.extra == {"fields": {field: [problem]}}
