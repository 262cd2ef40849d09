"""AES-256-GCM field encryption with key ids, so keys can rotate without re-encrypting at once.

PLANNER_ENCRYPTION_KEYS is a comma-separated list of ``key_id:base64(32 bytes)``; the first
key encrypts, every key decrypts. A stored value reads ``key_id:base64(nonce || ciphertext)``.
"""

from __future__ import annotations

import base64
import binascii
import os
from typing import TYPE_CHECKING

from flask import current_app
from sqlalchemy import Text, TypeDecorator

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class EncryptionKeyError(ValueError):
    """The key configuration cannot be used."""


class FieldCipher:
    def __init__(self, spec: str):
        self.keys: dict[str, bytes] = {}
        self._aeads: dict[str, AESGCM] = {}
        self.current_id = ""
        for part in (p.strip() for p in (spec or "").split(",")):
            if not part:
                continue
            key_id, sep, encoded = part.partition(":")
            try:
                raw = base64.b64decode(encoded, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise EncryptionKeyError(f"encryption key {key_id!r} is not valid base64") from exc
            if not sep or not key_id or len(raw) != 32:
                raise EncryptionKeyError(f"encryption key {key_id!r} must be 32 bytes of base64")
            self.keys[key_id] = raw
            self.current_id = self.current_id or key_id
        if not self.keys:
            raise EncryptionKeyError("no encryption key configured")

    def _aead(self, key_id: str) -> AESGCM:
        if key_id not in self._aeads:
            # Imported on first use: the cryptography library adds about 7 MB to a process,
            # and most requests read or write no encrypted field.
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            self._aeads[key_id] = AESGCM(self.keys[key_id])
        return self._aeads[key_id]

    def encrypt(self, plaintext: str, associated_data: bytes = b"planner") -> str:
        nonce = os.urandom(12)
        sealed = self._aead(self.current_id).encrypt(nonce, plaintext.encode(), associated_data)
        return f"{self.current_id}:{base64.b64encode(nonce + sealed).decode()}"

    def decrypt(self, stored: str, associated_data: bytes = b"planner") -> str:
        key_id, _, encoded = stored.partition(":")
        raw = base64.b64decode(encoded)
        return self._aead(key_id).decrypt(raw[:12], raw[12:], associated_data).decode()


def init_app(app) -> None:
    app.extensions["planner_cipher"] = FieldCipher(app.config["ENCRYPTION_KEYS"])


def cipher() -> FieldCipher:
    return current_app.extensions["planner_cipher"]


class EncryptedText(TypeDecorator):
    """A string column stored encrypted; reads give the plaintext back."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None or value == "":
            return None
        return cipher().encrypt(str(value))

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return cipher().decrypt(value)
