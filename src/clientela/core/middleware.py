"""Maps an ApplicationError escaping a view to a response, once for the whole web UI.

- htmx request: the error's status, `HX-Reswap: none` (nothing on the page changes) and an
  `HX-Trigger` event `clientela:error` carrying the message, which the base layout shows.
- ordinary POST from one of our own pages: a flash message and a redirect back to it.
- anything else: the error page with the error's status.
The redirect follows the Referer only when it points at this site, so a forged Referer can
never turn an error into an open redirect.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme

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
        referer = request.headers.get("Referer")
        if (
            request.method == "POST"
            and referer
            and url_has_allowed_host_and_scheme(
                referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            )
        ):
            messages.error(request, exception.message)
            return redirect(referer)
        return _error_page(request, exception)


def _trigger(exception: ApplicationError) -> str:
    return json.dumps({"clientela:error": {"message": exception.message, **exception.extra}})


def _error_page(request, exception: ApplicationError) -> HttpResponse:
    context = {"error": exception, "status": exception.http_status}
    try:
        body = render_to_string("web/error.html", context, request=request)
    except TemplateDoesNotExist:  # the web app is not installed (API-only deployments)
        body = exception.message
    return HttpResponse(body, status=exception.http_status)
