from __future__ import annotations

import pytest

from clientela.accounts.models import Role
from clientela.core.errors import ApplicationError
from clientela.parties.models import ContactPoint, Party, Relationship
from clientela.transfer.report import RejectedRow
from clientela.transfer.services import parties_import
from tests.factories import UserFactory
from tests.transfer.helpers import rows_of

GOOD = """
    kind,given_name,family_name,organisation_name,email,tags,marketing_consent,relationship_kind,stage,external_id
    person,Ana,Popescu,,ana@example.com,vip;coffee,yes,customer,purchase,crm-1
    organisation,,,Acme SRL,office@acme.example,,no,client,consideration,crm-2
    person,Ion,,,,,,,,crm-3
"""

ONE_BAD = """
    given_name,family_name,email,relationship_kind,stage
    Ana,Popescu,ana@example.com,customer,awareness
    Ion,Ionescu,not-an-email,customer,awareness
    ,,nobody@example.com,,
    Maria,Lupu,maria@example.com,customer,onboarding
"""


def test_parties_import_creates_every_row_with_its_fields(db):
    # given a valid file of three parties
    rows = rows_of("parties", GOOD)

    # when it is imported
    report = parties_import(actor=None, rows=rows)

    # then every party exists with its contact points, tags, consent and relationship
    assert (report.applied, report.created, report.unchanged, report.rejected) == (
        True,
        3,
        0,
        [],
    )
    ana = Party.objects.get(external_id="crm-1")
    assert ana.display_name == "Ana Popescu"
    assert sorted(ana.tags.values_list("name", flat=True)) == ["coffee", "vip"]
    assert (ana.marketing_consent, ana.consent_source) == (True, "import")
    assert list(ContactPoint.objects.filter(party=ana).values_list("normalized", flat=True)) == [
        "ana@example.com"
    ]
    acme = Party.objects.get(external_id="crm-2")
    assert (acme.kind, acme.display_name) == ("organisation", "Acme SRL")
    assert list(
        Relationship.objects.filter(is_current=True)
        .order_by("party__external_id")
        .values_list("party__external_id", "kind", "stage")
    ) == [
        ("crm-1", "customer", "purchase"),
        ("crm-2", "client", "consideration"),
    ]
    assert Party.objects.get(external_id="crm-3").display_name == "Ion"


def test_one_bad_row_means_nothing_is_imported_and_every_bad_row_is_reported(db):
    # given a file with two bad rows among good ones, and a row a journey guard refuses
    rows = rows_of("parties", ONE_BAD)

    # when it is imported without --skip-invalid
    report = parties_import(actor=None, rows=rows)

    # then nothing is written and every rejected line is named with its reason
    assert report.applied is False
    assert Party.objects.count() == 0
    assert report.rejected == [
        RejectedRow(3, "email: 'not-an-email' is not a valid email address"),
        RejectedRow(4, "given_name: a person needs a given_name or a family_name"),
        RejectedRow(
            5, "stage: 'onboarding' is not one of awareness, consideration, purchase, retention"
        ),
    ]


def test_skip_invalid_imports_only_the_good_rows(db):
    # given the same file
    rows = rows_of("parties", ONE_BAD)

    # when it is imported with skip_invalid
    report = parties_import(actor=None, rows=rows, skip_invalid=True)

    # then only the good row is written and the bad ones are still reported
    assert (report.applied, report.created, report.rejected_lines) == (True, 1, [3, 4, 5])
    assert list(Party.objects.values_list("display_name", flat=True)) == ["Ana Popescu"]


def test_rows_refused_by_a_service_are_reported_and_roll_everything_back(db):
    # given a client row in onboarding without an owner (the journey guard refuses it)
    rows = rows_of(
        "parties",
        """
        given_name,relationship_kind,stage
        Ana,customer,awareness
        Maria,client,onboarding
        """,
    )

    # when it is imported
    report = parties_import(actor=None, rows=rows)

    # then the refusal names the stage, and the good row was rolled back too
    assert report.applied is False
    assert report.rejected == [
        RejectedRow(
            3, "stage: A client enters onboarding only with an account manager: assign one first."
        )
    ]
    assert Party.objects.count() == 0


def test_rows_conflicting_inside_the_file_are_rejected(db):
    # given two different parties with the same email, and an external id used twice
    rows = rows_of(
        "parties",
        """
        given_name,email,external_id
        Ana,ana@example.com,a
        Anna,ANA@example.com,b
        Ion,ion@example.com,a
        """,
    )

    # when it is imported
    report = parties_import(actor=None, rows=rows, skip_invalid=True)

    # then the later rows of each conflict are rejected, naming the first line
    assert report.rejected == [
        RejectedRow(
            3, "email: 'ana@example.com' also appears on line 2; two parties cannot share an email"
        ),
        RejectedRow(4, "external_id: 'a' also appears on line 2"),
    ]
    assert report.created == 1


def test_reimporting_the_same_file_changes_nothing(db):
    # given a file already imported once
    parties_import(actor=None, rows=rows_of("parties", GOOD))

    # when it is imported again
    report = parties_import(actor=None, rows=rows_of("parties", GOOD))

    # then every row is unchanged and nobody is duplicated
    assert (report.applied, report.created, report.unchanged) == (True, 0, 3)
    assert Party.objects.count() == 3


def test_owner_must_be_a_user_who_may_own_relationships(db):
    # given an account manager and a viewer
    UserFactory(username="maria", role=Role.ACCOUNT_MANAGER)
    UserFactory(username="victor", role=Role.VIEWER)
    rows = rows_of(
        "parties",
        """
        given_name,relationship_kind,owner,stage
        Ana,client,maria,onboarding
        Ion,client,victor,awareness
        Eva,client,nobody,awareness
        Dan,,maria,
        """,
    )

    # when the file is imported with skip_invalid
    report = parties_import(actor=None, rows=rows, skip_invalid=True)

    # then only the owned client is created, the rest rejected naming the owner column
    assert report.rejected == [
        RejectedRow(3, "owner: 'victor' cannot own relationships (role viewer)"),
        RejectedRow(4, "owner: no user is named 'nobody'"),
        RejectedRow(5, "owner: needs a relationship_kind (client or customer)"),
    ]
    assert Relationship.objects.get().owner.username == "maria"


def test_import_needs_the_import_permission(db):
    # given a marketer
    marketer = UserFactory(role=Role.MARKETER)

    # when they import, then the import is refused before reading anything
    with pytest.raises(ApplicationError) as refused:
        parties_import(actor=marketer, rows=rows_of("parties", GOOD))
    assert refused.value.extra == {"action": "data.import"}
