"""The UI speaks the signed-in user's chosen language; the login page follows the browser.

The language is active only while the request is handled: the thread goes back to the
language it had before, so nothing that later runs on it (a task, the next request's
messages) inherits the last user's language."""

from __future__ import annotations

from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and getattr(user, "language", None):
            language = user.language
        else:
            language = translation.get_language_from_request(request)
        with translation.override(language):
            request.LANGUAGE_CODE = translation.get_language()
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
