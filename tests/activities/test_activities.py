from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clientela.activities.models import Activity
from clientela.activities.services import TouchpointIn, activity_log, activity_record_bulk
from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent
from clientela.parties.services import relationship_convert
from tests.factories import make_party

AT = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def test_activity_log_links_the_current_relationship(admin, users):
    party = make_party(relationship_kind="customer")
    customer = party.relationships.get()
    first = activity_log(actor=admin, party=party, kind="store_visit", direction="inbound")
    client = relationship_convert(actor=admin, relationship=customer, reason="wants advice")

    second = activity_log(
        actor=users["support_agent"], party=party, kind="meeting_virtual", occurred_at=AT
    )

    assert (first.relationship, first.channel, first.staff) == (customer, "store", admin)
    assert (second.relationship, second.channel, second.staff, second.occurred_at) == (
        client,
        "video",
        users["support_agent"],
        AT,
    )
    event = AuditEvent.objects.filter(action="activity.logged").order_by("id").last()
    assert (event.actor, event.target_id, event.data) == (
        users["support_agent"],
        party.public_id,
        {"activity": second.public_id, "kind": "meeting_virtual"},
    )


def test_activity_log_refuses_properties_that_are_not_plain_json(admin):
    party = make_party()

    with pytest.raises(ApplicationError) as info:
        activity_log(actor=admin, party=party, kind="note", properties={"amount": Decimal("1")})

    assert list(info.value.extra["fields"]) == ["properties"]
    assert Activity.objects.count() == 0


def _batch(party, other):
    return [
        TouchpointIn(party_id=party.pk, kind="website_visit", occurred_at=AT, external_id="e-1"),
        TouchpointIn(party_id=other.pk, kind="campaign_open", occurred_at=AT, external_id="e-2"),
        TouchpointIn(party_id=party.pk, kind="chat", occurred_at=AT, external_id=None),
    ]


def test_the_same_batch_recorded_twice_keeps_one_row_per_external_id(admin):
    party = make_party(relationship_kind="customer")
    other = make_party(given_name="Ion")

    offered = activity_record_bulk(actor=admin, items=_batch(party, other)[:2])
    again = activity_record_bulk(actor=admin, items=_batch(party, other)[:2])

    assert (offered, again) == (2, 2)
    assert sorted(
        Activity.objects.values_list("external_id", "party", "relationship", "channel")
    ) == [
        ("e-1", party.pk, party.relationships.get().pk, "web"),
        ("e-2", other.pk, None, "email"),
    ]


def test_a_bad_item_writes_nothing_and_names_the_item(admin):
    party = make_party(relationship_kind="customer")
    items = _batch(party, party)
    items.append(TouchpointIn(party_id=party.pk, kind="telepathy", occurred_at=AT))

    with pytest.raises(ApplicationError) as info:
        activity_record_bulk(actor=admin, items=items)

    assert info.value.code == ErrorCode.VALIDATION
    assert info.value.message == "items[3].kind: unknown activity kind 'telepathy'"
    assert info.value.extra == {"fields": {"items[3].kind": ["unknown activity kind 'telepathy'"]}}
    assert Activity.objects.count() == 0
    assert AuditEvent.objects.filter(action="activity.bulk_recorded").count() == 0


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        ({"party_id": 10**9}, "items[1].party_id", "no party with id 1000000000"),
        ({"staff_id": 10**9}, "items[1].staff_id", "no user with id 1000000000"),
        ({"occurred_at": datetime(2024, 6, 1)}, "items[1].occurred_at", "needs a time zone"),
        (
            {"direction": "sideways"},
            "items[1].direction",
            "must be one of inbound, outbound, internal",
        ),
    ],
)
def test_bulk_validation_names_the_item_and_field(admin, change, field, problem):
    party = make_party()
    good = TouchpointIn(party_id=party.pk, kind="chat", occurred_at=AT)
    bad = TouchpointIn(**{**good.__dict__, **change})

    with pytest.raises(ApplicationError) as info:
        activity_record_bulk(actor=admin, items=[good, bad])

    assert info.value.extra == {"fields": {field: [problem]}}
    assert Activity.objects.count() == 0


def test_a_bulk_item_cannot_borrow_another_partys_relationship(admin):
    party = make_party()
    other = make_party(given_name="Ion", relationship_kind="customer")
    item = TouchpointIn(
        party_id=party.pk,
        kind="chat",
        occurred_at=AT,
        relationship_id=other.relationships.get().pk,
    )

    with pytest.raises(ApplicationError) as info:
        activity_record_bulk(actor=admin, items=[item])

    assert info.value.extra == {
        "fields": {"items[0].relationship_id": ["is not a relationship of this party"]}
    }


def test_the_keyed_bulk_path_stores_every_column_and_skips_known_keys(admin, users):
    # given one event already recorded under its key
    from clientela.activities.services import _COPIED, activity_record_bulk_keyed

    party = make_party(relationship_kind="customer")
    first = activity_record_bulk_keyed(
        actor=admin,
        items=[
            TouchpointIn(
                party_id=party.pk,
                kind="website_visit",
                occurred_at=AT,
                external_id="k-1",
                subject="Pricing",
                properties={"page": "/pricing", "n": [1, 2]},
                staff_id=users["support_agent"].pk,
            )
        ],
    )

    # when a batch repeats it with a new one (the COPY path on PostgreSQL, the ORM on SQLite)
    outcomes = activity_record_bulk_keyed(
        actor=admin,
        items=[
            TouchpointIn(party_id=party.pk, kind="chat", occurred_at=AT, external_id="k-2"),
            TouchpointIn(
                party_id=party.pk, kind="website_visit", occurred_at=AT, external_id="k-1"
            ),
        ],
    )

    # then the known key is reported unchanged and every column of both rows is stored
    assert [(o.public_id == first[0].public_id, o.created) for o in outcomes] == [
        (False, True),
        (True, False),
    ]
    assert set(_COPIED) == {f.attname for f in Activity._meta.concrete_fields} - {"id"}
    rows = {
        a.external_id: (
            a.kind, a.channel, a.direction, a.subject, a.body, a.properties, a.staff_id,
            a.occurred_at, a.relationship_id, a.public_id.startswith("act_"),
        )
        for a in Activity.objects.all()
    }  # fmt: skip
    rel = party.relationships.get().pk
    assert rows == {
        "k-1": (
            "website_visit", "web", "inbound", "Pricing", "", {"page": "/pricing", "n": [1, 2]},
            users["support_agent"].pk, AT, rel, True,
        ),
        "k-2": ("chat", "chat", "inbound", "", "", {}, None, AT, rel, True),
    }  # fmt: skip
