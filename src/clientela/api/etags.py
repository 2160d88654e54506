"""ETags and `If-Match`, so two writers cannot silently overwrite each other.

A resource's ETag is a hash of its JSON representation: whatever changes what a client
sees (a name, a tag, the current stage) changes the ETag, including changes made through
the web UI. A write that carries `If-Match` is checked with the row locked, inside the
write's transaction, so the check and the write are one step: a stale ETag is 412 and
nothing is written. Without `If-Match` the write goes ahead (last writer wins), unless
`CLIENTELA_API_REQUIRE_IF_MATCH` is on, which makes the header mandatory (428).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from contextlib import contextmanager

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from clientela.api.errors import ApiError


def etag_of(representation: dict) -> str:
    raw = json.dumps(representation, sort_keys=True, default=str, separators=(",", ":"))
    return '"' + hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32] + '"'


def with_etag(response: HttpResponse, representation: dict) -> dict:
    response["ETag"] = etag_of(representation)
    return representation


def check_if_match(request: HttpRequest, current: str) -> None:
    """412 when `If-Match` names neither `*` nor the current ETag (strong comparison: a
    weak `W/` tag never matches); 428 when it is missing and the setting requires it."""
    header = request.headers.get("If-Match")
    if header is None:
        if settings.API_REQUIRE_IF_MATCH:
            raise ApiError(
                428,
                "precondition_required",
                _("Send If-Match with the ETag you last read: this server requires it."),
            )
        return
    tags = [tag.strip() for tag in header.split(",") if tag.strip()]
    if "*" in tags or current in tags:
        return
    raise ApiError(
        412,
        "precondition_failed",
        _(
            "The resource changed since you read it (its ETag is no longer %(sent)s): read it "
            "again and retry."
        )
        % {"sent": header.strip()[:100]},
        extra={"etag": current},
    )


@contextmanager
def conditional_write(request: HttpRequest, lock: Callable[[], None], represent: Callable):
    """`with conditional_write(request, lock, represent): <call the service>` — runs in one
    transaction: lock the row, compare If-Match with the current representation's ETag,
    then the body. Without If-Match (and not required) it only wraps the write."""
    with transaction.atomic():
        if request.headers.get("If-Match") is not None or settings.API_REQUIRE_IF_MATCH:
            lock()
            check_if_match(request, etag_of(represent()))
        yield
