"""The one home of configuration: defaults, then ``AGENT_TOOLS_*`` variables, then arguments."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, field_validator

from agent_tools.core.limits import Limits

ENV_PREFIX = "AGENT_TOOLS_"


def default_data_dir() -> Path:
    """Where the default SQLite store lives (``$XDG_DATA_HOME`` or ``~/.local/share``)."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "agent-tools"


def default_store_url() -> str:
    return f"sqlite:///{default_data_dir() / 'operations.db'}"


def default_tokens_file() -> Path:
    return default_data_dir() / "tokens.json"


class Settings(BaseModel):
    """Every setting of servers, workers and the engine, with defaults for a fresh machine."""

    store: str = Field(default_factory=default_store_url)
    broker: str | None = None
    ops: list[str] = Field(default_factory=list)
    budget_ms: int = 4000
    max_budget_ms: int = 60_000
    max_wait_ms: int = 30_000
    response_max_bytes: int = 32 * 1024
    response_max_items: int = 200
    lease_ttl_s: float = 30.0
    inline_lease_grace_s: float = 5.0
    max_background: int = 16
    root: list[Path] = Field(default_factory=list)
    allow_private_network: bool = False
    allow_network: list[str] = Field(default_factory=list)
    """Non-public networks (CIDR) HTTP operations may reach, e.g. one internal API's subnet."""
    http: bool = False
    host: str = "127.0.0.1"
    port: int = 8000
    allowed_hosts: list[str] = Field(default_factory=list)
    """Extra Host names the HTTP server answers to (loopback and the bound host always pass)."""
    concurrency: int = 2
    worker_slice_s: float = 30.0
    """How long a worker (or this process) runs one background operation before queueing it
    again, so that waiting ones of higher priority get their turn."""
    priority_aging_s: float = 60.0
    """A waiting background operation gains one priority level per this many seconds."""
    queue: str = "agent-tools.slices"
    """The broker queue slices travel on (declared with priorities 0-9)."""
    expose_operation_tools: bool = False
    no_app: bool = False
    """Serve no MCP App: tools carry no ``_meta.ui`` even for clients that support Apps."""
    no_auth: bool = False
    """Serve HTTP without authentication; refused unless bound to a loopback address."""
    tokens_file: Path = Field(default_factory=default_tokens_file)
    """The hashes of the static bearer tokens ``agent-tools tokens create`` made."""
    resource_url: str | None = None
    """This server's public URL (``https://host/mcp``): the audience OAuth tokens must name."""
    oauth_issuer: str | None = None
    """The OAuth 2.1 authorization server whose JWT access tokens are accepted."""
    oauth_jwks_url: str | None = None
    """Where that server publishes its signing keys (JWKS)."""
    retention_s: float | None = Field(default=None, gt=0)
    """How long ended operations are kept before they are purged, for every type (default:
    each type's ``retention_s``); a run started with its own ``retention_s`` keeps that."""
    encryption_keys: str | None = None
    """Keys that encrypt input, state, results and answers at rest: ``id:base64key,...``,
    newest last (``agent-tools keys generate`` makes one); unset keeps them in clear."""
    encryption_keys_file: Path | None = None
    """A file holding the keys in the same form, one per line (read when the variable is unset)."""
    audit_signing_key: str | None = None
    """The Ed25519 private key (base64) that signs the checkpoint ``audit purge`` leaves
    (``agent-tools keys generate --audit`` makes one); needed only to purge the audit log."""
    audit_signing_key_file: Path | None = None
    """A file holding that key (read when the variable is unset)."""
    audit_public_key: str | None = None
    """The matching public key (base64): ``audit verify`` checks a purge checkpoint with it."""
    limit_live_operations: int = Field(default=1000, ge=1)
    """Operations not yet ended that one principal may have (admins are exempt)."""
    limit_input_bytes: int = Field(default=1024 * 1024, ge=1)
    """The largest input (and answers, notes) a call may store, as JSON."""
    limit_state_bytes: int = Field(default=16 * 1024 * 1024, ge=1)
    limit_item_bytes: int = Field(default=1024 * 1024, ge=1)
    limit_items_per_chunk: int = Field(default=10_000, ge=1)
    oauth_scope_prefix: str = "agent-tools:"
    """A JWT gets its role from a scope ``<prefix><role>``, e.g. ``agent-tools:operator``."""
    metrics: bool = False
    """Count and time chunks, commits and slices, served at ``/metrics`` on the HTTP server."""
    metrics_port: int | None = None
    """A worker's own port for ``/metrics`` (turns metrics on for it)."""
    traces: str = "off"
    """OpenTelemetry spans: ``off``, ``on`` (the host's tracer provider), ``console``, ``otlp``."""

    @field_validator("traces")
    @classmethod
    def _trace_mode(cls, value: str) -> str:
        aliases = {"1": "on", "true": "on", "yes": "on", "0": "off", "false": "off", "": "off"}
        mode = aliases.get(value.strip().lower(), value.strip().lower())
        if mode not in TRACE_MODES:
            raise ValueError(f"must be one of {', '.join(TRACE_MODES)}")
        return mode

    @field_validator("response_max_bytes")
    @classmethod
    def _cap_response(cls, value: int) -> int:
        if not 1024 <= value <= HARD_RESPONSE_CAP_BYTES:
            raise ValueError(f"must be between 1024 and {HARD_RESPONSE_CAP_BYTES} bytes")
        return value

    @field_validator("allow_network")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for network in value:
            ipaddress.ip_network(network, strict=False)  # ValueError names the bad one
        return value

    def encryption_key_text(self) -> str | None:
        """The configured encryption keys, from the variable or else the keys file."""
        if self.encryption_keys is None and self.encryption_keys_file is not None:
            return self.encryption_keys_file.read_text(encoding="utf-8")
        return self.encryption_keys

    def audit_signing_key_text(self) -> str | None:
        """The configured audit signing key, from the variable or else its file."""
        if self.audit_signing_key is None and self.audit_signing_key_file is not None:
            return self.audit_signing_key_file.read_text(encoding="utf-8").strip()
        return self.audit_signing_key

    @property
    def limits(self) -> Limits:
        """The per-principal limits these settings set."""
        return Limits(
            live_operations=self.limit_live_operations,
            input_bytes=self.limit_input_bytes,
            state_bytes=self.limit_state_bytes,
            item_bytes=self.limit_item_bytes,
            items_per_chunk=self.limit_items_per_chunk,
        )

    @classmethod
    def load(
        cls, arguments: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None
    ) -> Settings:
        """Defaults, overridden by ``AGENT_TOOLS_<NAME>``, overridden by non-None ``arguments``."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name, field in cls.model_fields.items():
            raw = environ.get(ENV_PREFIX + name.upper())
            # Empty counts as unset, so a launcher can map an optional setting left blank.
            if not raw:
                continue
            annotation = str(field.annotation)
            values[name] = raw.split(os.pathsep) if "list" in annotation else raw
        for name, value in (arguments or {}).items():
            if value is None or name not in cls.model_fields:
                continue
            if isinstance(value, list) and not value and name in values:
                continue
            values[name] = value
        return cls.model_validate(values)


TRACE_MODES = ("off", "on", "console", "otlp")

HARD_RESPONSE_CAP_BYTES = 512 * 1024
"""No response carries more result bytes than this, whatever is configured."""
