"""Key rotation: every sealed value not under the newest key, re-sealed in place.

It runs beside live servers and workers on the same store. Each rewrite is the
store's compare-and-set on the exact stored text, so a payload the runtime wrote
meanwhile (under the newest key, with a fresh nonce) is never overwritten; it is
read again instead. Nothing else moves: revisions, leases and fencing tokens stay
as they are, since a re-sealed value means the same. A run keeps no state of its
own: run it again after a crash and it finishes what is left.

It works on the store as it is on disk (not the encryption wrapper) and needs
every key that sealed a value there; servers must already seal with the newest.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack

from agent_tools.core.records import OperationQuery
from agent_tools.core.stored_payloads import PAYLOAD_KINDS, StoredPayload
from agent_tools.stores import sealing
from agent_tools.stores.base import Store
from agent_tools.stores.encryption import (
    MARKER,
    Keyring,
    is_encrypted,
    sealed_token,
    token_key_id,
)

DEFAULT_BATCH = 200
REPLACE_ATTEMPTS = 5
"""Compare-and-set tries per payload; a payload rewritten by the runtime every time
is left and counted in :attr:`RotationReport.left` (a server still sealing with an
older key does that)."""


@dataclass
class RotationReport:
    """Counts of sealed values, by field (``input``, ``state``, ``item``, ``answer``, ...)."""

    newest: str
    operations: int = 0
    by_key: dict[str, Counter[str]] = field(default_factory=dict)
    """Key id -> field -> values found sealed with it (before any rewrite)."""
    rewritten: Counter[str] = field(default_factory=Counter)
    current: Counter[str] = field(default_factory=Counter)
    """Already under the newest key."""
    changed_meanwhile: Counter[str] = field(default_factory=Counter)
    """Rewritten by the runtime between our read and our write: read again, not overwritten."""
    left: Counter[str] = field(default_factory=Counter)
    """Still under an older key after :data:`REPLACE_ATTEMPTS`."""

    def stale(self) -> int:
        """Values found under a key other than the newest."""
        return sum(
            sum(fields.values()) for key_id, fields in self.by_key.items() if key_id != self.newest
        )


class _Tally:
    """The sealed parts of one payload: which keys they use, re-sealed or only checked."""

    def __init__(self, keyring: Keyring, write: bool) -> None:
        self.keyring = keyring
        self.write = write
        self.parts: list[tuple[str, str]] = []
        """(field, key id) of every sealed part."""
        self.stale: list[str] = []
        """The fields of the parts not under the newest key."""

    def change(self) -> sealing.Change:
        return sealing.Change(self.value, self.text)

    def value(self, value: Any, operation_id: str, field_name: str) -> Any:
        if not is_encrypted(value):
            return value
        return {MARKER: self._token(value[MARKER], operation_id, field_name)}

    def text(self, text: str, operation_id: str, field_name: str) -> str:
        token = sealed_token(text)
        return text if token is None else f"{MARKER}:{self._token(token, operation_id, field_name)}"

    def _token(self, token: str, operation_id: str, field_name: str) -> str:
        key_id = token_key_id(token)
        family = field_name.partition(":")[0]  # answer:<name> counts as answer
        self.parts.append((family, key_id))
        if key_id == self.keyring.newest:
            return token
        self.stale.append(family)
        if self.write:
            return self.keyring.reseal_token(token, operation_id, field_name)
        self.keyring.check_token(token, operation_id, field_name)
        return token


class WalkOptions(TypedDict, total=False):
    """How :func:`survey_keys` and :func:`rotate_keys` go through the store."""

    batch: int
    """Operations per page, and payloads per read (``DEFAULT_BATCH``)."""
    on_operation: Callable[[RotationReport], None] | None
    """Called with the report so far after each operation (to show progress)."""


@dataclass
class _Walk:
    store: Store
    keyring: Keyring
    write: bool
    batch: int = DEFAULT_BATCH
    on_operation: Callable[[RotationReport], None] | None = None
    report: RotationReport = field(init=False)

    def __post_init__(self) -> None:
        self.report = RotationReport(self.keyring.newest)

    async def run(self) -> RotationReport:
        async for operation_id in operation_ids(self.store, self.batch):
            for kind in PAYLOAD_KINDS:
                after = 0
                while True:
                    page = await self.store.list_payloads(operation_id, kind, after, self.batch)
                    for payload in page:
                        await self._payload(payload)
                    if len(page) < self.batch:
                        break
                    after = page[-1].position
            self.report.operations += 1
            if self.on_operation is not None:
                self.on_operation(self.report)
        return self.report

    async def _payload(self, payload: StoredPayload | None) -> None:
        first = True
        for _ in range(REPLACE_ATTEMPTS):
            if payload is None:
                return  # gone meanwhile (purged or erased)
            tally = _Tally(self.keyring, self.write)
            value = sealing.stored_payload(tally.change(), payload)
            if first:
                for family, key_id in tally.parts:
                    self.report.by_key.setdefault(key_id, Counter())[family] += 1
                first = False
            if not tally.stale or not self.write:
                self.report.current.update(f for f, k in tally.parts if k == self.keyring.newest)
                return
            if await self.store.replace_payload(payload, value):
                self.report.current.update(f for f, k in tally.parts if k == self.keyring.newest)
                self.report.rewritten.update(tally.stale)
                return
            self.report.changed_meanwhile[payload.field] += 1
            payload = await _read_again(self.store, payload)
        if payload is not None:
            self.report.left[payload.field] += 1


async def _read_again(store: Store, payload: StoredPayload) -> StoredPayload | None:
    found = await store.list_payloads(payload.operation_id, payload.kind, payload.position - 1, 1)
    return found[0] if found and found[0].position == payload.position else None


async def operation_ids(store: Store, batch: int) -> AsyncIterator[str]:
    """Every operation's id, whatever its status, a page of ``batch`` at a time."""
    before: tuple[float, str] | None = None
    while True:
        page = await store.list_operations(OperationQuery(limit=batch, before=before))
        for record in page.records:
            yield record.operation_id
        if not page.has_more or not page.records:
            return
        last = page.records[-1]
        before = (last.created_at, last.operation_id)


async def survey_keys(
    store: Store, keyring: Keyring, **options: Unpack[WalkOptions]
) -> RotationReport:
    """Count sealed values per key id, writing nothing; raise if one does not open.

    :attr:`RotationReport.by_key` tells when an old key holds nothing any more and
    can be removed. A value no configured key opens raises
    :class:`~agent_tools.stores.encryption.EncryptionKeyError` naming its operation,
    field and key id.
    """
    return await _Walk(store, keyring, False, **options).run()


async def rotate_keys(
    store: Store, keyring: Keyring, **options: Unpack[WalkOptions]
) -> RotationReport:
    """Re-seal under the newest key every value sealed with an older one.

    First every older value is checked to open (:func:`survey_keys`), so a key set
    missing a key fails before anything is written.
    """
    await survey_keys(store, keyring, batch=options.get("batch", DEFAULT_BATCH))
    return await _Walk(store, keyring, True, **options).run()
