"""The work a runner has done since its last commit, and the commits that make it durable.

A runner keeps one :class:`PendingCheckpoint`. Each finished chunk is added to it;
when a checkpoint is due (or the run ends) it is taken as one
:class:`~agent_tools.core.records.Checkpoint` and starts over, and commits
itself in one store transaction under the lease (:func:`commit_following_pause`).
"""

from __future__ import annotations

import time
from typing import Literal

from pydantic import JsonValue

from agent_tools.core.audit import SYSTEM_PRINCIPAL
from agent_tools.core.definitions import ChunkResult, OperationType
from agent_tools.core.errors import AgentToolsError
from agent_tools.core.input_requests import InputRound
from agent_tools.core.records import (
    Checkpoint,
    CommitOutcome,
    ErrorInfo,
    Event,
    Lease,
    OperationRecord,
    ProgressRecord,
)
from agent_tools.core.status import OperationStatus
from agent_tools.core.trusted import trusted
from agent_tools.stores.base import Store

StopReason = Literal["pause", "cancel", "lease_lost", "shutdown"]


def error_info(error: AgentToolsError) -> ErrorInfo:
    """The stored form of an error: code, message and hint."""
    return ErrorInfo(code=error.code, message=error.message, hint=error.hint)


class PendingCheckpoint:
    """State, progress and items not yet committed, and the commit that writes them."""

    def __init__(
        self, store: Store, definition: OperationType, record: OperationRecord, lease: Lease
    ) -> None:
        self._store = store
        self._definition = definition
        self._record = record
        self._lease = lease
        self.state: JsonValue = record.state
        self.progress: ProgressRecord = record.progress
        self.next_index = record.next_chunk_index
        self.items: list[JsonValue] = []
        self.first_chunk = self.next_index
        """The first chunk whose work is pending: events name the range a commit covers."""
        self.input_round: InputRound | None = record.input_round
        """What every commit writes: the stored round until a chunk has read its answers."""
        self._input_written = False
        """Whether a commit of this run wrote the (perhaps migrated) input."""
        self._committed_at = time.monotonic()

    @property
    def chunks(self) -> int:
        """Chunks run since the last commit."""
        return self.next_index - self.first_chunk

    def add(self, result: ChunkResult, progress: ProgressRecord) -> None:
        """Take in a finished chunk: its state, its items and the progress after it."""
        self.state = result.next_state
        self.progress = progress
        self.items.extend(result.outputs())
        self.input_round = InputRound.asked(self.next_index, result.ask) if result.ask else None
        self.next_index += 1

    def due(self) -> bool:
        """Whether the operation's checkpoint_interval (or checkpoint_every_s) is reached."""
        settings = self._record.settings
        if self.chunks >= settings.checkpoint_interval:
            return True
        every_s = settings.checkpoint_every_s
        return every_s is not None and time.monotonic() - self._committed_at >= every_s

    def chunk_event(self, kind: str) -> Event:
        """The audit event of a commit that covers the pending chunks."""
        return trusted(
            Event,
            kind=kind,
            at=time.time(),
            detail={"first_chunk": self.first_chunk, "next_chunk": self.next_index},
        )

    def failure_event(self, error: AgentToolsError) -> Event:
        """The audit event of a commit that fails the run."""
        return Event(
            kind="failed",
            at=time.time(),
            detail={"chunk_index": self.next_index, "code": error.code},
        )

    async def commit(
        self,
        target: OperationStatus,
        event: Event,
        *,
        result: JsonValue = None,
        error: ErrorInfo | None = None,
        keep_lease: bool = False,
    ) -> tuple[CommitOutcome, StopReason | None]:
        """Commit the pending work as ``target`` under the lease; why the run must stop, if so.

        Pending work starts over either way: should the commit fail, the run ends
        and a later run redoes the work from the last checkpoint that did commit.
        """
        checkpoint = self._checkpoint(target, event, result, error, keep_lease)
        self._input_written = True
        self.items = []
        self.first_chunk = self.next_index
        self._committed_at = time.monotonic()
        return await commit_following_pause(self._store, self._lease, checkpoint)

    def _checkpoint(
        self,
        target: OperationStatus,
        event: Event,
        result: JsonValue,
        error: ErrorInfo | None,
        keep_lease: bool,
    ) -> Checkpoint:
        terminal = target.is_terminal
        retention = self._record.settings.retention_s
        # Every part was validated on its way in; skip validating them again per chunk.
        return trusted(
            Checkpoint,
            operation_id=self._record.operation_id,
            lease_token=self._lease.token,
            expected_status=OperationStatus.RUNNING,
            status=target,
            type_version=self._definition.version,
            input=None if self._input_written else self._record.input,
            state=self.state,
            progress=self.progress,
            next_chunk_index=self.next_index,
            items=self.items,
            result=result,
            error=error,
            input_round=self.input_round,
            event=event,
            expires_at=time.time() + retention if terminal and retention else None,
            release_lease=not keep_lease or terminal,
            actor=SYSTEM_PRINCIPAL,
        )


async def commit_following_pause(
    store: Store, lease: Lease, checkpoint: Checkpoint
) -> tuple[CommitOutcome, StopReason | None]:
    """Commit ``checkpoint``; after a pause made meanwhile, commit it again as paused.

    A pause (or cancel) is a status change made by another call without the
    lease, so the fenced commit finds the status no longer ``running`` and
    writes nothing. After a pause the work done is still wanted: the second
    pass commits it against the paused status, keeping the operation paused
    (or ending it, when this commit completes or fails it) and giving up the
    lease. After a cancel the work is dropped and only the lease given back.
    """
    outcome = await store.commit_checkpoint(checkpoint)
    if outcome == "committed":
        return outcome, None
    if outcome == "lease_lost":
        return outcome, "lease_lost"
    current = await store.get_operation(checkpoint.operation_id)
    if current is None or current.status is not OperationStatus.PAUSED:
        await store.release_lease(lease)
        return outcome, "cancel"
    target = checkpoint.status
    again = checkpoint.model_copy(
        update={
            "expected_status": OperationStatus.PAUSED,
            "status": target if target.is_terminal else OperationStatus.PAUSED,
            "release_lease": True,
        }
    )
    outcome = await store.commit_checkpoint(again)
    return outcome, "lease_lost" if outcome == "lease_lost" else "pause"
