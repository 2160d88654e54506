"""Plain Django views around the API: the browsable docs (signed-in users), the schema
(token or session), and the JSON 404 for unknown paths under /api/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required, login_required
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from clientela.api.errors import ApiError, error_response, handle_exception


@require_GET
@login_required
def docs(request: HttpRequest):
    """Swagger UI from the files django-ninja ships (no CDN), reading /api/v1/openapi.json
    with the session."""
    from clientela.api.main import api

    return api.docs.render_page(request, api)


@login_not_required
def unknown(request: HttpRequest, rest: str = ""):
    return error_response(404, "not_found", _("There is no such API endpoint."))


def guarded(view):
    """Wrap a view mounted under /api/v1/: exempt from the site's login redirect (the API
    answers 401 in JSON instead), a wrong method answered in the error shape, and any
    exception that escapes ninja still answered in the error shape."""

    def wrapper(request, *args, **kwargs):
        try:
            response = view(request, *args, **kwargs)
        except Exception as exc:  # noqa: BLE001 - the boundary: nothing escapes as HTML
            return handle_exception(request, exc)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            answer = error_response(
                405,
                "method_not_allowed",
                _("This endpoint does not accept %(method)s.") % {"method": request.method},
            )
            answer["Allow"] = allowed
            return answer
        return response

    wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)
    wrapper.login_required = False
    return login_not_required(wrapper)


def schema_guard(view):
    """The schema needs a token or the session, like every endpoint."""
    from clientela.api.auth import authenticate_request

    def wrapper(request, *args, **kwargs):
        try:
            if authenticate_request(request) is None:
                raise ApiError(
                    401, "unauthenticated", _("Authentication required: send a Bearer token.")
                )
        except ApiError as exc:
            return handle_exception(request, exc)
        return view(request, *args, **kwargs)

    return wrapper
