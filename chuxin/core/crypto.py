"""Secrets kept encrypted at rest: a database dump, a backup or a read replica shows tokens, not the secret.

The key is derived from CHUXIN_FIELD_ENCRYPTION_KEY (else SECRET_KEY, as for the citizen ID numbers in
chuxin.members.citizen_id) and a purpose, so one purpose's tokens cannot be read as another's. Fernet: AES-128-CBC
with an HMAC; each encryption of the same text gives a different token, so an encrypted column can be neither
searched nor compared in SQL: keep such fields to what is only read back (a robot's webhook address and secret).
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet
from django import forms
from django.conf import settings
from django.db import models

FERNET_START = "gAAAAA"  # noqa: S105 (not a secret) every Fernet token (version byte 0x80 and a timestamp) starts so in base64


@lru_cache(maxsize=16)
def _fernet(secret: str, purpose: str) -> Fernet:
    material = hashlib.sha256(f"chuxin.field.{purpose}.{secret}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(material))


def _secret() -> str:
    return settings.FIELD_ENCRYPTION_KEY or settings.SECRET_KEY


def encrypt(text: str, purpose: str) -> str:
    return _fernet(_secret(), purpose).encrypt(text.encode()).decode()


def decrypt(token: str, purpose: str) -> str:
    """The text of a token. A value saved before its column was encrypted (not a token) is returned as it is, so
    a row the migration has not reached yet still reads; a token made with another key raises InvalidToken."""
    if not token.startswith(FERNET_START):
        return token
    return _fernet(_secret(), purpose).decrypt(token.encode()).decode()


class EncryptedTextField(models.TextField):
    """Text that Python sees plain and the database holds encrypted (see the module). `max_length` bounds the
    plain text (the form and full_clean check it); the column itself is unbounded text, as tokens are longer."""

    def __init__(self, *args, purpose: str = "", **kwargs):
        self.purpose = purpose
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["purpose"] = self.purpose
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value, self.purpose)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value, self.purpose)

    def formfield(self, **kwargs):
        return super().formfield(**{"widget": forms.TextInput, **kwargs})
