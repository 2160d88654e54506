"""Who is calling: a personal API token (`Authorization: Bearer cla_...`) or the browser
session (the UI's own calls, with Django's CSRF check on unsafe methods).

Both end in `admit`, which counts the request against the caller's rate window and refuses
a read-scope token every writing method. The view then acts as `request.auth` (the user),
so every service applies that user's role and ownership rules, exactly as in the UI.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.translation import gettext as _
from ninja.security import APIKeyCookie, HttpBearer

from clientela.api.errors import ApiError
from clientela.api.models import TokenScope
from clientela.api.selectors import TokenRefused, token_authenticate
from clientela.api.services import token_mark_used

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "600/minute" -> (600, 60). Periods: second, minute, hour, day (or s, m, h, d)."""
    count, _sep, period = str(rate).strip().partition("/")
    period = period.strip().lower()
    seconds = _PERIODS.get(period) or {p[0]: s for p, s in _PERIODS.items()}.get(period)
    if not seconds or not count.strip().isdigit() or int(count) < 1:
        raise ValueError(f"CLIENTELA_API_RATE must look like 600/minute, not {rate!r}")
    return int(count), seconds


def rate_check(ident: str) -> None:
    """Fixed-window counter in Django's cache: at most N requests per window per caller;
    the N+1st gets 429 with `Retry-After` (seconds to the next window)."""
    limit, period = parse_rate(settings.API_RATE)
    now = time.time()
    window = int(now // period)
    key = f"clientela:api-rate:{ident}:{period}:{window}"
    cache.add(key, 0, timeout=period + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=period + 5)
        count = 1
    if count > limit:
        retry_after = max(1, int((window + 1) * period - now + 0.999))
        raise ApiError(
            429,
            "rate_limited",
            _("Too many requests: at most %(limit)s per %(period)s seconds. Retry later.")
            % {"limit": limit, "period": period},
            headers={"Retry-After": str(retry_after)},
        )


def admit(request: HttpRequest, user, token=None):
    """Rate-limit the caller, then refuse writes to read-scope tokens."""
    rate_check(f"token:{token.pk}" if token is not None else f"user:{user.pk}")
    if token is not None and token.scope == TokenScope.READ and request.method not in SAFE_METHODS:
        raise ApiError(
            403,
            "insufficient_scope",
            _("This token may only read: create a read-write token to change data."),
        )
    request.api_token = token
    return user


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <secret>`. A header that is present but wrong is a 401 (never
    a fall-back to the session), so a script with a revoked token learns it at once."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization")
        if not header:
            return None
        scheme, _sep, secret = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not secret.strip():
            raise ApiError(
                401,
                "unauthenticated",
                _("The Authorization header must be: Bearer <token>."),
                headers={"WWW-Authenticate": 'Bearer realm="clientela"'},
            )
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str):
        try:
            found = token_authenticate(secret=token)
        except TokenRefused as refused:
            raise ApiError(401, "unauthenticated", refused.reason) from None
        token_mark_used(token=found)
        return admit(request, found.user, found)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session. Unsafe methods must carry the CSRF token
    (`X-CSRFToken` header), checked by Django's own CSRF middleware logic."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if request.method not in SAFE_METHODS and _csrf_refused(request):
            raise ApiError(
                403,
                "csrf_failed",
                _("CSRF check failed: send the X-CSRFToken header with the session."),
            )
        return admit(request, user)

    def authenticate(self, request: HttpRequest, key):  # pragma: no cover - see __call__
        return None


def _csrf_refused(request: HttpRequest) -> bool:
    def _no_view(request, *args, **kwargs):
        return None

    middleware = CsrfViewMiddleware(lambda req: None)
    request.csrf_processing_done = False
    middleware.process_request(request)
    return middleware.process_view(request, _no_view, (), {}) is not None


def authenticate_request(request: HttpRequest):
    """For plain Django views (the schema): the same two methods; None when neither."""
    for method in AUTH:
        user = method(request)
        if user:
            request.auth = user
            return user
    return None


AUTH = [TokenAuth(), SessionAuth()]
