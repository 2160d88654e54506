import pytest

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.core.models import AuditEvent
from clientela.parties.models import ContactPoint, Party
from clientela.parties.services import (
    contact_normalize,
    party_add_contact_point,
    party_create,
    party_set_consent,
    party_update,
)
from clientela.parties.text import fold, prefix_upper_bound
from tests.factories import make_party


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Łukasz Żółć", "lukasz zolc"),
        ("Grzegorz Brzęczyszczykiewicz", "grzegorz brzeczyszczykiewicz"),
        ("ŚWIĘTOSŁAW Ćwik", "swietoslaw cwik"),
        ("Ștefan Țăranu", "stefan taranu"),
        ("Șerban Ionuț Măgureanu", "serban ionut magureanu"),
        ("Îngrid Âncuța", "ingrid ancuta"),
        ("José Núñez  Peña", "jose nunez pena"),
        ("Begoña Güell", "begona guell"),
        ("  Straße ", "strasse"),
    ],
)
def test_fold_lower_cases_and_strips_polish_romanian_spanish_accents(name, folded):
    assert fold(name) == folded


@pytest.mark.parametrize(
    ("prefix", "bound"),
    [("zolc", "zold"), ("a", "b"), ("ab\U0010ffff", "ac"), ("\ud7ff", "\ue000")],
)
def test_prefix_upper_bound_is_the_next_string_in_code_point_order(prefix, bound):
    assert prefix_upper_bound(prefix) == bound


def test_prefix_range_includes_characters_beyond_the_basic_plane():
    key = "zolc \U0001f600"
    assert "zolc" <= key < prefix_upper_bound("zolc")


@pytest.mark.parametrize(
    ("kind", "value", "normalized"),
    [
        ("email", " Ana.Pop@Example.TEST ", "ana.pop@example.test"),
        ("phone", "+48 600-100-200", "+48600100200"),
        ("phone", "(021) 312 45 67", "0213124567"),
        ("phone", "021+312+4567", "0213124567"),
        ("address", "Strada Ștefan cel Mare 3,  Iași", "strada stefan cel mare 3, iasi"),
    ],
)
def test_contact_values_are_normalised_for_matching(kind, value, normalized):
    assert contact_normalize(kind, value) == normalized


@pytest.mark.parametrize(
    ("kind", "value", "field", "problem"),
    [
        ("email", "not-an-email", "email", "'not-an-email' is not a valid email address"),
        ("phone", "12-3", "phone", "'12-3' is not a valid phone number"),
        ("address", "   ", "address", "is empty"),
    ],
)
def test_bad_contact_values_name_the_field(kind, value, field, problem):
    with pytest.raises(ApplicationError) as info:
        contact_normalize(kind, value)
    assert info.value.extra == {"fields": {field: [problem]}}


def test_a_duplicate_contact_point_is_a_conflict(admin):
    party = make_party(emails=["ana@example.test"], phones=["+40 721 000 111"])

    with pytest.raises(ApplicationError) as email:
        party_add_contact_point(actor=admin, party=party, kind="email", value="ANA@example.test")
    with pytest.raises(ApplicationError) as phone:
        party_add_contact_point(actor=admin, party=party, kind="phone", value="+40721000111")

    assert (email.value.code, email.value.extra) == (
        ErrorCode.CONFLICT,
        {"fields": {"email": ["already recorded"]}},
    )
    assert phone.value.code == ErrorCode.CONFLICT
    assert ContactPoint.objects.filter(party=party).count() == 2


def test_party_create_keeps_one_of_duplicate_contacts_and_marks_the_first_primary(db):
    party = make_party(emails=["a@example.test", "A@Example.test", "b@example.test"])

    assert list(
        party.contact_points.order_by("id").values_list("value", "normalized", "is_primary")
    ) == [("a@example.test", "a@example.test", True), ("b@example.test", "b@example.test", False)]


