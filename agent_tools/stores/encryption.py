"""AES-256-GCM for values at rest: a key id on every value, the record and field as AAD.

A value is stored as ``{"$enc": "v1:<key id>:<base64 nonce+ciphertext>"}``. The
operation id and the field name are the associated data, so a value copied into
another record or field fails to decrypt instead of being read there. New values use
the newest key; older keys stay listed so what they encrypted stays readable.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from agent_tools.core.errors import AgentToolsError

MARKER = "$enc"
VERSION = "v1"
NONCE_BYTES = 12
KEY_BYTES = 32
KEYS_HINT = (
    "Give the server every key that ever encrypted this store, newest last, in "
    "AGENT_TOOLS_ENCRYPTION_KEYS (id:base64key,...); make one with `agent-tools keys generate`."
)


class EncryptionKeyError(AgentToolsError):
    code = "encryption_key_error"

    def __init__(self, message: str) -> None:
        super().__init__(message, KEYS_HINT)


@dataclass(frozen=True)
class Keyring:
    """Keys by id; the last one encrypts."""

    keys: dict[str, bytes]
    newest: str

    @classmethod
    def parse(cls, text: str) -> Keyring:
        """Keys from ``id:base64key,id:base64key`` (commas or newlines), newest last."""
        keys: dict[str, bytes] = {}
        for entry in text.replace("\n", ",").split(","):
            if not entry.strip():
                continue
            key_id, _, encoded = entry.strip().partition(":")
            try:
                key = base64.urlsafe_b64decode(encoded.encode())
            except ValueError:
                key = b""
            if not key_id or len(key) != KEY_BYTES:
                raise EncryptionKeyError(f"Key {key_id!r} is not an id and a 32-byte key.")
            keys[key_id] = key
        if not keys:
            raise EncryptionKeyError("No encryption key was given.")
        return cls(keys, list(keys)[-1])

    def encrypt(self, value: Any, operation_id: str, field: str) -> dict[str, str]:
        """``value`` (any JSON) as ``{"$enc": token}``."""
        return {MARKER: self._token(value, operation_id, field)}

    def encrypt_text(self, text: str, operation_id: str, field: str) -> str:
        """A string field (a progress message, a step label) as ``"$enc:" + token``."""
        return f"{MARKER}:{self._token(text, operation_id, field)}"

    def decrypt(self, value: Any, operation_id: str, field: str) -> Any:
        """The plain value; values stored before encryption was on pass through as they are."""
        if not is_encrypted(value):
            return value
        return self._open(value[MARKER], operation_id, field)

    def decrypt_text(self, text: str, operation_id: str, field: str) -> str:
        token = sealed_token(text)
        return text if token is None else str(self._open(token, operation_id, field))

    def check_token(self, token: str, operation_id: str, field: str) -> None:
        """Raise :class:`EncryptionKeyError` unless ``token`` opens with a configured key."""
        self._open(token, operation_id, field)

    def reseal_token(self, token: str, operation_id: str, field: str) -> str:
        """``token``'s value encrypted again under the newest key (same record and field)."""
        return self._token(self._open(token, operation_id, field), operation_id, field)

    def _token(self, value: Any, operation_id: str, field: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        plain = json.dumps(value, separators=(",", ":")).encode("utf-8", "surrogatepass")
        sealed = AESGCM(self.keys[self.newest]).encrypt(nonce, plain, _aad(operation_id, field))
        encoded = base64.urlsafe_b64encode(nonce + sealed).decode()
        return f"{VERSION}:{self.newest}:{encoded}"

    def _open(self, token: str, operation_id: str, field: str) -> Any:
        _, key_id, encoded = token.split(":", 2)
        key = self.keys.get(key_id)
        if key is None:
            raise EncryptionKeyError(f"The {field} of {operation_id!r} needs key {key_id!r}.")
        blob = base64.urlsafe_b64decode(encoded.encode())
        try:
            plain = AESGCM(key).decrypt(
                blob[:NONCE_BYTES], blob[NONCE_BYTES:], _aad(operation_id, field)
            )
        except InvalidTag:
            raise EncryptionKeyError(
                f"The {field} of {operation_id!r} does not decrypt with key {key_id!r}: "
                "a wrong key, or a value moved from another record."
            ) from None
        return json.loads(plain.decode("utf-8", "surrogatepass"))

    def is_current(self, value: Any) -> bool:
        """Whether ``value`` is encrypted with the newest key (rotation re-encrypts the rest)."""
        return is_encrypted(value) and value[MARKER].split(":", 2)[1] == self.newest


def is_encrypted(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {MARKER} and isinstance(value[MARKER], str)


def sealed_token(text: str) -> str | None:
    """The token of a string field sealed as ``"$enc:" + token``, or None for plain text."""
    return text[len(MARKER) + 1 :] if text.startswith(f"{MARKER}:{VERSION}:") else None


def token_key_id(token: str) -> str:
    """The id of the key that encrypted ``token``."""
    return token.split(":", 2)[1]


def new_key_line() -> str:
    """A fresh key as ``id:base64key``, for AGENT_TOOLS_ENCRYPTION_KEYS."""
    key = base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()
    return f"k{secrets.token_hex(4)}:{key}"


def _aad(operation_id: str, field: str) -> bytes:
    return f"agent-tools:{operation_id}:{field}".encode("utf-8", "surrogatepass")
