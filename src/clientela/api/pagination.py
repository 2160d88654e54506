"""Cursor pagination for every list: `{"items": [...], "next": cursor | null}`.

Keyset, never OFFSET: the opaque cursor holds the last row's values of the ordering columns
(ending with the id), so every page costs one index range however deep, and rows inserted
while a client pages do not shift the pages it has not read. A cursor is bound to its list
and ordering: handing it to another is a 422 naming `cursor`.
"""

from __future__ import annotations

import base64
import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from pydantic import create_model

from clientela.core.errors import validation_error

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def page_schema(item_schema, name: str | None = None):
    """`{items: [item_schema], next: str | None}` as a named schema for OpenAPI."""
    from ninja import Schema

    return create_model(
        name or f"{item_schema.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        items=(list[item_schema], ...),
        next=(str | None, None),
    )


def encode_cursor(tag: str, values: list[Any]) -> str:
    raw = json.dumps([tag, [_encode(v) for v in values]], ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, tag: str, kinds: list[type]) -> list[Any]:
    """The values of a cursor made for `tag`, each checked to be of its column's type."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        found_tag, values = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if found_tag != tag or not isinstance(values, list) or len(values) != len(kinds):
            raise ValueError
        return [_decode(value, kind) for value, kind in zip(values, kinds, strict=True)]
    except (ValueError, TypeError, json.JSONDecodeError, InvalidOperation) as exc:
        raise validation_error("cursor", _("is not a cursor this list produced")) from exc


def _encode(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _decode(value, kind: type):
    if kind is datetime:
        if not isinstance(value, str):
            raise ValueError
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            raise ValueError
        return parsed
    if kind is Decimal:
        if not isinstance(value, str):
            raise ValueError
        result = Decimal(value)
        if not result.is_finite():
            raise ValueError
        return result
    if kind is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError
        return float(value)
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise ValueError
    if kind is int and abs(value) > 2**63 - 1:
        raise ValueError
    if kind is str and not isinstance(value, str):
        raise ValueError
    return value


def _column_type(model, name: str) -> type:
    field = model._meta.get_field(name)
    if field.is_relation:
        return _column_type(field.target_field.model, field.target_field.name)
    if isinstance(field, models.DateTimeField):
        return datetime
    if isinstance(field, models.DecimalField):
        return Decimal
    if isinstance(field, models.FloatField):
        return float
    if isinstance(field, models.IntegerField | models.AutoField | models.BigAutoField):
        return int
    return str


def keyset_page(
    queryset: QuerySet, *, ordering: tuple[str, ...], cursor: str | None, limit: int, tag: str
) -> tuple[list, str | None]:
    """One page of `queryset` in `ordering` (non-null columns, ending with a unique one,
    "-" for descending) after `cursor`; returns (rows, next cursor or None)."""
    names = [name.lstrip("-") for name in ordering]
    tag = f"{tag}:{','.join(ordering)}"
    if cursor:
        kinds = [_column_type(queryset.model, name) for name in names]
        values = decode_cursor(cursor, tag, kinds)
        queryset = queryset.filter(_after(ordering, values))
    rows = list(queryset.order_by(*ordering)[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows:
        next_cursor = encode_cursor(tag, [getattr(rows[-1], name) for name in names])
    return rows, next_cursor


def _after(ordering: tuple[str, ...], values: list[Any]) -> Q:
    """Rows strictly after `values` in `ordering`: (a > x) or (a = x and b > y) or ..."""
    first = ordering[0].lstrip("-")
    bound = "lte" if ordering[0].startswith("-") else "gte"
    # The redundant bound on the first column gives the planner an index range to start
    # from (as the directory does); the OR below alone makes some planners scan.
    start = Q(**{f"{first}__{bound}": values[0]})
    condition = Q(pk__in=[])
    equal = Q()
    for column, value in zip(ordering, values, strict=True):
        name = column.lstrip("-")
        lookup = "lt" if column.startswith("-") else "gt"
        condition |= equal & Q(**{f"{name}__{lookup}": value})
        equal &= Q(**{name: value})
    return start & condition
