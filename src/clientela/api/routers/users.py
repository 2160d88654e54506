"""/users (admins only: list, create, change role, deactivate) and /me (anyone: who the
token or session acts as). Writes go through accounts.services."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from clientela.accounts.permissions import Action, authorize
from clientela.accounts.selectors import user_get, user_list
from clientela.accounts.services import user_create, user_set_active, user_set_role
from clientela.api.etags import conditional_write, with_etag
from clientela.api.locks import lock_user
from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import (
    PathUsername,
    actor,
    created,
    page,
    responses,
)
from clientela.api.schemas.users import (
    MeOut,
    UserCreatedOut,
    UserIn,
    UserOut,
    UserPatch,
    UserQuery,
    user_out,
)

router = Router(tags=["users"])
me_router = Router(tags=["users"])
UserPage = page_schema(UserOut)
_ORDERINGS = {
    "username": ("username", "id"),
    "date_joined": ("date_joined", "id"),
    "-date_joined": ("-date_joined", "-id"),
}


def _get(request: HttpRequest, username: str):
    """Reading a user's record is, like listing users, for admins only."""
    authorize(actor(request), Action.USER_MANAGE)
    return user_get(username=username)


@router.get("", response=responses(200, UserPage), operation_id="listUsers")
def list_users(request: HttpRequest, query: Query[UserQuery]):
    rows, next_cursor = keyset_page(
        user_list(actor=actor(request), role=query.role, active=query.active),
        ordering=_ORDERINGS[query.order_by],
        cursor=query.cursor,
        limit=query.limit,
        tag="users",
    )
    return page(rows, next_cursor, user_out)


@router.post(
    "",
    response=responses(201, UserCreatedOut),
    operation_id="createUser",
    openapi_extra={
        "responses": {
            201: {
                "links": {
                    name: {
                        "operationId": op,
                        "parameters": {"username": "$response.body#/username"},
                    }
                    for name, op in (("GetUser", "getUser"), ("UpdateUser", "updateUser"))
                }
            }
        }
    },
)
def create_user(request: HttpRequest, response: HttpResponse, payload: UserIn):
    """Create a staff user. Without `password` one is generated and returned once."""
    user, password = user_create(actor=actor(request), **payload.model_dump())
    body = {**user_out(user_get(username=user.username))}
    with_etag(response, body)
    body["password"] = None if payload.password else password
    return created(response, body, path=f"users/{user.username}")


@router.get("/{username}", response=responses(200, UserOut), operation_id="getUser")
def get_user(request: HttpRequest, response: HttpResponse, username: PathUsername):
    return with_etag(response, user_out(_get(request, username)))


@router.patch(
    "/{username}",
    response=responses(200, UserOut, conditional=True),
    operation_id="updateUser",
)
def update_user(
    request: HttpRequest, response: HttpResponse, username: PathUsername, payload: UserPatch
):
    """Change the role and/or deactivate (reactivate) a user. Honours If-Match."""
    authorize(actor(request), Action.USER_MANAGE)
    with conditional_write(
        request, lambda: lock_user(username), lambda: user_out(_get(request, username))
    ):
        user = _get(request, username)
        if payload.role is not None:
            user_set_role(actor=actor(request), user=user, role=payload.role)
        if payload.is_active is not None:
            user_set_active(actor=actor(request), user=user, active=payload.is_active)
    return with_etag(response, user_out(user_get(username=username)))


@me_router.get("", response=responses(200, MeOut), operation_id="getMe")
def get_me(request: HttpRequest):
    """Who this request acts as, and with which token."""
    user, token = actor(request), getattr(request, "api_token", None)
    return {
        "username": user.username,
        "role": user.role,
        "language": user.language,
        "token": None
        if token is None
        else {
            "prefix": token.public_id,
            "name": token.name,
            "scope": token.scope,
            "expires_at": token.expires_at,
        },
    }
