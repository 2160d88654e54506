"""Row locks for conditional writes (`If-Match`): taken before the ETag is compared, so no
other writer can change the row between the comparison and the write. A lock is a read
(`SELECT ... FOR UPDATE`); the write itself is always the domain's service. SQLite takes
its write lock at BEGIN (IMMEDIATE), which serialises writers the same way."""

from __future__ import annotations

from django.utils.translation import gettext as _

from clientela.core.errors import ApplicationError, ErrorCode


def _lock(model, message: str, **lookup) -> None:
    if not list(model.objects.select_for_update().filter(**lookup).values_list("pk", flat=True)):
        raise ApplicationError(ErrorCode.NOT_FOUND, message)


def lock_party(public_id: str) -> None:
    from clientela.parties.models import Party

    _lock(Party, _("No such party."), public_id=public_id)


def lock_relationship(public_id: str) -> None:
    from clientela.parties.models import Relationship

    _lock(Relationship, _("No such relationship."), public_id=public_id)


def lock_order(public_id: str) -> None:
    from clientela.commerce.models import Order

    _lock(Order, _("No such order."), public_id=public_id)


def lock_user(username: str) -> None:
    from clientela.accounts.models import User

    _lock(User, _("No user named %(username)s.") % {"username": username}, username=username)
