"""What an import did, and the all-or-nothing runner every import shares.

The runner's guarantees (the quality bar "nothing half-written"):
1. every row is validated before anything is written, and every rejected row is reported
   with its file line and a reason naming the column;
2. with any rejected row and no `skip_invalid`, nothing is written;
3. the apply step runs in ONE transaction: a row the services still refuse (a journey
   guard, say) is rolled back to its savepoint and reported, and without `skip_invalid`
   the whole transaction is rolled back after every row has been tried, so the report
   still lists every refusal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from clientela.core.errors import ApplicationError, ErrorCode

ProgressFn = Callable[[str, int, int], None] | None

VALIDATING = "Validating"
IMPORTING = "Importing"


@dataclass(frozen=True)
class RejectedRow:
    line: int
    reason: str


@dataclass
class ImportReport:
    entity: str  # parties | orders | activities
    rows: int  # data rows read (blank lines excepted)
    created: int = 0
    unchanged: int = 0
    updated: int = 0
    parties_created: int = 0  # payers and consumers created by an orders import
    rejected: list[RejectedRow] = field(default_factory=list)
    applied: bool = False  # False: nothing was written

    @property
    def rejected_lines(self) -> list[int]:
        return [row.line for row in self.rejected]


@dataclass
class Plan:
    """One unit the apply step writes in one savepoint: a party, an order, an activity."""

    lines: list[int]
    data: Any


class Rejections:
    """Rejected lines and their first reason, in file order."""

    def __init__(self) -> None:
        self._by_line: dict[int, str] = {}

    def add(self, line: int, reason: str) -> None:
        self._by_line.setdefault(line, reason)

    def __contains__(self, line: int) -> bool:
        return line in self._by_line

    def __bool__(self) -> bool:
        return bool(self._by_line)

    def rows(self) -> list[RejectedRow]:
        return [RejectedRow(line, self._by_line[line]) for line in sorted(self._by_line)]


def reason_of(exc: ApplicationError) -> str:
    """A reason that names the column: validation messages already start with the field."""
    if exc.code == ErrorCode.TRANSITION_REFUSED:
        return f"stage: {exc.message}"
    return exc.message


class _RollBack(Exception):
    pass


def plans_apply(
    *,
    report: ImportReport,
    plans: Sequence[Plan],
    rejections: Rejections,
    apply_one: Callable[[Plan], str],
    skip_invalid: bool,
    progress: ProgressFn = None,
) -> ImportReport:
    """Write the valid plans (see the module docstring); `apply_one` returns the outcome
    (created, unchanged or updated) and may raise ApplicationError to refuse its plan."""
    if rejections and not skip_invalid:
        report.rejected = rejections.rows()
        return report
    counts = {"created": 0, "unchanged": 0, "updated": 0}
    try:
        with transaction.atomic():
            for index, plan in enumerate(plans, start=1):
                try:
                    with transaction.atomic():
                        outcome = apply_one(plan)
                except ApplicationError as exc:
                    for line in plan.lines:
                        rejections.add(line, reason_of(exc))
                else:
                    counts[outcome] += 1
                if progress:
                    progress(IMPORTING, index, len(plans))
            if rejections and not skip_invalid:
                raise _RollBack
    except _RollBack:
        report.rejected = rejections.rows()
        report.parties_created = 0
        return report
    report.created, report.unchanged, report.updated = (
        counts["created"],
        counts["unchanged"],
        counts["updated"],
    )
    report.rejected = rejections.rows()
    report.applied = True
    return report
