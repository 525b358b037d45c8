"""Encrypted model fields for personal data (ID numbers, phones, addresses, draft complaints).

Why our own and not a package: the packages checked on this stack (stack.md) silently return ciphertext when the key
is wrong or rotated away. Here a value that no configured key decrypts raises ``PIIDecryptionError``: a misconfigured
server fails loudly instead of showing gibberish or, worse, writing ciphertext back encrypted twice.
Keys: settings.FIELD_ENCRYPTION_KEYS, newest first (cryptography's MultiFernet handles rotation).
"""
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models

__all__ = ["EncryptedCharField", "EncryptedTextField", "PIIDecryptionError", "pii_hash", "encrypt_str", "decrypt_str"]

PREFIX = "enc1:"


class PIIDecryptionError(RuntimeError):
    """No configured key decrypts a stored value."""


@lru_cache(maxsize=8)
def _fernet(keys: tuple) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt_str(value: str) -> str:
    return PREFIX + fernet().encrypt(value.encode("utf-8")).decode("ascii")


def decrypt_str(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise PIIDecryptionError("stored value is not in the encrypted format")
    try:
        return fernet().decrypt(stored[len(PREFIX):].encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise PIIDecryptionError("no configured FIELD_ENCRYPTION_KEYS entry decrypts this value") from exc


def pii_hash(value: str) -> str:
    """Keyed hash (HMAC-SHA256) for exact lookups and de-duplication without decrypting. Normalise first."""
    return hmac.new(settings.PII_HASH_KEY.encode(), value.encode("utf-8"), hashlib.sha256).hexdigest()


class _EncryptedMixin:
    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt_str(str(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt_str(value)

    def get_internal_type(self):
        return "TextField"

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None) if isinstance(self, EncryptedTextField) else None
        return name, path, args, kwargs


class EncryptedCharField(_EncryptedMixin, models.CharField):
    """Validated like a CharField of ``max_length``; stored encrypted in a text column (no lookups)."""

    def db_type(self, connection):
        return models.TextField().db_type(connection)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        return value


class EncryptedTextField(_EncryptedMixin, models.TextField):
    pass
