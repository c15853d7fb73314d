"""The tamper-evident audit log: records, their hash chain, and how a chain is checked.

Every entry carries the hash of the one before it, so an edited, deleted or
reordered entry breaks the chain at the first place it was touched. Entries hold
who did what to which operation and how it ended, never input, state or results.
Pure: stores assign sequence numbers and keep entries; this module only hashes.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from agent_tools.core.errors import AgentToolsError

DetailValue = str | int | float | bool
GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of entry 1: the chain starts from a fixed, known value."""
MAX_DETAIL_KEYS = 16
MAX_DETAIL_TEXT = 200
"""Detail is a few short facts (counts, a status, a reason code), never a payload."""
SYSTEM_PRINCIPAL = "system"
"""The principal of the engine's own moves (a takeover, a timeout, a purge on expiry)."""


class InvalidAuditRecordError(AgentToolsError):
    code = "invalid_audit_record"

    def __init__(self, message: str) -> None:
        super().__init__(
            message,
            f"Keep audit detail to at most {MAX_DETAIL_KEYS} short scalar facts "
            f"(text up to {MAX_DETAIL_TEXT} characters); never put payload data in it.",
        )


@dataclass(frozen=True, slots=True)
class AuditRecord:
    """One thing that happened: who (``principal``) did ``action`` and how it ended.

    ``outcome`` is ``"ok"`` or the error code of a refusal or failure.
    """

    at: float
    principal: str
    action: str
    outcome: str = "ok"
    operation_id: str | None = None
    detail: Mapping[str, DetailValue] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.principal or not self.action or not self.outcome:
            raise InvalidAuditRecordError("An audit record needs a principal, action and outcome.")
        if not math.isfinite(self.at):
            raise InvalidAuditRecordError("An audit record's time must be a finite number.")
        if len(self.detail) > MAX_DETAIL_KEYS:
            raise InvalidAuditRecordError(f"Audit detail has {len(self.detail)} keys.")
        for key, value in self.detail.items():
            if not isinstance(key, str) or not isinstance(value, str | int | float | bool):
                raise InvalidAuditRecordError(f"Audit detail {key!r} is not a scalar.")
            if isinstance(value, str) and len(value) > MAX_DETAIL_TEXT:
                raise InvalidAuditRecordError(f"Audit detail {key!r} is too long.")
            if isinstance(value, float) and not math.isfinite(value):
                raise InvalidAuditRecordError(f"Audit detail {key!r} is not finite.")


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """A record as the store keeps it: numbered from 1 and chained to the entry before."""

    seq: int
    record: AuditRecord
    prev_hash: str
    hash: str


@dataclass(frozen=True, slots=True)
class AuditHead:
    """The last entry a store appended (``seq`` 0 and the genesis hash when there is none)."""

    seq: int = 0
    hash: str = GENESIS_HASH


GENESIS = AuditHead()


@dataclass(frozen=True, slots=True)
class AuditCheckpoint:
    """Where the chain resumes after a purge: the ``seq`` and ``hash`` of the last removed entry.

    ``signature`` is the base64 Ed25519 signature of :meth:`signed_bytes`; a verifier
    trusts the checkpoint only when it checks against the audit public key.
    """

    seq: int
    hash: str
    at: float
    signature: str = ""

    def signed_bytes(self) -> bytes:
        """What the signature covers: the position, the hash and the time of the purge."""
        return _canonical({"seq": self.seq, "hash": self.hash, "at": self.at})

    @property
    def head(self) -> AuditHead:
        """The checkpoint as the head the remaining chain continues from."""
        return AuditHead(self.seq, self.hash)


@dataclass(frozen=True, slots=True)
class AuditBounds:
    """Where a store's chain starts (genesis, or the checkpoint of the last purge) and ends."""

    checkpoint: AuditCheckpoint | None
    head: AuditHead


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """A page of entries after ``after_seq``, oldest first, optionally of one operation."""

    operation_id: str | None = None
    after_seq: int = 0
    limit: int = 1000

    def matches(self, entry: AuditEntry) -> bool:
        """Whether ``entry`` belongs in this query's results (the limit aside)."""
        return entry.seq > self.after_seq and (
            self.operation_id is None or entry.record.operation_id == self.operation_id
        )


def _canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def record_fields(record: AuditRecord) -> dict[str, object]:
    """The record as plain JSON-ready fields (how stores keep it and the CLI prints it)."""
    return {
        "at": record.at,
        "principal": record.principal,
        "action": record.action,
        "outcome": record.outcome,
        "operation_id": record.operation_id,
        "detail": dict(record.detail),
    }


