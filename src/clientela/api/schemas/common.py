"""What every schema shares: the error shape, strict input, and storable text."""

from __future__ import annotations

from typing import Annotated, Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field, field_validator

from clientela.api.pagination import DEFAULT_LIMIT, MAX_LIMIT


class ErrorOut(Schema):
    """Every error: a stable `code`, a sentence for people, and per-field messages."""

    code: str
    message: str
    fields: dict[str, list[str]]
    rule: str | None = Field(None, description="The guard that refused a journey move.")


def _storable(value: Any) -> Any:
    """Text the databases can store: no NUL character, no lone surrogate."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(_("must not contain the NUL character"))
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise ValueError(_("is not valid Unicode text")) from exc
    elif isinstance(value, list | tuple):
        for item in value:
            _storable(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _storable(key)
            _storable(item)
    return value


class In(Schema):
    """A request body: unknown fields are refused (a typo never passes silently), and every
    text must be storable."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_storable(cls, value):
        return _storable(value)


class ListQuery(Schema):
    """`cursor` and `limit`, shared by every list."""

    model_config = ConfigDict(extra="forbid")

    cursor: str | None = Field(None, max_length=2000, description="`next` of the previous page.")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)

    @field_validator("*", mode="after")
    @classmethod
    def _text_is_storable(cls, value):
        return _storable(value)


PublicId = Annotated[str, Field(min_length=1, max_length=40)]
Username = Annotated[str, Field(min_length=1, max_length=150)]
