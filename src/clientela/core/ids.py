"""Stable public ids: a short prefix naming the entity and 20 random base32 characters.

Autoincrement integers stay internal; everything shown outside (URLs, exports, the API)
uses these, so ids never reveal volume and never change.
"""

import base64
import secrets


def new_public_id(prefix: str) -> str:
    token = base64.b32encode(secrets.token_bytes(15)).decode("ascii").lower()
    return f"{prefix}_{token}"
