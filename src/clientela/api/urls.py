"""URLs of the API: /api/v1/ (ninja), /api/docs, and a JSON 404 for anything else under
/api/. Included from clientela.config.urls."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path, re_path

from clientela.api.main import api
from clientela.api.views import docs, guarded, schema_guard, unknown


def _guard(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            _guard(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            view = pattern.callback
            if pattern.name == "openapi-json":
                view = schema_guard(view)
            pattern.callback = guarded(view)
    return patterns


_patterns, _app_name, _namespace = api.urls

urlpatterns = [
    path("api/v1/", (_guard(_patterns), _app_name, _namespace)),
    path("api/docs", docs, name="api-docs"),
    re_path(r"^api/(?P<rest>.*)$", unknown),
]
