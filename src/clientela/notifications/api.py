"""Notifications: the REST endpoints under /api/v1/notifications.

The caller's own notifications only: another person's id is a 404, exactly like an id that
does not exist.
"""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from clientela.api.pagination import keyset_page, page_schema
from clientela.api.routers._common import PathId, actor, page, responses
from clientela.api.schemas.common import ListQuery
from clientela.notifications.selectors import notifications_for_user
from clientela.notifications.services import notification_mark_all_read, notification_mark_read

router = Router(tags=["Notifications"])


class NotificationOut(Schema):
    id: str
    kind: str
    subject: str
    body: str
    link: str = Field(description="A site path or URL the notification is about ('' if none).")
    created_at: datetime
    read_at: datetime | None
    email_status: str = Field(description="none (in-app only), queued, sending, sent or failed.")


class NotificationQuery(ListQuery):
    unread: bool | None = Field(
        None, description="true: only unread ones; false: only read ones; absent: all."
    )


class ReadAllOut(Schema):
    marked: int = Field(description="How many notifications were unread and are now read.")


NotificationPage = page_schema(NotificationOut)


def notification_out(row) -> dict:
    return {
        "id": row.public_id,
        "kind": row.kind,
        "subject": row.subject,
        "body": row.body,
        "link": row.link,
        "created_at": row.created_at,
        "read_at": row.read_at,
        "email_status": row.email_status,
    }


@router.get("", response=responses(200, NotificationPage), operation_id="listNotifications")
def list_notifications(request: HttpRequest, query: Query[NotificationQuery]):
    """Your notifications, newest first; `unread=true` for the unread ones only."""
    rows, next_cursor = keyset_page(
        notifications_for_user(user=actor(request), unread=query.unread),
        ordering=("-created_at", "-id"),
        cursor=query.cursor,
        limit=query.limit,
        tag="notifications",
    )
    return page(rows, next_cursor, notification_out)


@router.post(
    "/read-all", response=responses(200, ReadAllOut), operation_id="markAllNotificationsRead"
)
def read_all(request: HttpRequest):
    """Mark every unread notification of yours read."""
    return {"marked": notification_mark_all_read(actor=actor(request))}


@router.post(
    "/{public_id}/read",
    response=responses(200, NotificationOut),
    operation_id="markNotificationRead",
)
def read_one(request: HttpRequest, public_id: PathId):
    """Mark one of your notifications read (already read: unchanged, same answer)."""
    return notification_out(notification_mark_read(actor=actor(request), public_id=public_id))
