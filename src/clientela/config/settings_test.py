"""Test settings: the same settings, with a fast password hasher.

The database comes from `CLIENTELA_DATABASE_URL` exactly as in production, so the suite
runs unchanged on SQLite (default) and PostgreSQL; pytest-django creates its own database.
"""

import os
import tempfile

os.environ.setdefault("CLIENTELA_DATA_DIR", tempfile.mkdtemp(prefix="clientela-test-"))
os.environ.setdefault("CLIENTELA_SECRET_KEY", "test-only-secret-key-not-for-production")

from clientela.config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
