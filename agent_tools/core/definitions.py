"""How an operation type is declared: ``@operation``, ``ChunkResult``, retry policy."""

from __future__ import annotations

import inspect
import random
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias, TypedDict, Unpack

from pydantic import BaseModel, ConfigDict, Field, JsonValue, field_validator, model_validator

from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.input_requests import InputRequest, check_name
from agent_tools.core.priorities import check_priority
from agent_tools.core.result_caps import CompactResults

ChunkFunction: TypeAlias = Callable[[Any, Any, ChunkProgress, int], Any]
"""``fn(input, state, progress, chunk_index) -> ChunkResult`` (sync or async)."""

Migration: TypeAlias = Callable[[dict[str, Any], Any], tuple[dict[str, Any], Any]]
"""``migrate(input, state) -> (input, state)`` from one version to the next."""

AGENT_DRIVEN_RETENTION_S = 30 * 24 * 3600.0
"""How long an agent-driven run is kept after it ends, unless its type says otherwise."""

RunIn = Literal["event_loop", "thread", "process"]
TaskSupport = Literal["forbidden", "optional", "required"]


class ProgressUpdate(BaseModel):
    """How a chunk moves the progress: an absolute step, a relative advance, or both."""

    model_config = ConfigDict(extra="forbid")

    current_step: int | None = None
    advance: int | None = None
    total_steps: int | None = None
    label: str | None = None
    message: str | None = None


class ChunkResult(BaseModel):
    """What one chunk returns.

    ``output`` is appended to the result log as one item (unless None);
    ``items`` appends several. ``next_state`` is what the next chunk receives.
    When ``completed`` is true, ``result`` (or, if None, ``next_state``)
    becomes the operation's final result. ``ask`` puts questions to the caller:
    the operation rests until all are answered, and the next chunk reads the
    answers from ``progress.input_responses`` by the same names.
    """

    model_config = ConfigDict(arbitrary_types_allowed=False)

    output: JsonValue = None
    items: list[JsonValue] = Field(default_factory=list)
    next_state: JsonValue = None
    progress_update: ProgressUpdate | None = None
    completed: bool = False
    result: JsonValue = None
    ask: dict[str, InputRequest] = Field(default_factory=dict)

    @field_validator("ask")
    @classmethod
    def _names_are_keys(cls, ask: dict[str, InputRequest]) -> dict[str, InputRequest]:
        for name in ask:
            check_name(name)
        return ask

    @model_validator(mode="after")
    def _asks_only_while_running(self) -> ChunkResult:
        if self.ask and self.completed:
            raise ValueError("a chunk that asks for input cannot also complete the operation")
        return self

    def outputs(self) -> list[JsonValue]:
        """The result items this chunk adds, in order."""
        return ([] if self.output is None else [self.output]) + list(self.items)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter for a failing chunk."""

    max_retries: int = 3
    initial_delay_s: float = 0.5
    max_delay_s: float = 30.0
    multiplier: float = 2.0
    jitter: float = 0.25
    """Fraction of the delay added or removed at random, so retries spread out."""

    def delay_s(self, attempt: int, rng: random.Random | None = None) -> float:
        """Delay before retry number ``attempt`` (1-based)."""
        base = min(self.max_delay_s, self.initial_delay_s * self.multiplier ** (attempt - 1))
        spread = base * self.jitter * (2 * (rng or random).random() - 1)
        return max(0.0, base + spread)


@dataclass(frozen=True)
class OperationType:
    """A registered, versioned operation definition."""

    name: str
    version: int
    input_model: type[BaseModel]
    chunk_function: ChunkFunction | None
    description: str = ""
    plan: Callable[[Any], int | None] | None = None
    initial_state: Callable[[Any], Any] | None = None
    chunk_size: int = 1
    adaptive_chunk_size: bool = False
    chunk_target_ms: int | None = None
    max_chunk_size: int = 100_000
    checkpoint_interval: int = 1
    checkpoint_every_s: float | None = None
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    timeout_ms: int | None = None
    chunk_timeout_ms: int | None = None
    retention_s: float | None = 7 * 24 * 3600.0
    max_result_items: int | None = None
    """Runs keep only this many of their newest result items (None: all of them)."""
    compact_results: CompactResults | None = None
    """Folds the items a capped log drops into one summary item (see core.result_caps)."""
    priority: int = 0
    """Background runs of this type get it (0-9, higher first) unless the caller names one."""
    migrations: Mapping[int, Migration] = field(default_factory=dict)
    run_in: RunIn = "event_loop"
    agent_driven: bool = False
    expose_as_tool: bool = False
    task_support: TaskSupport = "optional"

    def __post_init__(self) -> None:
        check_priority(self.priority)
        check_result_cap(self.max_result_items)

    @property
    def is_async(self) -> bool:
        return self.chunk_function is not None and inspect.iscoroutinefunction(self.chunk_function)

    def __call__(self, input: Any, state: Any, progress: ChunkProgress, chunk_index: int) -> Any:
        """Run the chunk function directly, as the engine would (handy in tests)."""
        if self.chunk_function is None:
            raise TypeError(f"{self.name!r} is agent-driven and has no chunk function")
        return self.chunk_function(input, state, progress, chunk_index)

    def input_schema(self) -> dict[str, Any]:
        """The JSON Schema of this type's input."""
        return self.input_model.model_json_schema()


class AgentDrivenOptions(TypedDict, total=False):
    """The knobs of :func:`agent_driven_operation`, :class:`OperationType` fields of the same names.

    Whatever is left out keeps the field's default there.
    """

    plan: Callable[[Any], int | None] | None
    retention_s: float | None


class OperationOptions(AgentDrivenOptions, total=False):
    """The knobs of :func:`operation`, :class:`OperationType` fields of the same names."""

    initial_state: Callable[[Any], Any] | None
    chunk_size: int
    adaptive_chunk_size: bool
    chunk_target_ms: int | None
    max_chunk_size: int
    checkpoint_interval: int
    checkpoint_every_s: float | None
    timeout_ms: int | None
    chunk_timeout_ms: int | None
    priority: int
    max_result_items: int | None
    compact_results: CompactResults | None
    expose_as_tool: bool
    task_support: TaskSupport


def operation(
    *,
    name: str,
    input_model: type[BaseModel],
    version: int = 1,
    description: str = "",
    retry: RetryPolicy | None = None,
    migrations: Mapping[int, Migration] | None = None,
    run_in: RunIn | None = None,
    register: bool = True,
    checkpoint_every_chunks: int | None = None,
    **options: Unpack[OperationOptions],
) -> Callable[[ChunkFunction], OperationType]:
    """Declare a chunk function as an operation type and register it.

    Async functions run on the event loop; sync ones run in a thread, or in a
    process pool with ``run_in="process"`` (CPU-bound work). The decorated name
    becomes the :class:`OperationType`; ``options`` (:class:`OperationOptions`)
    set its fields of the same names. ``timeout_ms`` limits the active time of
    the whole run, ``chunk_timeout_ms`` one chunk, and ``checkpoint_interval`` is
    the number of chunks per checkpoint (``checkpoint_every_chunks`` is its
    deprecated old name). With ``adaptive_chunk_size`` the engine tunes the
    chunk size (starting at ``chunk_size``, at most ``max_chunk_size``) so that a
    chunk takes ``chunk_target_ms`` (default a fifth of the budget); the chunk
    reads its size from ``progress.chunk_size``. ``priority`` (0-9, higher first)
    orders background runs waiting for a slot or a worker. ``max_result_items``
    keeps only the newest items of a run's result log (a run may pass its own);
    the older are dropped, or folded by ``compact_results(summary, dropped)`` into
    one summary item (also for runs that set a cap of their own).
    """
    check_result_cap(options.get("max_result_items"))
    if checkpoint_every_chunks is not None:
        warnings.warn(
            "checkpoint_every_chunks is deprecated; use checkpoint_interval.",
            DeprecationWarning,
            stacklevel=2,
        )
        options["checkpoint_interval"] = checkpoint_every_chunks

    def decorate(function: ChunkFunction) -> OperationType:
        chosen = run_in or ("event_loop" if inspect.iscoroutinefunction(function) else "thread")
        definition = OperationType(
            name=name,
            version=version,
            input_model=input_model,
            chunk_function=function,
            description=description or inspect.getdoc(function) or "",
            retry=retry or RetryPolicy(),
            migrations=dict(migrations or {}),
            run_in=chosen,
            **options,
        )
        return _declared(definition, register)

    return decorate


def check_result_cap(max_result_items: int | None) -> None:
    """Refuse a cap below one item."""
    if max_result_items is not None and max_result_items < 1:
        raise ValueError(f"max_result_items must be at least 1, got {max_result_items}")


def agent_driven_operation(
    *,
    name: str,
    input_model: type[BaseModel],
    description: str,
    version: int = 1,
    register: bool = True,
    **options: Unpack[AgentDrivenOptions],
) -> OperationType:
    """Declare a type whose work the agent does itself, recorded with ``record_progress``.

    Such a run is kept ``AGENT_DRIVEN_RETENTION_S`` after it ends unless ``retention_s`` says.
    """
    options.setdefault("retention_s", AGENT_DRIVEN_RETENTION_S)
    definition = OperationType(
        name=name,
        version=version,
        input_model=input_model,
        chunk_function=None,
        description=description,
        agent_driven=True,
        **options,
    )
    return _declared(definition, register)


def _declared(definition: OperationType, register: bool) -> OperationType:
    """``definition``, added to the default registry first when ``register`` says so."""
    from agent_tools.core.registry import default_registry

    if register:
        default_registry.register(definition)
    return definition
