"""Engine results as plain, comparable Python values (engines differ in pandas dtypes only)."""

from __future__ import annotations

import datetime
import math

import pandas as pd


def plain(value):
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        if value.tzinfo is None:
            return value.date() if value == value.normalize() else value.to_pydatetime()
        return value.tz_convert("UTC").to_pydatetime()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def records(frame: pd.DataFrame, order_by: list[str]) -> list[dict]:
    """The rows as dicts of plain values, sorted by `order_by`."""
    rows = [
        {column: plain(value) for column, value in row.items()} for row in frame.to_dict("records")
    ]
    return sorted(rows, key=lambda row: tuple(_key(row[c]) for c in order_by))


def _key(value):
    return (value is None, value if value is not None else 0)


def assert_rows(actual: list[dict], expected: list[dict]) -> None:
    """Row by row: floats equal to 1e-9 relative, everything else (ints, text, dates) exactly."""
    assert len(actual) == len(expected), (len(actual), len(expected))
    for got, want in zip(actual, expected, strict=True):
        assert got.keys() == want.keys(), (got, want)
        for column, value in want.items():
            if isinstance(value, float) and got[column] is not None:
                assert math.isclose(got[column], value, rel_tol=1e-9, abs_tol=1e-15), (
                    column,
                    got,
                    want,
                )
            else:
                assert got[column] == value, (column, got, want)


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
