from __future__ import annotations

import io

from clientela.accounts.models import Role
from clientela.commerce.services import LineIn, order_record
from clientela.parties.models import Party
from clientela.transfer.csv_formats import (
    ORDER_COLUMNS,
    PARTY_COLUMNS,
    csv_rows_read,
    csv_rows_write,
)
from clientela.transfer.selectors import orders_export_rows, parties_export_rows
from clientela.transfer.services import orders_import, parties_import
from tests.factories import UserFactory, make_party


def _export(columns, rows) -> str:
    stream = io.StringIO()
    csv_rows_write(stream, columns=columns, rows=rows)
    return stream.getvalue()


def _snapshot():
    return sorted(
        (
            p.display_name,
            p.kind,
            p.language,
            p.marketing_consent,
            tuple(sorted(t.name for t in p.tags.all())),
            tuple(cp.normalized for cp in p.contact_points.all()),
            tuple(
                p.relationships.filter(is_current=True).values_list(
                    "kind", "stage", "owner__username"
                )
            ),
        )
        for p in Party.objects.all()
    )


def test_parties_export_imports_back_unchanged_and_into_an_empty_database(db):
    # given parties of every shape
    maria = UserFactory(username="maria", role=Role.ACCOUNT_MANAGER)
    make_party(
        given_name="Ana",
        family_name="Popescu",
        emails=["ana@example.com", "a@ex.com"],
        phones=["+40 721 000 111"],
        tags=["vip"],
        marketing_consent=True,
        consent_source="form",
        relationship_kind="client",
        owner=maria,
        stage="onboarding",
        language="ro",
    )
    make_party(
        kind="organisation",
        organisation_name='Acme, "the" company',
        external_id="crm-7",
        relationship_kind="customer",
    )
    make_party(given_name="Ion")
    before = _snapshot()
    text = _export(PARTY_COLUMNS, parties_export_rows())
    assert text.splitlines()[0] == ",".join(PARTY_COLUMNS)

    # when the export is imported into the same database, then nothing changes
    same = parties_import(actor=None, rows=csv_rows_read(io.StringIO(text), columns=PARTY_COLUMNS))
    assert (same.created, same.unchanged, same.rejected) == (0, 3, [])

    # when it is imported into an empty database, then the same parties come back
    Party.objects.all().delete()
    fresh = parties_import(actor=None, rows=csv_rows_read(io.StringIO(text), columns=PARTY_COLUMNS))
    assert (fresh.created, fresh.rejected) == (3, [])
    assert _snapshot() == before


def test_orders_export_has_one_row_per_line_and_imports_back_unchanged(db):
    # given an order with a gift line
    ana = make_party(given_name="Ana", emails=["ana@example.com"])
    eva = make_party(given_name="Eva", emails=["eva@example.com"])
    order_record(
        actor=None,
        payer=ana,
        currency="EUR",
        lines=[LineIn("Tea", 4), LineIn("Cake", 3, quantity=2, consumer=eva)],
    )

    # when exported
    text = _export(ORDER_COLUMNS, orders_export_rows())
    rows = csv_rows_read(io.StringIO(text), columns=ORDER_COLUMNS)

    # then the rows name the payer and (for the gift) the consumer
    assert [
        (
            r.get("payer_email"),
            r.get("consumer_email"),
            r.get("description"),
            r.get("quantity"),
            r.get("unit_price"),
        )
        for r in rows
    ] == [
        ("ana@example.com", "", "Tea", "1", "4.00"),
        ("ana@example.com", "eva@example.com", "Cake", "2", "3.00"),
    ]
    # and re-importing them changes nothing
    report = orders_import(actor=None, rows=rows)
    assert (report.created, report.unchanged, report.rejected) == (0, 1, [])
