"""Maps an ApplicationError escaping a view to a response, once for the whole web UI."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect

from clientela.core.errors import ApplicationError


class ApplicationErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, ApplicationError):
            return None
        if getattr(request, "htmx", False):
            response = HttpResponse(exception.message, status=exception.http_status)
            response["HX-Reswap"] = "none"
            response["HX-Trigger"] = _trigger(exception)
            return response
        messages.error(request, exception.message)
        referer = request.headers.get("Referer")
        if referer and request.method == "POST":
            return redirect(referer)
        return HttpResponse(exception.message, status=exception.http_status)


def _trigger(exception: ApplicationError) -> str:
    import json

    return json.dumps({"clientela:error": {"message": exception.message, **exception.extra}})
