"""Personal API tokens.

A token's secret (`cla_<prefix>_<key>`) is shown once, when it is created, and never stored:
the row keeps its prefix (to find it and to show it in lists) and the SHA-256 hash of the
whole secret. A token acts as its user, with that user's role, limited by its scope: a
`read` token is refused every writing method.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

SECRET_PREFIX = "cla_"


def secret_hash(secret: str) -> str:
    """The stored form of a secret: SHA-256, hex. A secret is 200 random bits, so a fast
    hash is enough (there is nothing to brute-force as with a password)."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class TokenScope(models.TextChoices):
    READ = "read", _("Read")
    WRITE = "write", _("Read and write")


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=5, choices=TokenScope.choices)
    key_prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="token_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.public_id})"

    @property
    def public_id(self) -> str:
        """The prefix as shown everywhere (lists, audit trail, `clientela tokens revoke`)."""
        return f"{SECRET_PREFIX}{self.key_prefix}"

    def is_expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or timezone.now())

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and not self.is_expired()
