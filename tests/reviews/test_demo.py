import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import Count

from clientela.demo import demo_load
from clientela.reviews.demo import demo_load as reviews_demo_load
from clientela.reviews.models import Review, ReviewSchedule
from clientela.reviews.selectors import reviews_negative

NOW = dt.datetime(2026, 10, 31, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_the_bank_demo_gets_schedules_answered_and_waiting_reviews():
    demo_load(business="bank", size="small", seed=42, desk=False)
    before = ReviewSchedule.objects.count()

    created = reviews_demo_load(business="bank", seed=42, now=NOW)

    schedules = ReviewSchedule.objects.count() - before
    by_status = dict(Review.objects.values_list("status").annotate(n=Count("id")))
    per_client = dict(
        Review.objects.filter(answered_at__isnull=False)
        .values("relationship_id")
        .annotate(n=Count("id"))
        .values_list("relationship_id", "n")
    )
    latest = [r.score for r in Review.objects.filter(status="answered") if r.score is not None]
    negative = reviews_negative(owner_id=None, since=(NOW - dt.timedelta(days=60)).date())

    assert (before, created, schedules) == (0, 315, 64)
    assert by_status == {"answered": 64, "closed": 170, "sent": 17}
    assert (min(per_client.values()), max(per_client.values()), len(per_client)) == (1, 6, 64)
    assert sum(1 for s in latest if s >= 7) == 51
    assert len(negative) == 7
    assert all(Decimal(0) <= s <= Decimal(10) for s in latest)
    assert ReviewSchedule.objects.filter(next_due_on__lte=NOW.date()).count() == 0
    assert reviews_demo_load(business="bank", seed=42, now=NOW) == 0
    assert reviews_demo_load(business="cafe", seed=42, now=NOW) == 0
