import pytest
from django.db import connection

from clientela.core.errors import ApplicationError, ErrorCode
from clientela.parties.models import Party
from clientela.parties.selectors import DirectoryFilters, directory_page
from clientela.parties.services import party_create
from tests.factories import UserFactory, make_party

NAMES = [
    ("Łukasz", "Żółć"),
    ("Zofia", "Zółkiewska"),
    ("Ștefan", "Țăranu"),
    ("José", "Núñez"),
    ("Ana", "Popescu"),
    ("Ana", "Popescu"),
    ("Ana", "Popescu"),
    ("Ana", "Pop"),
    ("Anabel", "Pérez"),
    ("Zoltán", "Kiss 😀"),
    ("Zolc", "Zolca"),
    ("Zola", "Émile"),
    ("Ola😀", ""),
]


def _names(page) -> list[str]:
    return [p.display_name for p in page.rows]


def _search(q: str, **filters) -> list[str]:
    return sorted(_names(directory_page(filters=DirectoryFilters(q=q, **filters), size=100)))


@pytest.fixture
def people(db):
    return [make_party(given_name=g, family_name=f) for g, f in NAMES]


def test_keyset_pages_list_every_party_exactly_once_in_name_order(people):
    expected = [
        p.pk for p in sorted(Party.objects.all(), key=lambda party: (party.sort_key, party.pk))
    ]
    seen, cursor, pages = [], None, 0
    while True:
        page = directory_page(filters=DirectoryFilters(), cursor=cursor, size=5)
        seen.extend(p.pk for p in page.rows)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break

    assert (seen, pages) == (expected, 3)
    assert [Party.objects.get(pk=pk).display_name for pk in expected[:6]] == [
        "Ana Pop",
        "Ana Popescu",
        "Ana Popescu",
        "Ana Popescu",
        "Anabel Pérez",
        "José Núñez",
    ]


def test_a_page_boundary_inside_equal_names_loses_and_repeats_nothing(people):
    first = directory_page(filters=DirectoryFilters(q="ana pop"), size=2)
    second = directory_page(filters=DirectoryFilters(q="ana pop"), cursor=first.next_cursor, size=2)

    ids = [p.pk for p in first.rows + second.rows]
    assert _names(first) + _names(second) == [
        "Ana Pop",
        "Ana Popescu",
        "Ana Popescu",
        "Ana Popescu",
    ]
    assert len(set(ids)) == 4
    assert second.next_cursor is None


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("zolc", ["Zolc Zolca", "Łukasz Żółć"]),
        ("ŻÓŁĆ", ["Zolc Zolca", "Łukasz Żółć"]),
        ("zol", ["Zofia Zółkiewska", "Zola Émile", "Zolc Zolca", "Zoltán Kiss 😀", "Łukasz Żółć"]),
        ("ana", ["Ana Pop", "Ana Popescu", "Ana Popescu", "Ana Popescu", "Anabel Pérez"]),
        ("ana popescu", ["Ana Popescu", "Ana Popescu", "Ana Popescu"]),
        ("pop", ["Ana Pop", "Ana Popescu", "Ana Popescu", "Ana Popescu"]),
        ("taranu", ["Ștefan Țăranu"]),
        ("nunez", ["José Núñez"]),
        ("zoltan kiss", ["Zoltán Kiss 😀"]),
        ("zoltan kiss 😀", ["Zoltán Kiss 😀"]),
        ("emile", ["Zola Émile"]),
        ("ola", ["Ola😀"]),
        ("opescu", []),
        ("zz", []),
    ],
)
def test_search_by_name_or_family_name_prefix_ignores_case_and_accents(people, q, found):
    assert _search(q) == found


def test_search_by_email_prefix(db):
    make_party(given_name="Ana", family_name="", emails=["ana.pop@example.test"])
    make_party(given_name="Ion", family_name="", emails=["ion@shop.test"])

    assert (_search("ANA.POP@"), _search("ion@"), _search("@example")) == (["Ana"], ["Ion"], [])


def test_filters_by_kind_stage_owner_tag_and_none(db):
    owner = UserFactory(username="am", role="account_manager")
    make_party(
        given_name="Client", family_name="", relationship_kind="client", owner=owner, tags=["vip"]
    )
    make_party(
        given_name="Customer", family_name="", relationship_kind="customer", stage="consideration"
    )
    make_party(given_name="Prospect", family_name="", tags=["VIP"])

    assert _search("", kind="client") == ["Client"]
    assert _search("", kind="customer") == ["Customer"]
    assert _search("", kind="none") == ["Prospect"]
    assert _search("", stage="consideration") == ["Customer"]
    assert _search("", owner_id=owner.pk) == ["Client"]
    assert _search("", tag=" Vip ") == ["Client", "Prospect"]
    assert _search("c", tag="vip") == ["Client"]


def test_rows_carry_the_current_relationship_and_the_primary_email(db):
    party_create(
        actor=None,
        given_name="Ana",
        emails=["first@example.test", "second@example.test"],
        relationship_kind="customer",
    )

    row = directory_page(filters=DirectoryFilters()).rows[0]

    assert (row.current.kind, row.primary_email) == ("customer", "first@example.test")


@pytest.mark.parametrize("cursor", ["garbage!", "WyJhIl0", "eyJhIjogMX0", "WzEsICJhIl0"])
def test_a_bad_cursor_is_a_validation_error_naming_cursor(db, cursor):
    with pytest.raises(ApplicationError) as info:
        directory_page(filters=DirectoryFilters(), cursor=cursor)

    assert info.value.code == ErrorCode.VALIDATION
    assert info.value.extra == {"fields": {"cursor": ["is not a cursor this directory produced"]}}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL column collation")
def test_search_keys_compare_by_code_point_on_postgresql(db):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, collation_name FROM information_schema.columns"
            " WHERE column_name IN ('sort_key', 'family_key', 'normalized')"
            " AND table_name IN ('parties_party', 'parties_contactpoint')"
            " ORDER BY table_name, column_name"
        )
        assert cursor.fetchall() == [
            ("parties_contactpoint", "normalized", "C"),
            ("parties_party", "family_key", "C"),
            ("parties_party", "sort_key", "C"),
        ]
