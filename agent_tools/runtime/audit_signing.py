"""Ed25519 keys that sign the checkpoint an audit purge leaves, and checking that signature.

A purge removes the start of the chain, so ``audit verify`` can no longer begin at
the genesis value; it begins at the checkpoint instead, and trusts it only when
its signature checks against the audit public key. Keys travel as base64 of the
raw 32 bytes.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from agent_tools.core.audit import AuditCheckpoint
from agent_tools.core.errors import DetailedError, message_only

_RAW = serialization.Encoding.Raw


class AuditKeyError(DetailedError):
    code = "invalid_audit_key"
    hint = (
        "Make a pair with `agent-tools keys generate --audit`; set "
        "AGENT_TOOLS_AUDIT_SIGNING_KEY (purge) and AGENT_TOOLS_AUDIT_PUBLIC_KEY (verify)."
    )
    wording = "The audit {what} is missing or not a base64 Ed25519 key."

    what: str = message_only()


def new_key_pair() -> tuple[str, str]:
    """A fresh (private, public) key pair, each as base64 of the raw key."""
    private = Ed25519PrivateKey.generate()
    private_bytes = private.private_bytes(
        _RAW, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    public_bytes = private.public_key().public_bytes(_RAW, serialization.PublicFormat.Raw)
    return base64.b64encode(private_bytes).decode(), base64.b64encode(public_bytes).decode()


def _raw(text: str | None, what: str) -> bytes:
    try:
        raw = base64.b64decode((text or "").strip(), validate=True)
    except (binascii.Error, ValueError) as failure:
        raise AuditKeyError(what) from failure
    if len(raw) != 32:
        raise AuditKeyError(what)
    return raw


def signing_key(text: str | None) -> Ed25519PrivateKey:
    """The private key from its base64 text."""
    return Ed25519PrivateKey.from_private_bytes(_raw(text, "signing key"))


def public_key(text: str | None) -> Ed25519PublicKey:
    """The public key from its base64 text."""
    return Ed25519PublicKey.from_public_bytes(_raw(text, "public key"))


def signed(checkpoint: AuditCheckpoint, key: Ed25519PrivateKey) -> AuditCheckpoint:
    """``checkpoint`` with its signature."""
    signature = base64.b64encode(key.sign(checkpoint.signed_bytes())).decode()
    return dataclasses.replace(checkpoint, signature=signature)


def signature_holds(checkpoint: AuditCheckpoint, key: Ed25519PublicKey) -> bool:
    """Whether ``checkpoint`` was signed by the private half of ``key``, as it stands."""
    try:
        signature = base64.b64decode(checkpoint.signature, validate=True)
        key.verify(signature, checkpoint.signed_bytes())
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
