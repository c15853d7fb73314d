"""Every access through a surface, appended to the store's audit log with its outcome.

A surface opens one :meth:`AuditTrail.access` around each request it serves (an
MCP tool call or method, an OpenAI function call, a web API request, an ``ops``
command); the layers inside may name the operation or the outcome through
:func:`current_access`. On leaving, one ``AuditRecord`` is written: who, what,
which operation, when, and how it ended (``ok`` or the refusal's code). Never
payload: no input, state, results, notes, answers or tokens; only ids, names,
codes and counts.

Refusals and changes are written before the caller gets its answer; reads that
went fine are appended right after, in the background, batched.

When the log cannot be written the access's answer stays what it was; the
failure is logged (with the entry, which holds no payload) and counted, and the
entries are kept in memory and retried with the next write. While entries are
waiting, actions that change something are refused with ``audit_unavailable``
(fail closed) until the log takes them again; reads go on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from agent_tools.core.audit import AuditRecord, DetailValue, InvalidAuditRecordError
from agent_tools.core.errors import AgentToolsError, DetailedError
from agent_tools.core.ownership import HiddenOperationError
from agent_tools.core.principals import Role, required_role
from agent_tools.runtime.observer import RuntimeObserver
from agent_tools.stores.base import Store

logger = logging.getLogger(__name__)

ANONYMOUS = "anonymous"
"""The principal of a request that carried no verified credentials."""
OK = "ok"
UNAUTHENTICATED = "unauthenticated"
MAX_ID_CHARS = 200
"""Longer ids and tool names (a caller may send any string) are recorded cut to this."""
MAX_UNWRITTEN = 10_000
"""Entries kept in memory while the log cannot be written; older ones are dropped (logged)."""


class AuditUnavailableError(DetailedError):
    """A change refused because the audit log cannot record it (fail closed)."""

    code = "audit_unavailable"
    hint = (
        "Nothing was changed. Retry later; reads still work. The server log says why "
        "the audit log fails."
    )
    wording = "{action} was refused: the audit log cannot be written right now."

    action: str


@dataclass
class Access:
    """One access being served; the layers inside fill in what they learn."""

    principal: str
    action: str
    at: float
    operation_id: str | None = None
    outcome: str = OK
    detail: dict[str, DetailValue] = field(default_factory=dict)

    def name_operation(self, operation_id: str | None) -> None:
        """The operation the access is about (the first one named counts)."""
        if self.operation_id is not None or not operation_id:
            return
        self.operation_id = operation_id[:MAX_ID_CHARS]
        if len(operation_id) > MAX_ID_CHARS:
            self.detail["operation_id_chars"] = len(operation_id)

    def refused(self, error: AgentToolsError) -> None:
        """The access ended with ``error``; another's operation is recorded as such."""
        self.outcome = error.code
        if isinstance(error, HiddenOperationError):
            self.detail["not_owner"] = True

    def record(self) -> AuditRecord:
        """The entry to append; a detail the log refuses is dropped, never the entry."""
        try:
            return self._record(self.detail)
        except InvalidAuditRecordError as error:
            logger.error("audit detail of %s dropped: %s", self.action, error.message)
            return self._record({})

    def _record(self, detail: dict[str, DetailValue]) -> AuditRecord:
        principal = self.principal or ANONYMOUS
        return AuditRecord(self.at, principal, self.action, self.outcome, self.operation_id, detail)


_current: ContextVar[Access | None] = ContextVar("agent_tools_access", default=None)


async def record_removal(
    store: Store, principal: str, action: str, detail: dict[str, DetailValue]
) -> None:
    """One durable audit entry for an admin removal (a purge or an erase).

    Run inside the access of the same ``action`` (an ``ops`` or ``audit`` command),
    that access's entry carries the counts, so the removal is one entry with its
    outcome, not two.
    """
    access = _current.get()
    if access is not None and access.action == action:
        access.detail.update(detail)
        return
    await store.append_audit(
        [AuditRecord(at=time.time(), principal=principal, action=action, detail=detail)]
    )


def current_access() -> Access | None:
    """The access the running request is part of, or None outside any (library calls)."""
    return _current.get()


def changes_something(name: str) -> bool:
    """Whether the tool or method ``name`` changes stored state (any role above reader)."""
    return required_role(name) is not Role.READER


