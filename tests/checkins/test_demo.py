from collections import Counter
from datetime import UTC, date, datetime

import pytest

from clientela.checkins.demo import demo_load as checkins_demo_load
from clientela.checkins.models import CheckinCadence
from clientela.checkins.selectors import checkins_due
from clientela.demo import demo_load

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 31, tzinfo=UTC)  # the end of the demo history


def test_the_bank_demo_gets_a_cadence_per_onboarded_client_deterministically():
    from clientela.parties.models import Relationship

    demo_load(business="bank", size="small", seed=42, desk=False)

    created = checkins_demo_load(business="bank", seed=42, now=NOW)

    clients = Relationship.objects.filter(
        kind="client", is_current=True, status="active",
        stage__in=("onboarding", "relationship_management"),
    )  # fmt: skip
    assert created == 72 == clients.count() == CheckinCadence.objects.count()
    assert Counter(CheckinCadence.objects.values_list("every_days", flat=True)) == {30: 59, 14: 13}
    assert Counter(CheckinCadence.objects.values_list("channel", flat=True)) == {
        "call": 31, "email": 25, "virtual_meeting": 11, "in_person_meeting": 5,
    }  # fmt: skip
    rows = checkins_due(owner_id=None, today=date(2026, 10, 31), within_days=7)
    assert (sum(r.days_overdue > 0 for r in rows), sum(r.days_overdue <= 0 for r in rows)) == (1, 9)
    assert all(r.last_contact_at is not None for r in rows)
    # a second load adds nothing
    assert checkins_demo_load(business="bank", seed=42, now=NOW) == 0


def test_the_cafe_has_no_clients_to_check_in_with():
    assert checkins_demo_load(business="cafe", seed=42, now=NOW) == 0
