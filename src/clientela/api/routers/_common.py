"""Helpers every router shares: the caller, documented error statuses, path ids, lookups
of ids named in a body, and pages."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Status
from ninja.params.functions import Path

from clientela.api.schemas.common import ErrorOut
from clientela.core.errors import ApplicationError, ErrorCode, validation_error

# Statuses any operation may answer with the error shape; conditional writes add 412/428.
ERRORS = (400, 401, 403, 404, 409, 422, 429)
CONDITIONAL = (412, 428)

PathId = Annotated[str, Path(..., max_length=40, pattern=r"^[A-Za-z0-9_]+$")]
PathUsername = Annotated[str, Path(..., max_length=150, pattern=r"^[\w.@+-]+$")]


def responses(
    status: int, schema: Any, *, conditional: bool = False, also: dict | None = None
) -> dict:
    """`{status: schema}` (and `also`) plus every error status with the error shape."""
    result = {status: schema, **(also or {})}
    for code in ERRORS + (CONDITIONAL if conditional else ()):
        result.setdefault(code, ErrorOut)
    return result


def actor(request: HttpRequest):
    """The authenticated user the services act as."""
    return request.auth


def page(rows: Iterable, next_cursor: str | None, represent: Callable) -> dict:
    return {"items": [represent(row) for row in rows], "next": next_cursor}


def referenced(field: str, lookup: Callable[[], Any]):
    """Run a selector for an id named in the request body (or a filter): an unknown id is a
    422 naming the field, not a 404 (the URL itself was found)."""
    try:
        return lookup()
    except ApplicationError as exc:
        if exc.code != ErrorCode.NOT_FOUND:
            raise
        raise validation_error(field, exc.message) from exc


def party_ref(field: str, public_id: str):
    from clientela.parties.selectors import party_get

    return referenced(field, lambda: party_get(public_id=public_id))


def user_ref(field: str, username: str | None):
    from clientela.accounts.selectors import user_get

    if username is None:
        return None
    return referenced(field, lambda: user_get(username=username))


def not_found(message: str) -> ApplicationError:
    return ApplicationError(ErrorCode.NOT_FOUND, message)


def no_current_relationship() -> ApplicationError:
    return ApplicationError(ErrorCode.CONFLICT, _("This party has no current relationship."))


def created(response, body: dict, *, path: str | None = None) -> Status:
    """201 with `body`; `path` (below /api/v1/, e.g. "parties/pty_...") goes in Location."""
    if path:
        response["Location"] = reverse("api-v1:api-root") + path
    return Status(201, body)


def links_to(
    *operation_ids: str,
    status: int = 201,
    parameter: str = "public_id",
    source: str = "$response.body#/id",
) -> dict:
    """`openapi_extra` declaring OpenAPI links from this operation's `status` response to
    the operations that take the new resource's id (schemathesis follows them)."""
    links = {
        op[0].upper() + op[1:]: {"operationId": op, "parameters": {parameter: source}}
        for op in operation_ids
    }
    return {"responses": {status: {"links": links}}}
