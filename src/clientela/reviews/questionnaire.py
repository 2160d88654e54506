"""The review questionnaire: a short, fixed list of questions, their validation and the score.

The score maps every rated answer to 0..10 and takes their mean, rounded half-up to one
decimal place:
- 0..10 items (overall satisfaction, likelihood to recommend) count as given;
- 1..5 items (results against what was agreed, communication, responsiveness) count as
  (answer - 1) * 2.5, so 1 -> 0, 3 -> 5, 5 -> 10.
All five rated items are required, so every score is the mean of five numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clientela.core.errors import validation_error

COMMENT_MAX = 4000


@dataclass(frozen=True)
class Question:
    key: str
    label: Any  # lazy translation
    low: int
    high: int
    low_label: Any
    high_label: Any


QUESTIONS: tuple[Question, ...] = (
    Question(
        "overall",
        gettext_lazy("Overall, how satisfied are you with our work?"),
        0,
        10,
        gettext_lazy("Not at all"),
        gettext_lazy("Completely"),
    ),
    Question(
        "results",
        gettext_lazy("How well did the results match what we agreed?"),
        1,
        5,
        gettext_lazy("Far below"),
        gettext_lazy("Beyond"),
    ),
    Question(
        "communication",
        gettext_lazy("How clear and regular was our communication?"),
        1,
        5,
        gettext_lazy("Poor"),
        gettext_lazy("Excellent"),
    ),
    Question(
        "responsiveness",
        gettext_lazy("How quickly did we respond to your requests?"),
        1,
        5,
        gettext_lazy("Too slowly"),
        gettext_lazy("Very quickly"),
    ),
    Question(
        "recommend",
        gettext_lazy("How likely are you to recommend us to a colleague?"),
        0,
        10,
        gettext_lazy("Not likely"),
        gettext_lazy("Very likely"),
    ),
)
QUESTION_KEYS = tuple(q.key for q in QUESTIONS)


def answers_clean(raw: dict[str, Any]) -> tuple[dict[str, int], str]:
    """The rated answers as integers and the stripped comment.

    Raises a validation error naming the first missing or out-of-range field (fields are
    checked in questionnaire order); unknown keys are ignored (a form also posts its token)."""
    clean: dict[str, int] = {}
    for question in QUESTIONS:
        value = raw.get(question.key)
        if value is None or (isinstance(value, str) and not value.strip()):
            raise validation_error(question.key, _("is required"))
        if isinstance(value, bool):
            raise validation_error(question.key, _("must be a whole number"))
        try:
            number = int(str(value).strip()) if not isinstance(value, int) else value
        except ValueError:
            raise validation_error(question.key, _("must be a whole number")) from None
        if isinstance(value, float) and value != number:
            raise validation_error(question.key, _("must be a whole number"))
        if not question.low <= number <= question.high:
            raise validation_error(
                question.key,
                _("must be between %(low)d and %(high)d")
                % {"low": question.low, "high": question.high},
            )
        clean[question.key] = number
    comment = raw.get("comment") or ""
    if not isinstance(comment, str):
        raise validation_error("comment", _("must be text"))
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise validation_error(
            "comment", _("must be at most %(n)d characters") % {"n": COMMENT_MAX}
        )
    if "\x00" in comment:
        raise validation_error("comment", _("must not contain the NUL character"))
    return clean, comment


def item_score(question: Question, answer: int) -> Decimal:
    """One answer on the 0..10 scale (exact)."""
    span = Decimal(question.high - question.low)
    return (Decimal(answer - question.low) * Decimal(10) / span).normalize()


def score_of(answers: dict[str, int]) -> Decimal:
    """The review's score: the mean of the rated answers on 0..10, one decimal, half-up."""
    total = sum((item_score(q, answers[q.key]) for q in QUESTIONS), Decimal(0))
    mean = total / Decimal(len(QUESTIONS))
    return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
