"""Imports: parties, orders (our CSV or Shopify's export) and activities.

Every import goes through the same services as the UI (party_create, order_record,
activity_log), so validation, permissions and the audit trail are identical. Guarantees
(see `report.plans_apply`): every row is validated first and every rejected row is
reported with its file line and a reason naming the column; rows that conflict with each
other inside the file are rejected too; without `skip_invalid` one bad row means nothing is
written; the apply step is one transaction; re-importing the same file changes nothing.
"""

from __future__ import annotations

from clientela.accounts.permissions import Action, authorize
from clientela.core.errors import ApplicationError, validation_error
from clientela.transfer.csv_formats import CsvRow, parse_choice, parse_datetime
from clientela.transfer.orders_rows import OrderApplier, PartyFinder, order_rows_plan
from clientela.transfer.parties_rows import UserCache, party_plan_apply, party_rows_plan
from clientela.transfer.report import (
    VALIDATING,
    ImportReport,
    Plan,
    ProgressFn,
    Rejections,
    plans_apply,
    reason_of,
)
from clientela.transfer.shopify import shopify_rows_plan


def parties_import(
    *, actor, rows: list[CsvRow], skip_invalid: bool = False, progress: ProgressFn = None
) -> ImportReport:
    """Create the parties of a parties CSV (rows matching an existing party: unchanged)."""
    authorize(actor, Action.IMPORT)
    report = ImportReport(entity="parties", rows=len(rows))
    rejections = Rejections()
    plans = party_rows_plan(rows, rejections, progress)
    _validated(progress, rows)
    return plans_apply(
        report=report,
        plans=plans,
        rejections=rejections,
        apply_one=lambda plan: party_plan_apply(plan, actor=actor),
        skip_invalid=skip_invalid,
        progress=progress,
    )


def orders_import(
    *,
    actor,
    rows: list[CsvRow],
    skip_invalid: bool = False,
    create_parties: bool = False,
    progress: ProgressFn = None,
) -> ImportReport:
    """Record the orders of an orders CSV. An unknown payer rejects its order unless
    `create_parties`, which creates it as a customer (and unknown consumers as people)."""
    authorize(actor, Action.IMPORT)
    report = ImportReport(entity="orders", rows=len(rows))
    rejections = Rejections()
    plans = order_rows_plan(rows, rejections, create_parties=create_parties)
    _validated(progress, rows)
    return plans_apply(
        report=report,
        plans=plans,
        rejections=rejections,
        apply_one=OrderApplier(actor=actor, report=report),
        skip_invalid=skip_invalid,
        progress=progress,
    )


def shopify_orders_import(
    *, actor, rows: list[CsvRow], skip_invalid: bool = False, progress: ProgressFn = None
) -> ImportReport:
    """Record the orders of a Shopify orders export (mapping in `transfer.shopify`)."""
    authorize(actor, Action.IMPORT)
    report = ImportReport(entity="orders", rows=len(rows))
    rejections = Rejections()
    plans = shopify_rows_plan(rows, rejections)
    _validated(progress, rows)
    return plans_apply(
        report=report,
        plans=plans,
        rejections=rejections,
        apply_one=OrderApplier(actor=actor, report=report),
        skip_invalid=skip_invalid,
        progress=progress,
    )


def activities_import(
    *, actor, rows: list[CsvRow], skip_invalid: bool = False, progress: ProgressFn = None
) -> ImportReport:
    """Log the activities of an activities CSV on their parties' timelines; an activity
    whose external id is already recorded is unchanged."""
    from clientela.activities.models import Activity, ActivityKind, Channel, Direction

    authorize(actor, Action.IMPORT)
    report = ImportReport(entity="activities", rows=len(rows))
    rejections = Rejections()
    finder, users = PartyFinder(), UserCache()
    external_lines: dict[str, int] = {}
    plans: list[Plan] = []
    for row in rows:
        try:
            fields = _activity_fields(row, finder, users, ActivityKind, Channel, Direction)
            external_id = fields["external_id"]
            if external_id:
                if external_id in external_lines:
                    raise validation_error(
                        "external_id",
                        f"{external_id!r} also appears on line {external_lines[external_id]}",
                    )
                external_lines[external_id] = row.line
        except ApplicationError as exc:
            rejections.add(row.line, reason_of(exc))
            continue
        plans.append(Plan(lines=[row.line], data=fields))
    recorded = set(
        Activity.objects.filter(external_id__in=list(external_lines)).values_list(
            "external_id", flat=True
        )
    )
    _validated(progress, rows)
    return plans_apply(
        report=report,
        plans=plans,
        rejections=rejections,
        apply_one=lambda plan: _activity_apply(plan, actor=actor, recorded=recorded),
        skip_invalid=skip_invalid,
        progress=progress,
    )


def _activity_fields(row: CsvRow, finder, users, ActivityKind, Channel, Direction) -> dict:
    if row.extra_cells:
        raise validation_error("row", "has more cells than the header has columns")
    email, external_id = row.get("party_email"), row.get("party_external_id")
    if not (email or external_id):
        raise validation_error("party_email", "is required (or party_external_id)")
    party = finder.by_external_id(external_id) if external_id else None
    if party is None and external_id and not email:
        raise validation_error("party_external_id", f"no party has the id {external_id!r}")
    if party is None:
        party = finder.by_email(email)
        if party is None:
            raise validation_error("party_email", f"no party has the email {email!r}")
    kind = row.get("kind")
    if not kind:
        raise validation_error("kind", "is required")
    kind = parse_choice("kind", kind, ActivityKind.values)
    channel = row.get("channel")
    if channel:
        channel = parse_choice("channel", channel, Channel.values)
    subject = row.get("subject")
    if len(subject) > 200:
        raise validation_error("subject", "is longer than 200 characters")
    if len(row.get("external_id")) > 120:
        raise validation_error("external_id", "is longer than 120 characters")
    return {
        "party": party,
        "kind": kind,
        "channel": channel,
        "direction": parse_choice(
            "direction", row.get("direction"), Direction.values, default="outbound"
        ),
        "occurred_at": parse_datetime("occurred_at", row.get("occurred_at")),
        "staff": users.staff(row.get("staff")) if row.get("staff") else None,
        "subject": subject,
        "body": row.get("body"),
        "external_id": row.get("external_id") or None,
    }


def _activity_apply(plan: Plan, *, actor, recorded: set[str]) -> str:
    from clientela.activities.services import activity_log

    if plan.data["external_id"] in recorded:
        return "unchanged"
    activity_log(actor=actor, **plan.data)
    return "created"


def _validated(progress: ProgressFn, rows: list[CsvRow]) -> None:
    if progress:
        progress(VALIDATING, len(rows), len(rows))
