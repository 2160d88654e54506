"""Classification pages: the list of relationships whose behaviour differs from their
recorded kind. Every signed-in role may read it."""

from __future__ import annotations

from django.shortcuts import render
from django.views.decorators.http import require_GET

from clientela.growth.selectors import mismatch_page


@require_GET
def mismatches(request):
    kind = request.GET.get("kind") or None
    try:
        number = max(int(request.GET.get("page", 1)), 1)
    except ValueError:
        number = 1
    page = mismatch_page(kind=kind, page=number)
    return render(request, "web/mismatches.html", {"page": page, "kind": kind or ""})
