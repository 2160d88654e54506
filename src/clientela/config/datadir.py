"""The embedded default: one data directory holds the SQLite database and the secret key.

Guarantees: the directory is created on first use; the secret key is generated once with
`secrets` and kept in a file readable only by its owner, so restarts keep sessions valid
and no secret ever lives in the repository.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def data_dir() -> Path:
    path = Path(os.environ.get("CLIENTELA_DATA_DIR", "clientela-data")).expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key() -> str:
    from_env = os.environ.get("CLIENTELA_SECRET_KEY")
    if from_env:
        return from_env
    key_file = data_dir() / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(50))
    return key_file.read_text().strip()
