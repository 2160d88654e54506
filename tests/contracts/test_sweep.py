"""The contracts sweep: expires ended contracts, reminds of renewals and notice deadlines
exactly once."""

from __future__ import annotations

import datetime as dt

from clientela.clientdesk.settings import desk_settings_update
from clientela.contracts.models import Contract, ContractReminder
from clientela.contracts.sweeps import contracts_sweep
from clientela.notifications.models import Notification
from clientela.notifications.sweeps import sweeps_registered
from tests.contracts.conftest import draft, signed


def _at(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0), tzinfo=dt.UTC)


def test_sweep_is_registered():
    assert "contracts.renewals" in sweeps_registered()


def test_sweep_expires_signed_and_active_contracts_past_their_end(users, own_rel):
    ended = signed(own_rel, None, end_on=dt.date(2027, 3, 31))
    ended_active = signed(own_rel, None, active=True, end_on=dt.date(2027, 3, 31))
    last_day = signed(own_rel, None, end_on=dt.date(2027, 4, 1))
    open_ended = signed(own_rel, None, end_on=None)
    old_draft = draft(own_rel, None, end_on=dt.date(2027, 1, 31))
    contracts_sweep(now=_at(dt.date(2027, 4, 1)))
    statuses = dict(Contract.objects.values_list("public_id", "status"))
    assert [
        statuses[c.public_id] for c in (ended, ended_active, last_day, open_ended, old_draft)
    ] == [
        "expired",
        "expired",
        "signed",
        "signed",
        "draft",
    ]
    amendment = ended.amendments.first()
    assert (amendment.changes["status"], amendment.note, amendment.actor_id) == (
        ["signed", "expired"],
        "expired",
        None,
    )
    contracts_sweep(now=_at(dt.date(2027, 4, 2)))
    assert ended.amendments.filter(note="expired").count() == 1


def test_renewal_and_notice_reminders_are_sent_once_each(users, own_rel):
    manager = users["account_manager"]
    contract = signed(own_rel, None, end_on=dt.date(2027, 12, 31), notice_days=30)
    # 62 days before: nothing yet (warning is 60 days).
    assert contracts_sweep(now=_at(dt.date(2027, 10, 30))) == 0
    assert contracts_sweep(now=_at(dt.date(2027, 11, 1))) == 1
    assert contracts_sweep(now=_at(dt.date(2027, 11, 1))) == 0
    assert contracts_sweep(now=_at(dt.date(2027, 11, 20))) == 0
    assert contracts_sweep(now=_at(dt.date(2027, 12, 1))) == 1  # the notice deadline
    assert contracts_sweep(now=_at(dt.date(2027, 12, 2))) == 0
    rows = list(
        Notification.objects.order_by("id").values_list("key", "kind", "user_id", "subject", "link")
    )
    assert rows == [
        (
            f"contract-renewal:{contract.public_id}:2027-12-31",
            "contract_renewal",
            manager.pk,
            "Contract renewal on 2027-12-31: Olga Kowalska",
            f"/desk/contracts/{contract.public_id}/",
        ),
        (
            f"contract-notice:{contract.public_id}:2027-12-01",
            "contract_notice",
            manager.pk,
            "Notice deadline on 2027-12-01: Olga Kowalska",
            f"/desk/contracts/{contract.public_id}/",
        ),
    ]
    assert ContractReminder.objects.count() == 2


def test_a_new_renewal_date_is_reminded_again(users, own_rel):
    from clientela.contracts.services import contract_update

    contract = signed(own_rel, None, end_on=dt.date(2027, 12, 31), notice_days=0)
    assert contracts_sweep(now=_at(dt.date(2027, 12, 1))) == 1
    contract_update(actor=None, contract=contract, note="extended", end_on=dt.date(2028, 1, 15))
    assert contracts_sweep(now=_at(dt.date(2027, 12, 2))) == 1
    assert sorted(ContractReminder.objects.values_list("on", flat=True)) == [
        dt.date(2027, 12, 31),
        dt.date(2028, 1, 15),
    ]


def test_warning_days_follow_the_desk_setting_and_clients_without_owner_are_skipped(users, own_rel):
    from tests.factories import make_party

    nobody = make_party(relationship_kind="client", stage="consideration").relationships.get()
    signed(nobody, None, end_on=dt.date(2027, 12, 31))
    signed(own_rel, None, end_on=dt.date(2027, 12, 31), notice_days=10)
    desk_settings_update(actor=None, renewal_warning_days=10)
    assert contracts_sweep(now=_at(dt.date(2027, 12, 20))) == 0
    assert contracts_sweep(now=_at(dt.date(2027, 12, 21))) == 2  # renewal and notice
    assert Notification.objects.filter(user=users["account_manager"]).count() == 2
