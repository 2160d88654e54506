"""Notification pages: the inbox, opening one (marks it read), marking all read, and the
admins' test email. Every view acts on the signed-in person's own notifications only."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from clientela.notifications.selectors import notification_unread_count, notifications_for_user
from clientela.notifications.services import (
    notification_mark_all_read,
    notification_mark_read,
    notification_test_email_send,
)

PAGE_SIZE = 50


@require_GET
def notification_list(request):
    unread_only = request.GET.get("show") == "unread"
    paginator = Paginator(
        notifications_for_user(user=request.user, unread=True if unread_only else None),
        PAGE_SIZE,
    )
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "unread_count": notification_unread_count(user=request.user),
        },
    )


@require_GET
def notification_open(request, public_id: str):
    """Mark the notification read and go to its link (the inbox when it has none, or when
    the link points at another site than this one or `CLIENTELA_BASE_URL`)."""
    notification = notification_mark_read(actor=request.user, public_id=public_id)
    target = notification.link
    hosts = {request.get_host(), settings.CLIENTELA_BASE_URL.split("://", 1)[-1].split("/")[0]}
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts=hosts):
        return redirect(target)
    return redirect("notifications:list")


@require_POST
def notification_read_all(request):
    count = notification_mark_all_read(actor=request.user)
    messages.success(
        request,
        ngettext(
            "%(count)d notification marked read.", "%(count)d notifications marked read.", count
        )
        % {"count": count},
    )
    return redirect("notifications:list")


@require_POST
def notification_test_email(request):
    notification = notification_test_email_send(actor=request.user)
    messages.success(
        request,
        _("A test email to %(email)s is queued; the worker sends it.")
        % {"email": notification.email},
    )
    return redirect("web:settings")
