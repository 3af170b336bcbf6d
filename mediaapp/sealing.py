"""Secrets mediaapp must read back (an ingest endpoint's webhook secret, for its HMAC), sealed
at rest with a key derived from SECRET_KEY.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) under a key that is the HMAC of
SECRET_KEY with this purpose's label, so the database alone never reveals a secret. Rotating
SECRET_KEY makes sealed secrets unreadable: their endpoints then refuse every callback
(invalid_signature) until they are created again.
"""

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken
from flask import current_app

PURPOSE = b"mediaapp: ingest endpoint secrets v1"


def _fernet() -> Fernet:
    secret_key = current_app.config["SECRET_KEY"]
    if isinstance(secret_key, str):
        secret_key = secret_key.encode()
    key = hmac.new(secret_key, PURPOSE, hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def seal(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


def unseal(sealed: str) -> str | None:
    """The secret, or None when it was sealed under another SECRET_KEY (or is damaged)."""
    try:
        return _fernet().decrypt(sealed.encode()).decode()
    except (InvalidToken, ValueError):
        return None