def entry_hash(seq: int, prev_hash: str, record: AuditRecord) -> str:
    """The sha256 (hex) over the canonical JSON of the record, its ``seq`` and ``prev_hash``."""
    body = {**record_fields(record), "seq": seq, "prev_hash": prev_hash}
    return hashlib.sha256(_canonical(body)).hexdigest()


def chain(records: Sequence[AuditRecord], head: AuditHead) -> list[AuditEntry]:
    """``records`` numbered and chained after ``head``, in order."""
    entries: list[AuditEntry] = []
    seq, previous = head.seq, head.hash
    for record in records:
        seq += 1
        digest = entry_hash(seq, previous, record)
        entries.append(AuditEntry(seq=seq, record=record, prev_hash=previous, hash=digest))
        previous = digest
    return entries


ProblemKind = Literal["edited", "deleted", "reordered", "inserted", "forged"]
"""``forged``: the purge checkpoint the chain starts from does not carry a valid signature."""
REORDER_SEARCH = 64
"""How far either side of a broken entry to look for the position it was written at."""


@dataclass(frozen=True, slots=True)
class ChainProblem:
    """The first place the chain breaks, what most likely happened there and why we think so."""

    seq: int
    kind: ProblemKind
    reason: str


@dataclass(frozen=True, slots=True)
class ChainReport:
    """The result of checking a chain: how many entries, the last one, and the first problem."""

    count: int
    head: AuditHead
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


class ChainVerifier:
    """Checks a chain page by page from ``start`` (genesis or a trusted checkpoint).

    Feed entries in ``seq`` order with :meth:`add`, then :meth:`finish` with the
    store's recorded head (which catches entries removed from the end).
    """

    def __init__(self, start: AuditHead = GENESIS) -> None:
        self._previous = start
        self._count = 0
        self._problem: ChainProblem | None = None

    @property
    def problem(self) -> ChainProblem | None:
        return self._problem

    def add(self, entries: Sequence[AuditEntry]) -> None:
        """Check the next entries; after the first problem the rest are ignored."""
        for entry in entries:
            if self._problem is not None:
                return
            self._problem = self._check(entry)
            if self._problem is None:
                self._previous = AuditHead(entry.seq, entry.hash)
                self._count += 1

    def _check(self, entry: AuditEntry) -> ChainProblem | None:
        expected_seq = self._previous.seq + 1
        if entry_hash(entry.seq, entry.prev_hash, entry.record) != entry.hash:
            written_at = _written_seq(entry)
            if written_at is not None:
                return ChainProblem(
                    entry.seq,
                    "reordered",
                    f"entry {entry.seq} holds the entry written as {written_at}",
                )
            return ChainProblem(entry.seq, "edited", f"entry {entry.seq} does not match its hash")
        if entry.seq < expected_seq:
            return ChainProblem(entry.seq, "inserted", f"entry {entry.seq} appears twice")
        if entry.seq > expected_seq:
            return ChainProblem(
                expected_seq,
                "deleted",
                f"entries {expected_seq}..{entry.seq - 1} are missing",
            )
        if entry.prev_hash != self._previous.hash:
            return ChainProblem(
                entry.seq,
                "inserted",
                f"entry {entry.seq} does not follow entry {self._previous.seq}",
            )
        return None

    def finish(self, head: AuditHead) -> ChainReport:
        """The report, once every entry was added; ``head`` is what the store says it appended."""
        if self._problem is None and self._previous != head:
            if head.seq > self._previous.seq:
                self._problem = ChainProblem(
                    self._previous.seq + 1,
                    "deleted",
                    f"entries {self._previous.seq + 1}..{head.seq} are missing from the end",
                )
            else:
                self._problem = ChainProblem(
                    head.seq,
                    "inserted" if head.seq < self._previous.seq else "edited",
                    f"the recorded head (entry {head.seq}) is not the last entry",
                )
        return ChainReport(count=self._count, head=self._previous, problem=self._problem)


def _written_seq(entry: AuditEntry) -> int | None:
    """The nearby position whose hash ``entry`` carries, when it was moved rather than edited."""
    for offset in range(1, REORDER_SEARCH + 1):
        for seq in (entry.seq - offset, entry.seq + offset):
            if seq > 0 and entry_hash(seq, entry.prev_hash, entry.record) == entry.hash:
                return seq
    return None