def test_a_new_primary_contact_point_demotes_the_old_one(admin):
    party = make_party(emails=["a@example.test"])

    party_add_contact_point(
        actor=admin, party=party, kind="email", value="b@example.test", primary=True
    )

    assert list(party.contact_points.order_by("id").values_list("value", "is_primary")) == [
        ("a@example.test", False),
        ("b@example.test", True),
    ]


def test_an_overlong_label_is_a_validation_error_naming_it(admin):
    party = make_party()

    with pytest.raises(ApplicationError) as info:
        party_add_contact_point(
            actor=admin, party=party, kind="phone", value="600100200", label="x" * 41
        )

    assert list(info.value.extra["fields"]) == ["label"]
    assert ContactPoint.objects.count() == 0


def test_party_update_refreshes_display_name_and_keys(admin):
    party = make_party(given_name="Jose", family_name="Pena")

    party_update(actor=admin, party=party, given_name="José", family_name="Núñez Peña")

    party = Party.objects.get(pk=party.pk)
    assert (party.display_name, party.sort_key, party.family_key) == (
        "José Núñez Peña",
        "jose nunez pena",
        "nunez pena",
    )


def test_party_update_refuses_unknown_keys_and_leaves_the_party_as_it_was(admin):
    party = make_party(given_name="Ana", family_name="Pop")

    with pytest.raises(ApplicationError) as unknown:
        party_update(actor=admin, party=party, marketing_consent=True)
    with pytest.raises(ApplicationError) as nameless:
        party_update(actor=admin, party=party, given_name=" ", family_name="")

    assert unknown.value.extra == {"fields": {"marketing_consent": ["cannot be changed here"]}}
    assert nameless.value.extra == {
        "fields": {"given_name": ["a person needs a given or family name"]}
    }
    assert (party.given_name, party.family_name, party.display_name) == ("Ana", "Pop", "Ana Pop")
    assert AuditEvent.objects.filter(action="party.updated").count() == 0


def test_party_update_does_not_overwrite_a_concurrent_consent_change(admin):
    party = make_party()
    stale = Party.objects.get(pk=party.pk)
    party_set_consent(actor=admin, party=party, consent=True, source="newsletter form")

    party_update(actor=admin, party=stale, notes="prefers email")

    fresh = Party.objects.get(pk=party.pk)
    assert (fresh.notes, fresh.marketing_consent, fresh.consent_source) == (
        "prefers email",
        True,
        "newsletter form",
    )


def test_an_empty_external_id_is_no_external_id(admin):
    first = make_party(external_id="crm-1")
    second = make_party(given_name="Ion")

    party_update(actor=admin, party=first, external_id="")
    party_update(actor=admin, party=second, external_id="  ")

    assert list(Party.objects.order_by("id").values_list("external_id", flat=True)) == [None, None]


def test_naive_datetimes_are_refused_naming_the_field(admin):
    from datetime import datetime

    with pytest.raises(ApplicationError) as info:
        party_create(actor=admin, given_name="Ana", at=datetime(2024, 1, 1))

    assert info.value.extra == {"fields": {"at": ["needs a time zone"]}}
    assert Party.objects.count() == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"tags": "vip"}, "tags"),
        ({"emails": "a@example.test"}, "emails"),
        ({"phones": "600"}, "phones"),
    ],
)
def test_one_string_where_a_list_belongs_is_refused(admin, kwargs, field):
    with pytest.raises(ApplicationError) as info:
        party_create(actor=admin, given_name="Ana", **kwargs)

    assert list(info.value.extra["fields"]) == [field]
    assert Party.objects.count() == 0


def test_set_tags_refuses_one_string(admin):
    from clientela.parties.services import party_set_tags

    party = make_party(tags=["loyal"])

    with pytest.raises(ApplicationError) as info:
        party_set_tags(actor=admin, party=party, tags="vip")

    assert info.value.extra == {"fields": {"tags": ["must be a list of tag names, not one string"]}}
    assert list(party.tags.values_list("name", flat=True)) == ["loyal"]
