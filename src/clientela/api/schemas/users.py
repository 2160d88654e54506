"""Staff users (admins only) and the caller."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from django.conf import settings
from ninja import Schema
from pydantic import Field

from clientela.accounts.models import Role
from clientela.api.schemas.common import In, ListQuery

Language = Literal[tuple(code for code, _name in settings.LANGUAGES)]  # type: ignore[valid-type]


class UserOut(Schema):
    username: str
    email: str
    first_name: str
    last_name: str
    role: str
    language: str
    is_active: bool
    date_joined: datetime
    last_login: datetime | None


class UserCreatedOut(UserOut):
    password: str | None = Field(
        description="The generated password, shown only in this response (null when given)."
    )


class UserIn(In):
    username: Annotated[str, Field(min_length=1, max_length=150, pattern=r"^[\w.@+-]+$")]
    role: Role
    email: Annotated[str, Field(max_length=254)] = ""
    password: Annotated[str, Field(min_length=1, max_length=128)] | None = Field(
        None, description="Omit to have one generated (and returned once)."
    )
    first_name: Annotated[str, Field(max_length=150)] = ""
    last_name: Annotated[str, Field(max_length=150)] = ""
    language: Language = "en"


class UserPatch(In):
    role: Role | None = None
    is_active: bool | None = None


class UserQuery(ListQuery):
    role: Literal[tuple(Role.values)] | Literal[""] = ""  # type: ignore[valid-type]
    active: bool | None = None
    order_by: Literal["username", "-date_joined", "date_joined"] = "username"


class TokenInfoOut(Schema):
    prefix: str
    name: str
    scope: str
    expires_at: datetime | None


class MeOut(Schema):
    username: str
    role: str
    language: str
    token: TokenInfoOut | None = Field(description="The token used (null: the session).")


def user_out(user) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "language": user.language,
        "is_active": user.is_active,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }
