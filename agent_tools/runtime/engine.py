"""The engine: the one API that the MCP server, OpenAI tools and Python callers share."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, ProcessPoolExecutor
from types import TracebackType
from typing import Any, NamedTuple, TypedDict, Unpack

from pydantic import JsonValue

from agent_tools.core.definitions import OperationType
from agent_tools.core.errors import (
    InvalidInputError,
    OperationNotFoundError,
)
from agent_tools.core.inspection import OperationDetail, build_detail
from agent_tools.core.limits import check_size
from agent_tools.core.ownership import (
    HiddenOperationError,
    OperationIdTakenError,
    may_see,
    owner_filter,
    owner_for_new,
)
from agent_tools.core.policy import ExecutionPolicy
from agent_tools.core.principals import current_principal
from agent_tools.core.records import (
    Event,
    OperationRecord,
    held_elsewhere,
    open_questions,
    waiting_for_input,
)
from agent_tools.core.registry import OperationRegistry, default_registry
from agent_tools.core.status import OperationStatus
from agent_tools.core.views import (
    OperationList,
    OperationTypeList,
    OperationView,
)
from agent_tools.runtime.agent_tasks import check_agent_driven, record_agent_progress
from agent_tools.runtime.audit_trail import AuditTrail
from agent_tools.runtime.background import (
    BackgroundDispatcher,
    InProcessDispatcher,
    Maintenance,
)
from agent_tools.runtime.chunk_call import make_process_pool
from agent_tools.runtime.control import cancel_status, change_status_or_explain, pause_status
from agent_tools.runtime.input_answers import parse_responses, record_answers
from agent_tools.runtime.listing import check_limit, list_page, operation_query, type_list
from agent_tools.runtime.liveness import process_holder_id
from agent_tools.runtime.observer import NO_OBSERVER, RuntimeObserver, observed
from agent_tools.runtime.operation_start import (
    SMALLER_HINT,
    RunChoices,
    check_same_request,
    check_start_limits,
    new_record,
    validate_input,
)
from agent_tools.runtime.run_history import with_expected_duration
from agent_tools.runtime.runner import RunnerEnvironment
from agent_tools.runtime.slices import OnProgress, Runners
from agent_tools.runtime.view_builder import read_view
from agent_tools.runtime.view_cache import ViewCache
from agent_tools.settings import Settings
from agent_tools.stores import open_store, with_encryption
from agent_tools.stores.base import Store

__all__ = ["ChangeMark", "Engine", "OnProgress", "default_holder_id"]

SHUTDOWN_WAIT_S = 10.0


class ChangeMark(NamedTuple):
    """Where an operation stands for someone watching it change: its revision and status."""

    revision: int
    status: OperationStatus


def default_holder_id() -> str:
    """This process's holder id: a restarted process can tell that it is dead."""
    return process_holder_id()


class EngineOptions(TypedDict, total=False):
    """What :meth:`Engine.from_url` and :meth:`Engine.from_settings` pass on to the engine."""

    registry: OperationRegistry | None
    policy: ExecutionPolicy | None
    holder_id: str | None
    dispatcher: BackgroundDispatcher | None
    work_clock: Callable[[], float]
    observer: RuntimeObserver | None


class Engine:
    """Starts, runs in budgeted slices, and reports on durable operations.

    Every method returns the same pydantic models the MCP and OpenAI tools
    return, and raises only :class:`~agent_tools.core.errors.AgentToolsError`
    subclasses for problems a caller can act on. ``work_clock`` measures the work
    chunks do (active time, rate, ETA, adaptive chunk sizes); tests pass one that
    counts work so that those numbers do not depend on the machine's load.
    """

    def __init__(
        self,
        store: Store,
        *,
        registry: OperationRegistry | None = None,
        settings: Settings | None = None,
        policy: ExecutionPolicy | None = None,
        holder_id: str | None = None,
        dispatcher: BackgroundDispatcher | None = None,
        work_clock: Callable[[], float] = time.monotonic,
        observer: RuntimeObserver | None = None,
    ) -> None:
        self.store = store
        self.observer = observer or NO_OBSERVER
        self.audit_trail = AuditTrail(store, self.start, self.observer)
        """Where surfaces record each access they serve (see ``runtime/audit_trail.py``)."""
        self.registry = registry or default_registry
        self.settings = settings or Settings()
        self.policy = policy or ExecutionPolicy(
            roots=tuple(path.resolve() for path in self.settings.root),
            allow_private_network=self.settings.allow_private_network,
            allowed_networks=tuple(self.settings.allow_network),
        )
        self.holder_id = holder_id or default_holder_id()
        self._dispatcher = dispatcher or InProcessDispatcher(
            self.settings.max_background,
            Maintenance.from_settings(self.settings),
            slice_s=self.settings.worker_slice_s,
        )
        self._process_pool: ProcessPoolExecutor | None = None
        self._item_less_views = ViewCache()
        self._started = False
        self._start_lock = asyncio.Lock()
        self._runners = Runners(
            RunnerEnvironment(
                store=store,
                holder_id=self.holder_id,
                policy=self.policy,
                inline_grace_s=self.settings.inline_lease_grace_s,
                background_lease_ttl_s=self.settings.lease_ttl_s,
                process_pool=self._pool,
                default_budget_s=self.settings.budget_ms / 1000,
                work_clock=work_clock,
                observer=self.observer,
                limits=self.settings.limits,
            ),
            self._get,
            self._definition_for,
        )

    @classmethod
    def from_url(
        cls, url: str, *, settings: Settings | None = None, **options: Unpack[EngineOptions]
    ) -> Engine:
        """An engine on the store at ``url`` (``memory://``, ``sqlite:///ops.db``, ...)."""
        return cls(open_store(url), settings=settings, **options)

    @classmethod
    def from_settings(cls, settings: Settings, **options: Unpack[EngineOptions]) -> Engine:
        """An engine on the store ``settings`` name, sealed with their encryption keys if any."""
        store = with_encryption(open_store(settings.store), settings.encryption_key_text())
        return cls(store, settings=settings, **options)

    # -- life cycle -------------------------------------------------------------------

    async def start(self) -> None:
        """Open the store and begin running background operations. Idempotent."""
        async with self._start_lock:
            if self._started:
                return
            await self.store.open()
            await self._dispatcher.start(self.store, self.run_background)
            self._started = True

    async def close(self) -> None:
        """Checkpoint and release every running operation, then close the store."""
        if not self._started:
            return
        await self._runners.stop_all(SHUTDOWN_WAIT_S)
        await self._dispatcher.close()
        await self.audit_trail.flush()
        await self.store.close()
        if self._process_pool is not None:
            self._process_pool.shutdown(wait=False, cancel_futures=True)
            self._process_pool = None
        self._started = False

    async def __aenter__(self) -> Engine:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def _pool(self) -> Executor:
        if self._process_pool is None:
            self._process_pool = make_process_pool()
        return self._process_pool

    # -- the tools ----------------------------------------------------------------------

    async def execute_incrementally(
        self,
        operation_type: str,
        input: Any,
        *,
        budget_ms: int | None = None,
        cursor: str | None = None,
        owner: str | None = None,
        on_progress: OnProgress | None = None,
        **choices: Unpack[RunChoices],
    ) -> OperationView:
        """Start an operation (or continue the one with ``operation_id``) for a budget.

        The ``choices`` (:class:`~agent_tools.runtime.operation_start.RunChoices`) are
        the run's own: ``operation_id``, ``mode`` (``inline`` or ``background``),
        ``chunk_size``, ``total_steps``, ... ``retention_s`` keeps this run that long
        after it ends (default: the server's ``retention_s`` setting, else the type's);
        ``max_result_items`` keeps only that many of its newest result items (default:
        the type's; views say how many went).

        ``timeout_ms`` limits the active run time of the whole operation (over it, the
        run fails with code ``timeout``); ``chunk_timeout_ms`` limits one chunk;
        ``checkpoint_interval`` is the number of chunks per durable checkpoint;
        ``priority`` (0-9, default the type's) orders background runs waiting for a slot.
        """
        await self.start()
        budget_s = self._budget_s(budget_ms)
        definition = self.registry.latest(operation_type)
        input_value = validate_input(definition, input)
        if choices.get("retention_s") is None:
            choices["retention_s"] = self.settings.retention_s
        owner = owner_for_new(current_principal(), owner)
        requested = new_record(definition, input_value, choices, owner)
        await check_start_limits(self.store, requested, self.settings.limits)
        requested = await with_expected_duration(self.store, requested)
        record, created = await self.store.create_operation(requested)
        if not created:
            if not may_see(current_principal(), record.owner):
                raise OperationIdTakenError(record.operation_id)
            check_same_request(record, requested)
        else:
            self.observer.status_entered(observed(record), OperationStatus.PENDING)
        return await self._continue(record, budget_s, cursor, on_progress)

    async def resume(
        self,
        operation_id: str,
        *,
        budget_ms: int | None = None,
        cursor: str | None = None,
        on_progress: OnProgress | None = None,
    ) -> OperationView:
        """Continue from the last checkpoint for a budget, returning the items after ``cursor``."""
        await self.start()
        budget_s = self._budget_s(budget_ms)
        return await self._continue(await self._owned(operation_id), budget_s, cursor, on_progress)

    async def provide_input(
        self,
        operation_id: str,
        responses: Mapping[str, Any],
        *,
        budget_ms: int | None = None,
        cursor: str | None = None,
        on_progress: OnProgress | None = None,
        ignore_unknown: bool = False,
    ) -> OperationView:
        """Answer questions the operation asked (its view's ``input_requests``), by key.

        Each answer is ``{"action": "accept", "content": {...}}`` (or ``decline`` /
        ``cancel``). Partial answers are kept; once every question is answered the
        operation continues, like :meth:`resume`, for ``budget_ms``. Answers to keys
        it is not waiting on are refused, or skipped with ``ignore_unknown``.
        """
        await self.start()
        budget_s = self._budget_s(budget_ms)
        record = await self._owned(operation_id)
        if ignore_unknown:
            # Skipped before parsing: what is sent for keys we do not wait on is not ours to judge.
            waiting_on = open_questions(record)
            responses = {key: value for key, value in responses.items() if key in waiting_on}
        check_size("The answers", responses, self.settings.limit_input_bytes, SMALLER_HINT)
        answers = parse_responses(responses)
        record = await record_answers(self.store, record, answers, ignore_unknown=ignore_unknown)
        if record.input_round is None or not record.input_round.complete:
            return await self._view(record, cursor)
        return await self._continue(record, budget_s, cursor, on_progress)

    async def get_progress(self, operation_id: str, *, wait_ms: int = 0) -> OperationView:
        """Status and progress; with ``wait_ms``, wait until progress changes first."""
        await self.start()
        if wait_ms < 0:
            raise InvalidInputError("wait_ms must not be negative.", "Pass 0 to not wait.")
        record = await self._owned(operation_id)
        wait_s = min(wait_ms, self.settings.max_wait_ms) / 1000
        if wait_s > 0 and record.status in (OperationStatus.PENDING, OperationStatus.RUNNING):
            await self.store.wait_for_change(operation_id, record.revision, wait_s)
            record = await self._get(operation_id)
        return await self._view(record, None, with_items=False)

    async def wait_for_change(
        self, operation_id: str, revision: int | None = None, *, wait_ms: int = 0
    ) -> ChangeMark:
        """The operation's mark once its revision differs from ``revision`` or ``wait_ms`` passed.

        Every commit and status change raises the revision, whatever the status
        (``get_progress`` waits only while work runs); resource subscriptions watch it.
        Another principal's operation answers like an unknown one.
        """
        await self.start()
        record = await self._owned(operation_id)
        if revision is not None and record.revision == revision and wait_ms > 0:
            await self.store.wait_for_change(operation_id, revision, wait_ms / 1000)
            record = await self._get(operation_id)
        return ChangeMark(record.revision, record.status)

    async def get_results(
        self, operation_id: str, *, cursor: str | None = None, limit: int | None = None
    ) -> OperationView:
        """A page of the result log after ``cursor``."""
        await self.start()
        check_limit(limit)
        record = await self._owned(operation_id)
        return await self._view(record, cursor, limit=limit)

    async def pause(self, operation_id: str) -> OperationView:
        """Stop at the next chunk boundary and rest at the checkpoint; resume continues."""
        await self.start()
        record = await self._owned(operation_id)
        if record.status is not OperationStatus.PAUSED:
            record = await pause_status(self.store, record)
            self.observer.status_entered(observed(record), OperationStatus.PAUSED)
            await self._runners.stop(operation_id, "pause")
        return await self._view(await self._get(operation_id), None, with_items=False)

    async def cancel(self, operation_id: str, *, reason: str | None = None) -> OperationView:
        """Stop for good; an async chunk in flight is interrupted. Committed results stay."""
        await self.start()
        record = await self._owned(operation_id)
        if record.status is not OperationStatus.CANCELLED:
            record = await cancel_status(self.store, record, reason)
            self.observer.status_entered(observed(record), OperationStatus.CANCELLED)
            await self._runners.stop(operation_id, "cancel")
        return await self._view(await self._get(operation_id), None, with_items=False)

    async def list_operations(
        self,
        *,
        status: str | None = None,
        operation_type: str | None = None,
        limit: int | None = None,
        cursor: str | None = None,
        owner: str | None = None,
    ) -> OperationList:
        """Operations, newest first, a page at a time."""
        await self.start()
        query = operation_query(
            status, operation_type, limit, cursor, owner_filter(current_principal(), owner)
        )
        return await list_page(self.store, query)

    async def inspect(self, operation_id: str) -> OperationDetail:
        """The operator's view: status and progress, lease, latest checkpoints, audit log."""
        await self.start()
        record = await self._owned(operation_id)
        events = await self.store.list_events(operation_id)
        view = await self._view(record, None, with_items=False)
        return build_detail(record, view, events, time.time())

    def describe_operation_types(self) -> OperationTypeList:
        """Every registered type with its description and input schema."""
        return type_list(self.registry)

    async def record_progress(
        self,
        operation_id: str,
        *,
        completed_steps: list[str],
        state: JsonValue = None,
        notes: str | None = None,
        completed: bool = False,
    ) -> OperationView:
        """Checkpoint a step of an agent-driven operation (the agent does the work)."""
        await self.start()
        limits = self.settings.limits
        check_size("The state", state, limits.state_bytes, "Keep less in the state.")
        check_size(
            "The notes and steps", [notes, completed_steps], limits.input_bytes, SMALLER_HINT
        )
        record = await self._owned(operation_id)
        definition = self._definition_for(record)
        check_agent_driven(definition, record)
        await record_agent_progress(
            self.store,
            record,
            holder_id=self.holder_id,
            type_version=definition.version,
            completed_steps=completed_steps,
            state=state,
            notes=notes,
            completed=completed,
        )
        return await self._view(await self._get(operation_id), None, with_items=False)

    # -- running ------------------------------------------------------------------------

    async def run_background(self, operation_id: str, run_for_s: float | None = None) -> bool:
        """Run a background operation in this process until it ends or ``run_for_s`` passes.

        Returns whether work remains (so a worker re-enqueues it).
        """
        return await self._runners.run_background(operation_id, run_for_s)

    async def _continue(
        self,
        record: OperationRecord,
        budget_s: float,
        cursor: str | None,
        on_progress: OnProgress | None,
    ) -> OperationView:
        deadline = time.monotonic() + budget_s
        definition = self._definition_for(record)
        if record.status.is_terminal or waiting_for_input(record):
            return await self._view(record, cursor)
        if definition.agent_driven:
            if record.status is not OperationStatus.RUNNING:
                record = await self._resume_status(record)
            return await self._view(record, cursor)
        if record.settings.mode == "background":
            if record.status is OperationStatus.PAUSED:
                await self._resume_status(record)
            await self._dispatcher.dispatch(record.operation_id, record.priority)
            await self._runners.follow(record.operation_id, deadline, on_progress)
        else:
            await self._runners.run_inline(record.operation_id, deadline, on_progress)
        return await self._view(await self._get(record.operation_id), cursor)

    async def _resume_status(self, record: OperationRecord) -> OperationRecord:
        return await change_status_or_explain(
            self.store, record, OperationStatus.RUNNING, Event(kind="resumed", at=time.time())
        )

    # -- helpers ------------------------------------------------------------------------

    def _budget_s(self, budget_ms: int | None) -> float:
        chosen = self.settings.budget_ms if budget_ms is None else budget_ms
        if chosen < 0:
            raise InvalidInputError(
                f"budget_ms must not be negative, got {budget_ms}.",
                f"Omit budget_ms for the default of {self.settings.budget_ms} ms.",
            )
        return min(chosen, self.settings.max_budget_ms) / 1000

    async def _owned(self, operation_id: str) -> OperationRecord:
        """The record, if the calling principal may see it; another's answers like no record."""
        record = await self.store.get_operation(operation_id)
        if record is None:
            raise OperationNotFoundError(operation_id)
        if not may_see(current_principal(), record.owner):
            raise HiddenOperationError(operation_id)
        return record

    async def _get(self, operation_id: str) -> OperationRecord:
        record = await self.store.get_operation(operation_id)
        if record is None:
            raise OperationNotFoundError(operation_id)
        return record

    def _definition_for(self, record: OperationRecord) -> OperationType:
        return self.registry.for_version(
            record.operation_type, record.type_version, record.operation_id
        )

    async def _view(
        self,
        record: OperationRecord,
        cursor: str | None,
        *,
        with_items: bool = True,
        limit: int | None = None,
    ) -> OperationView:
        """The operation's view; with ``with_items``, the items after ``cursor`` too."""
        held = held_elsewhere(record, self.holder_id, time.time())
        if with_items:
            max_items = self.settings.response_max_items
            return await self._read_view(record, cursor, min(limit or max_items, max_items), held)
        # Polling get_progress rebuilds nothing until the operation changes.
        key = ViewCache.key(record, held)
        view = self._item_less_views.get(record.operation_id, key)
        if view is None:
            view = await self._read_view(record, None, 0, held)
            self._item_less_views.put(record.operation_id, key, view)
        return view

    async def _read_view(
        self, record: OperationRecord, cursor: str | None, max_items: int, held: bool
    ) -> OperationView:
        return await read_view(
            self.store,
            record,
            cursor=cursor,
            max_items=max_items,
            max_bytes=self.settings.response_max_bytes,
            agent_driven=self._definition_for(record).agent_driven,
            held_elsewhere=held,
        )
