"""Backups from the party page: add and remove (the services check who may)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clientela.clientdesk.services import relationship_backup_add, relationship_backup_remove
from clientela.clientdesk.views.common import staff_by_username
from clientela.core.errors import ApplicationError, ErrorCode


def _relationship(public_id: str):
    from clientela.parties.models import Relationship

    relationship = Relationship.objects.select_related("party").filter(public_id=public_id).first()
    if relationship is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such relationship."))
    return relationship


@require_POST
def backup_add(request, public_id: str):
    relationship = _relationship(public_id)
    user = staff_by_username(request.POST.get("user") or "", field="user")
    relationship_backup_add(actor=request.user, relationship=relationship, user=user)
    messages.success(request, _("%(user)s is now a backup.") % {"user": user})
    return redirect(reverse("web:party", args=[relationship.party.public_id]))


@require_POST
def backup_remove(request, public_id: str, username: str):
    from clientela.accounts.models import User

    relationship = _relationship(public_id)
    user = User.objects.filter(username=username).first()
    if user is None:
        raise ApplicationError(ErrorCode.NOT_FOUND, _("No such user."))
    relationship_backup_remove(actor=request.user, relationship=relationship, user=user)
    messages.success(request, _("%(user)s is no longer a backup.") % {"user": user})
    return redirect(reverse("web:party", args=[relationship.party.public_id]))
