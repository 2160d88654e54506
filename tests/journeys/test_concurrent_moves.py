import threading

import pytest
from django.db import connection, connections

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.journeys.models import JourneyTransition
from clientela.journeys.services import journey_move
from clientela.parties.models import Relationship
from tests.factories import make_party


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locking needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_people_moving_the_same_card_from_the_same_stage_one_succeeds():
    rel = make_party(relationship_kind="customer").relationships.get()
    copies = [Relationship.objects.get(pk=rel.pk) for _ in range(2)]  # both see "awareness"
    barrier = threading.Barrier(2)
    moved, refused = [], []

    def move(copy):
        try:
            barrier.wait()
            moved.append(journey_move(actor=None, relationship=copy, to_stage="consideration"))
        except ApplicationError as exc:
            refused.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=move, args=(copy,)) for copy in copies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert (len(moved), len(refused)) == (1, 1)
    assert (refused[0].code, refused[0].extra["rule"]) == (
        ErrorCode.TRANSITION_REFUSED,
        "journey.one_step_forward",
    )
    assert list(
        JourneyTransition.objects.filter(relationship=rel).values_list("from_stage", "to_stage")
    ) == [("", "awareness"), ("awareness", "consideration")]


def test_a_naive_move_time_is_refused_naming_at(admin):
    from datetime import datetime

    rel = make_party(relationship_kind="customer").relationships.get()

    with pytest.raises(ApplicationError) as info:
        journey_move(
            actor=admin, relationship=rel, to_stage="consideration", at=datetime(2024, 1, 1)
        )

    assert info.value.extra == {"fields": {"at": ["needs a time zone"]}}
    assert rel.transitions.count() == 1
