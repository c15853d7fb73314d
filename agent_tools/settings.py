"""The one home of configuration: defaults, then ``AGENT_TOOLS_*`` variables, then arguments."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, field_validator

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
