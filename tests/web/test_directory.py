"""The directory: prefix search, filters, keyset pagination, htmx partials."""

from __future__ import annotations

import pytest

from clientela.parties.services import party_set_tags
from tests.factories import make_party


@pytest.fixture
def book(users, customer, client_of_manager):
    prospect = make_party(given_name="Diego", family_name="Sánchez", emails=["ds@shop.example"])
    party_set_tags(actor=None, party=customer, tags=["vip"])
    return {"customer": customer, "client": client_of_manager, "prospect": prospect}


def _names(response):
    return [p.display_name for p in response.context["page"].rows]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("car", ["Carmen García"]),
        ("garc", ["Carmen García"]),
        ("GARCÍA", ["Carmen García"]),
        ("now", ["Marek Nowak"]),
        ("marek@ex", ["Marek Nowak"]),
        ("ds@", ["Diego Sánchez"]),
        ("sanch", ["Diego Sánchez"]),
        ("zzz", []),
    ],
)
def test_search_by_name_family_name_or_email_prefix(login, book, query, expected):
    response = login("viewer").get("/parties/", {"q": query})

    assert response.status_code == 200
    assert _names(response) == expected


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, ["Carmen García", "Diego Sánchez", "Marek Nowak"]),
        ({"kind": "client"}, ["Marek Nowak"]),
        ({"kind": "customer"}, ["Carmen García"]),
        ({"kind": "none"}, ["Diego Sánchez"]),
        ({"stage": "consideration"}, ["Carmen García", "Marek Nowak"]),
        ({"stage": "purchase"}, []),
        ({"tag": "vip"}, ["Carmen García"]),
    ],
)
def test_filters(login, book, params, expected):
    assert _names(login("viewer").get("/parties/", params)) == expected


def test_filter_by_owner(login, users, book):
    response = login("viewer").get("/parties/", {"owner": users["manager"].pk})

    assert _names(response) == ["Marek Nowak"]


def test_rows_show_kind_stage_owner_and_email(login, book):
    content = login("viewer").get("/parties/").content.decode()

    assert '<span class="badge badge-client">Client</span>' in content
    assert '<span class="badge badge-customer">Customer</span>' in content
    assert '<span class="badge badge-none">No relationship</span>' in content
    assert "carmen@example.test" in content


def test_keyset_pagination_gives_every_party_once_in_name_order(login, users):
    for n in range(120):
        make_party(given_name=f"Person{n:03d}", family_name="Test")
    client = login("viewer")

    seen, cursor, pages = [], None, 0
    while True:
        params = {"cursor": cursor} if cursor else {}
        response = client.get("/parties/", params)
        seen += _names(response)
        pages += 1
        cursor = response.context["page"].next_cursor
        if not cursor:
            break

    assert pages == 3
    assert seen == [f"Person{n:03d} Test" for n in range(120)]


def test_load_more_with_htmx_returns_only_the_next_rows(login, users):
    for n in range(55):
        make_party(given_name=f"Person{n:03d}", family_name="Test")
    client = login("viewer")
    first = client.get("/parties/")
    cursor = first.context["page"].next_cursor

    more = client.get(
        "/parties/", {"cursor": cursor}, headers={"hx-request": "true", "hx-target": "more-rows"}
    )

    assert [t.name for t in more.templates][0] == "web/partials/directory_rows.html"
    assert _names(more) == [f"Person{n:03d} Test" for n in range(50, 55)]
    assert b"<html" not in more.content
    assert b'id="more-rows"' not in more.content
    assert f'?cursor={cursor}"'.encode() in first.content


def test_search_as_you_type_returns_the_results_partial(login, book):
    response = login("viewer").get(
        "/parties/", {"q": "car"}, headers={"hx-request": "true", "hx-target": "results"}
    )

    assert [t.name for t in response.templates][0] == "web/partials/directory_results.html"
    assert b"<html" not in response.content
    assert _names(response) == ["Carmen García"]


def test_a_bad_cursor_is_a_clear_error_not_a_500(login, book):
    response = login("viewer").get("/parties/", {"cursor": "not-a-cursor"})

    assert response.status_code == 422
    assert "cursor: is not a cursor this directory produced" in response.content.decode()
