from __future__ import annotations

from datetime import UTC, datetime

from clientela.accounts.models import Role
from clientela.activities.models import Activity
from clientela.transfer.report import RejectedRow
from clientela.transfer.services import activities_import
from tests.factories import UserFactory, make_party
from tests.transfer.helpers import rows_of

ACTIVITIES = """
    party_email,party_external_id,kind,channel,direction,occurred_at,staff,subject,external_id
    ana@example.com,,call,,outbound,2024-06-01T09:00:00,maria,Quarterly check-in,a-1
    ,crm-9,meeting_in_person,,inbound,2024-06-02T15:00:00+02:00,,Visit,a-2
    ghost@example.com,,call,,,2024-06-03T10:00:00,,Hello,a-3
    ana@example.com,,dance,,,2024-06-03T10:00:00,,Hello,a-4
    ana@example.com,,note,,,2024-06-03T10:00:00,nobody,Hello,a-5
    ana@example.com,,note,,,2024-06-03T10:00:00,,Hello,a-1
"""


def test_activities_import_logs_valid_rows_and_names_every_rejected_one(db):
    # given two parties and an account manager
    maria = UserFactory(username="maria", role=Role.ACCOUNT_MANAGER)
    ana = make_party(given_name="Ana", emails=["ana@example.com"])
    ion = make_party(given_name="Ion", external_id="crm-9")

    # when the file is imported with skip_invalid
    report = activities_import(
        actor=None, rows=rows_of("activities", ACTIVITIES), skip_invalid=True
    )

    # then the two good rows are logged and the four bad ones rejected with reasons
    assert report.rejected == [
        RejectedRow(4, "party_email: no party has the email 'ghost@example.com'"),
        RejectedRow(
            5,
            "kind: 'dance' is not one of call, email, meeting_virtual, "
            "meeting_in_person, website_visit, social_interaction, campaign_open, "
            "campaign_click, service_call, store_visit, chat, note",
        ),
        RejectedRow(6, "staff: no user is named 'nobody'"),
        RejectedRow(7, "external_id: 'a-1' also appears on line 2"),
    ]
    assert list(
        Activity.objects.order_by("occurred_at").values_list(
            "party_id", "kind", "channel", "direction", "occurred_at", "staff_id", "subject"
        )
    ) == [
        (
            ana.pk,
            "call",
            "phone",
            "outbound",
            datetime(2024, 6, 1, 9, tzinfo=UTC),
            maria.pk,
            "Quarterly check-in",
        ),
        (
            ion.pk,
            "meeting_in_person",
            "in_person",
            "inbound",
            datetime(2024, 6, 2, 13, tzinfo=UTC),
            None,
            "Visit",
        ),
    ]

    # when the same file is imported again, then the logged rows are unchanged
    again = activities_import(actor=None, rows=rows_of("activities", ACTIVITIES), skip_invalid=True)
    assert (again.created, again.unchanged, Activity.objects.count()) == (0, 2, 2)
