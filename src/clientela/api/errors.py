"""One JSON shape for every error the API returns, mapped in this one module.

    {"code": "validation_error", "message": "...", "fields": {"email": ["..."]}}

`fields` is always present (empty when the error is not about input fields). A refused
journey move adds `rule` (the guard's name); a refused permission adds `action`.

- `ApplicationError` (a business rule, raised by a service) keeps its code and gets its
  status from `core.errors.HTTP_STATUS`;
- `ApiError` is the API's own protocol errors (authentication, scope, CSRF, preconditions,
  rate limit), raised by this app;
- ninja's input validation becomes 422 naming every bad field (`lines[0].quantity`), an
  unparsable body 400, an unknown route 404, a wrong method 405;
- anything else is caught at the boundary: database conflicts 409, values the database
  refuses 422, a busy database 503, and any other exception is logged and answered 500
  in the same shape, never with a traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DatabaseError, DataError, IntegrityError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from clientela.core.errors import ApplicationError, ErrorCode

logger = logging.getLogger("clientela.api")

# Keys of ApplicationError.extra copied into the body next to code/message/fields.
_EXTRA_KEYS = ("rule", "action", "from_stage", "to_stage")


class ApiError(Exception):
    """A protocol error of the API itself (not a business rule)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        fields: dict[str, list[str]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = str(message)
        self.fields = fields or {}
        self.headers = headers or {}
        self.extra = extra or {}


def error_body(code: str, message: str, fields=None, **extra) -> dict[str, Any]:
    return {"code": code, "message": str(message), "fields": fields or {}, **extra}


def error_response(
    status: int, code: str, message: str, fields=None, headers=None, **extra
) -> HttpResponse:
    response = JsonResponse(
        error_body(code, message, fields, **extra),
        status=status,
        content_type="application/json; charset=utf-8",
    )
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="clientela"'
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def field_name(loc: tuple | list) -> str:
    """ninja's error location as a field name: ("body", "payload", "lines", 0, "quantity")
    -> "lines[0].quantity"; ("query", "limit") -> "limit"; the whole body -> "body"."""
    parts = list(loc)
    source = parts.pop(0) if parts else "body"
    if source == "body" and parts:
        parts.pop(0)  # the view's parameter name, not part of the document
    if not parts:
        return str(source)
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name


def _validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        name = field_name(error.get("loc", ()))
        message = str(error.get("msg", "is invalid"))
        if message.startswith("Value error, "):
            message = message.removeprefix("Value error, ")
        fields.setdefault(name, [])
        if message not in fields[name]:
            fields[name].append(message)
    return fields


def _summary(fields: dict[str, list[str]]) -> str:
    return "; ".join(f"{name}: {' '.join(problems)}" for name, problems in fields.items())


def handle_exception(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The one mapping from an exception to the error response."""
    if isinstance(exc, ApiError):
        return error_response(
            exc.status, exc.code, exc.message, exc.fields, exc.headers, **exc.extra
        )
    if isinstance(exc, ApplicationError):
        extra = {key: exc.extra[key] for key in _EXTRA_KEYS if key in exc.extra}
        fields = exc.extra.get("fields") or {}
        return error_response(exc.http_status, exc.code.value, exc.message, fields, **extra)
    if isinstance(exc, NinjaValidationError):
        fields = _validation_fields(exc.errors)
        message = _("The input is invalid: %(problems)s") % {"problems": _summary(fields)}
        return error_response(422, ErrorCode.VALIDATION.value, message, fields)
    if isinstance(exc, Throttled):
        return error_response(429, "rate_limited", _("Too many requests."))
    if isinstance(exc, AuthenticationError):
        return error_response(
            401, "unauthenticated", _("Authentication required: send a Bearer token.")
        )
    if isinstance(exc, HttpError):
        if exc.status_code == 400:
            return error_response(
                400, "malformed_json", _("The request body is not valid JSON."), {}
            )
        return error_response(exc.status_code, "http_error", str(exc))
    if isinstance(exc, Http404 | ObjectDoesNotExist):
        return error_response(404, ErrorCode.NOT_FOUND.value, _("Not found."))
    if isinstance(exc, DjangoPermissionDenied):
        return error_response(403, ErrorCode.PERMISSION_DENIED.value, _("Permission denied."))
    if isinstance(exc, RequestDataTooBig):
        return error_response(413, "payload_too_large", _("The request body is too large."))
    if isinstance(exc, IntegrityError):
        logger.info("API request conflicted with existing data: %s", exc)
        return error_response(
            409, ErrorCode.CONFLICT.value, _("The request conflicts with an existing record.")
        )
    if isinstance(exc, DataError):
        logger.info("API request carried a value the database refused: %s", exc)
        return error_response(
            422, ErrorCode.VALIDATION.value, _("A value is out of the range the database holds.")
        )
    if isinstance(exc, OperationalError):
        logger.warning("API request met a busy database: %s", exc)
        return error_response(
            503, "unavailable", _("The database is busy; try again."), headers={"Retry-After": "1"}
        )
    if isinstance(exc, DatabaseError):
        logger.exception("API request failed in the database")
    else:
        logger.exception("Unexpected error in an API request")
    return error_response(
        500, "internal_error", _("An unexpected error occurred; it has been logged.")
    )


def install(api) -> None:
    """Route every exception ninja sees through `handle_exception`."""
    for exc_class in (
        Exception,
        ApiError,
        ApplicationError,
        NinjaValidationError,
        HttpError,
        Http404,
    ):
        api.add_exception_handler(exc_class, handle_exception)