def refusal_in(error: BaseException) -> AgentToolsError | None:
    """The ``AgentToolsError`` behind ``error``: itself, or what a surface re-raised it as."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, AgentToolsError):
            return seen
        seen = seen.__cause__
    return None


class AuditTrail:
    """Appends one entry per access to ``store``'s audit log; cheap, and never in the way.

    ``ready`` opens the store first (the engine's ``start``): a refusal may be the
    first thing a server does.
    """

    def __init__(
        self,
        store: Store,
        ready: Callable[[], Awaitable[None]],
        observer: RuntimeObserver,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._store = store
        self._ready = ready
        self._observer = observer
        self._clock = clock
        self._pending: list[AuditRecord] = []
        self._lock = asyncio.Lock()
        self._failing = False
        self._flusher: asyncio.Task[bool] | None = None

    @property
    def failing(self) -> bool:
        """Whether entries are waiting because the last write to the log failed."""
        return self._failing

    @asynccontextmanager
    async def access(
        self,
        principal: str,
        action: str,
        *,
        operation_id: str | None = None,
        changes: bool = False,
        detail: dict[str, DetailValue] | None = None,
    ) -> AsyncIterator[Access]:
        """Serve one access inside; on leaving, its entry is written with the outcome.

        An ``AgentToolsError`` leaving the block (or re-raised from one) is the
        outcome; any other exception is ``internal_error`` unless the surface set
        ``outcome`` to what it answered. With ``changes``, the
        access is refused with ``audit_unavailable`` while the log cannot be written.
        """
        access = Access(principal, action[:MAX_ID_CHARS], self._clock(), detail=dict(detail or {}))
        access.name_operation(operation_id)
        token = _current.set(access)
        try:
            if changes and self._failing and not await self._write([]):
                raise AuditUnavailableError(action)
            yield access
        except asyncio.CancelledError:
            access.outcome = "cancelled"
            raise
        except BaseException as error:
            refusal = refusal_in(error)
            if refusal is not None:
                access.refused(refusal)
            elif access.outcome == OK:
                access.outcome = "internal_error"
            raise
        finally:
            _current.reset(token)
            await self._append(access.record(), soon=not changes)

    async def record(
        self,
        principal: str,
        action: str,
        outcome: str,
        *,
        operation_id: str | None = None,
        detail: dict[str, DetailValue] | None = None,
    ) -> None:
        """Append one entry for an access served outside :meth:`access` (a 401 answer)."""
        access = Access(principal, action, self._clock(), outcome=outcome, detail=detail or {})
        access.name_operation(operation_id)
        await self._append(access.record(), soon=True)

    async def flush(self) -> None:
        """Write the entries still waiting; the engine calls it before it closes the store."""
        if self._flusher is not None:
            await asyncio.gather(self._flusher, return_exceptions=True)
        await self._write([])

    async def _append(self, record: AuditRecord, *, soon: bool) -> None:
        """Write ``record`` now, or (``soon``, for a read that went fine) right after the answer.

        Refusals and changes are in the log before the caller hears back; successful reads
        are appended together by one task in the background, so a read waits on no write.
        """
        if not soon or record.outcome != OK:
            await self._write([record])
            return
        self._pending.append(record)
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.get_running_loop().create_task(self._write_waiting())

    async def _write_waiting(self) -> bool:
        """Append until nothing waits: entries may arrive while a batch is being written."""
        while self._pending:
            if not await self._write([]):
                return False
        return True

    async def _write(self, records: list[AuditRecord]) -> bool:
        """Append ``records`` after any that wait; False (logged, counted) when it fails.

        Writers queue behind one lock, and whoever holds it appends everything
        queued so far in one call: concurrent accesses share a write.
        """
        self._pending.extend(records)
        async with self._lock:
            if not self._pending:
                self._failing = False
                return True
            batch, self._pending = self._pending, []
            try:
                await self._ready()
                await self._store.append_audit(batch)
            except asyncio.CancelledError:
                self._pending = batch + self._pending
                raise
            except Exception:
                self._keep(batch)
                return False
            self._failing = False
            return True

    def _keep(self, batch: list[AuditRecord]) -> None:
        self._failing = True
        waiting = batch + self._pending
        dropped = max(0, len(waiting) - MAX_UNWRITTEN)
        self._pending = waiting[dropped:]
        logger.error(
            "the audit log cannot be written: %d entries wait in memory (%d dropped); "
            "the newest: %s",
            len(self._pending),
            dropped,
            batch[-1],
            exc_info=True,
        )
        self._observer.audit_write_failed(len(batch))
