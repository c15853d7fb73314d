"""Static bearer tokens kept in a file that holds only their SHA-256 hashes.

A token is ``agt_<id>_<secret>``: the id names it in ``tokens list`` and
``tokens revoke``; the secret carries 256 random bits, so one unsalted SHA-256
is enough to make the file useless to a thief (nothing to brute-force). The
file is re-read when it changes, so a revocation takes effect on a running
server at its next request.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from agent_tools.core.errors import AgentToolsError
from agent_tools.core.principals import Principal, Role

TOKEN_PREFIX = "agt_"
FILE_MODE = 0o600


class TokenFileError(AgentToolsError):
    code = "token_file_invalid"
    hint = "Fix or remove the file, then create tokens again with `agent-tools tokens create`."

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(
            f"The tokens file {str(path)!r} cannot be used: {problem}.", path=str(path)
        )


class TokenNotFoundError(AgentToolsError):
    code = "token_not_found"
    hint = "Run `agent-tools tokens list` to see the ids of the tokens that exist."

    def __init__(self, token_id: str) -> None:
        super().__init__(f"No token with id {token_id!r}.", token_id=token_id)


@dataclass(frozen=True)
class TokenRecord:
    """What the file keeps of one token: never the token itself."""

    token_id: str
    principal: str
    role: str
    sha256: str
    created_unix: float

    @property
    def as_principal(self) -> Principal:
        return Principal(name=self.principal, role=Role(self.role))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class TokenFile:
    """Create, list, revoke and check the tokens of one file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._cached: tuple[float, int, dict[str, TokenRecord]] | None = None

    def create(self, principal: str, role: Role) -> tuple[TokenRecord, str]:
        """A new token for ``principal``; the token text is returned once and never stored."""
        if not principal or not principal.isprintable() or len(principal) > 200:
            raise TokenFileError(self.path, f"principal name {principal!r} is not printable text")
        token_id = secrets.token_hex(4)
        token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        record = TokenRecord(token_id, principal, role.value, token_hash(token), time.time())
        records = self.records()
        records[token_id] = record
        self._write(records)
        return record, token

    def records(self) -> dict[str, TokenRecord]:
        """Every token by id, re-read only when the file changed."""
        try:
            status = self.path.stat()
        except FileNotFoundError:
            return {}
        if self._cached and self._cached[:2] == (status.st_mtime, status.st_size):
            return dict(self._cached[2])
        records = self._read()
        self._cached = (status.st_mtime, status.st_size, records)
        return dict(records)

    def revoke(self, token_id: str) -> TokenRecord:
        """Remove one token; a server using the file refuses it from its next request on."""
        records = self.records()
        record = records.pop(token_id, None)
        if record is None:
            raise TokenNotFoundError(token_id)
        self._write(records)
        return record

    def revoke_principal(self, principal: str) -> list[TokenRecord]:
        """Remove every token of ``principal`` (part of erasing that principal)."""
        records = self.records()
        removed = [record for record in records.values() if record.principal == principal]
        if removed:
            self._write({key: value for key, value in records.items() if value not in removed})
        return removed

    def check(self, token: str) -> TokenRecord | None:
        """The record of ``token`` when it is one of this file's, else None."""
        if not token.startswith(TOKEN_PREFIX):
            return None
        token_id = token[len(TOKEN_PREFIX) :].split("_", 1)[0]
        record = self.records().get(token_id)
        if record is None or not hmac.compare_digest(record.sha256, token_hash(token)):
            return None
        return record

    def _read(self) -> dict[str, TokenRecord]:
        try:
            body = json.loads(self.path.read_text(encoding="utf-8"))
            listed = body["tokens"]
            records = [TokenRecord(**entry) for entry in listed]
            for record in records:
                Role(record.role)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise TokenFileError(self.path, f"{type(error).__name__}: {error}") from error
        return {record.token_id: record for record in records}

    def _write(self, records: dict[str, TokenRecord]) -> None:
        """Replace the file atomically, readable by its owner only."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        body = {"tokens": [asdict(record) for record in records.values()]}
        descriptor, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".tokens-")
        try:
            os.fchmod(descriptor, FILE_MODE)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump(body, handle, indent=2)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        self._cached = None
