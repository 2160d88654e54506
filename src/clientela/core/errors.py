"""One error type for every business rule, mapped to HTTP in exactly one place.

Services raise `ApplicationError(code, message, extra)`; the web middleware turns it into a
message for a person (and a status code), the API (later) into a JSON body. `extra` carries
machine-readable detail such as `{"field": "email"}` or `{"rule": "client.owner_required"}`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    VALIDATION = "validation_error"
    NOT_FOUND = "not_found"
    PERMISSION_DENIED = "permission_denied"
    CONFLICT = "conflict"
    TRANSITION_REFUSED = "transition_refused"


HTTP_STATUS = {
    ErrorCode.VALIDATION: 422,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.PERMISSION_DENIED: 403,
    ErrorCode.CONFLICT: 409,
    ErrorCode.TRANSITION_REFUSED: 409,
}


class ApplicationError(Exception):
    def __init__(self, code: ErrorCode, message: str, extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.code = ErrorCode(code)
        self.message = str(message)
        self.extra = extra or {}

    @property
    def http_status(self) -> int:
        return HTTP_STATUS[self.code]

    def __repr__(self) -> str:
        return f"ApplicationError({self.code.value!r}, {self.message!r}, {self.extra!r})"


def validation_error(field: str, problem: str) -> ApplicationError:
    """A validation failure naming the field and the problem."""
    return ApplicationError(
        ErrorCode.VALIDATION, f"{field}: {problem}", {"fields": {field: [str(problem)]}}
    )


def from_django_validation(exc) -> ApplicationError:
    """Turn a Django ValidationError (from full_clean) into an ApplicationError."""
    if hasattr(exc, "message_dict"):
        fields = {k: [str(m) for m in v] for k, v in exc.message_dict.items()}
    else:
        fields = {"__all__": [str(m) for m in exc.messages]}
    message = "; ".join(f"{k}: {' '.join(v)}" for k, v in fields.items())
    return ApplicationError(ErrorCode.VALIDATION, message, {"fields": fields})
