"""Settings, read from the environment.

Every value has an embedded default that needs no configuration: SQLite (WAL) in the data
directory (`CLIENTELA_DATA_DIR`, default `./clientela-data`) and a generated secret key.
`CLIENTELA_DATABASE_URL=postgres://...` switches to PostgreSQL.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from clientela.config.datadir import data_dir, secret_key

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = data_dir()
SECRET_KEY = secret_key()
DEBUG = _env_bool("CLIENTELA_DEBUG", False)
ALLOWED_HOSTS = _env_list("CLIENTELA_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("CLIENTELA_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",
    "clientela.core",
    "clientela.accounts",
    "clientela.parties",
    "clientela.journeys",
    "clientela.activities",
    "clientela.commerce",
    "clientela.analytics",
    "clientela.growth",
    "clientela.api",
    "clientela.webhooks",
    "clientela.notifications",
    "clientela.contracts",
    "clientela.onboarding",
    "clientela.checkins",
    "clientela.reviews",
    "clientela.booking",
    "clientela.clientdesk",
    "clientela.loyalty",
    "clientela.rewards",
    "clientela.coupons",
    "clientela.referrals",
    "clientela.support",
    "clientela.customerdesk",
    "clientela.web",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "clientela.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "clientela.core.middleware.ApplicationErrorMiddleware",
]

ROOT_URLCONF = "clientela.config.urls"
WSGI_APPLICATION = "clientela.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


def _database() -> dict:
    url = os.environ.get("CLIENTELA_DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        return config
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": str(DATA_DIR / "clientela.sqlite3"),
        "OPTIONS": {
            # WAL lets readers work while a writer commits; IMMEDIATE takes the write lock at
            # BEGIN, so two writers queue (busy_timeout) instead of failing mid-transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 10,
        },
        # Keep each thread's connection between requests: opening one costs more than most
        # requests (the file, the PRAGMAs above, Django's SQL functions).
        "CONN_MAX_AGE": 600,
    }


DATABASES = {"default": _database()}
# Background work (the nightly analysis): django-tasks' database backend, run by
# `clientela worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Outgoing webhooks (docs/webhooks.md): the waits between a failed attempt and the next
# (s, m, h, d), the request timeout in seconds, and after how many deliveries in a row that
# gave up a subscription is disabled. Checked at start-up (`manage.py check`).
WEBHOOK_RETRY_SCHEDULE = os.environ.get(
    "CLIENTELA_WEBHOOK_RETRY_SCHEDULE", "1m,5m,30m,2h,6h,12h,24h"
)
WEBHOOK_TIMEOUT = os.environ.get("CLIENTELA_WEBHOOK_TIMEOUT", "10")
WEBHOOK_DISABLE_AFTER = os.environ.get("CLIENTELA_WEBHOOK_DISABLE_AFTER", "20")
# REST API (docs/api.md): requests per token (or signed-in user) per fixed window, as
# "N/second|minute|hour|day"; and whether writes must carry If-Match (428 without it).
API_RATE = os.environ.get("CLIENTELA_API_RATE", "600/minute")
API_REQUIRE_IF_MATCH = _env_bool("CLIENTELA_API_REQUIRE_IF_MATCH", False)
# The largest request body read into memory, in bytes: a batch of 10,000 orders with a few
# lines each is ~10 MB of JSON (Django's default, 2.5 MB, would refuse it with 413).
DATA_UPLOAD_MAX_MEMORY_SIZE = int(
    os.environ.get("CLIENTELA_MAX_REQUEST_BYTES", str(32 * 1024 * 1024))
)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("ro", _("Romanian")),
    ("pl", _("Polish")),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("CLIENTELA_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # collectstatic's target; WhiteNoise expects it to exist
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Uploaded files (signed contract documents) live in the data directory, never under static
# or a URL of their own: they are served only by views that check who may open them.
MEDIA_ROOT = DATA_DIR / "files"
CLIENTELA_MAX_UPLOAD_BYTES = int(os.environ.get("CLIENTELA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Email: off unless CLIENTELA_SMTP_HOST is set; without it notifications are in-app only.
CLIENTELA_SMTP_HOST = os.environ.get("CLIENTELA_SMTP_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if CLIENTELA_SMTP_HOST
    else "django.core.mail.backends.dummy.EmailBackend"
)
EMAIL_HOST = CLIENTELA_SMTP_HOST or "localhost"
EMAIL_PORT = int(os.environ.get("CLIENTELA_SMTP_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("CLIENTELA_SMTP_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("CLIENTELA_SMTP_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("CLIENTELA_SMTP_STARTTLS", False)
EMAIL_USE_SSL = _env_bool("CLIENTELA_SMTP_SSL", False)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("CLIENTELA_EMAIL_FROM", "clientela@localhost")
# The address links in emails and .ics files point at (the booking and review pages).
CLIENTELA_BASE_URL = os.environ.get("CLIENTELA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

# Serve straight from the installed packages: no collectstatic step for the embedded default.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("CLIENTELA_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("CLIENTELA_LOG_LEVEL", "WARNING")},
}
