"""Encryption at rest for personal data (reporters' names and phone numbers).

Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``, with MultiFernet so keys can be rotated: the first
key in FIELD_ENCRYPTION_KEYS encrypts, all of them decrypt. The embedded dev run derives a key from
SECRET_KEY; production must give its own keys (settings refuses to start without them).
"""

import base64
import hashlib
import hmac
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@cache
def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        digest = hashlib.sha256(b"doantu-field-key:" + settings.SECRET_KEY.encode()).digest()
        keys = [base64.urlsafe_b64encode(digest).decode()]
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def encrypt(text: str) -> str:
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong or missing key must be loud, never an empty name
        raise ValueError("Không giải mã được dữ liệu: sai khóa mã hóa (FIELD_ENCRYPTION_KEYS).") from exc


def keyed_digest(*parts: str) -> str:
    """A keyed hash for checking a secret without storing it (e.g. the last digits of a phone number)."""
    message = "\x1f".join(parts).encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted. It cannot be searched or ordered by in the database, by design."""

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)
