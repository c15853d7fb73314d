"""Operation types whose work is counted on a clock of their own, not timed on the machine.

Each unit a chunk handles moves :data:`clock` on by the unit's cost, and the engine
under test is given ``work_clock=clock``: chunk durations, rates and ETAs are then
exact, however loaded the machine is.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel, Field

from agent_tools import ChunkProgress, ChunkResult, OperationRegistry, operation
from agent_tools.core.definitions import ProgressUpdate

registry = OperationRegistry()


class WorkClock:
    """A monotonic clock that moves only when work is counted on it."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def spend(self, seconds: float) -> None:
        self.now += seconds


clock = WorkClock()


class Phase(BaseModel):
    units: int = Field(ge=1)
    cost_ms: float = Field(gt=0)


class PhasedInput(BaseModel):
    phases: list[Phase]
    setup_ms: float = 0
    """Work done once, in the first chunk, whatever the size of the input."""
    first_chunk_wall_ms: float = 0
    """Real time the first chunk also takes, so that a short budget ends the slice after it."""


def _total_units(task: BaseModel) -> int:
    assert isinstance(task, PhasedInput)
    return sum(phase.units for phase in task.phases)


def _cost_ms(task: PhasedInput, unit: int) -> float:
    """The cost of unit number ``unit`` (0-based): that of the phase it falls in."""
    for phase in task.phases:
        if unit < phase.units:
            return phase.cost_ms
        unit -= phase.units
    raise IndexError(unit)


async def _work(task: PhasedInput, state: Any, progress: ChunkProgress) -> ChunkResult:
    """Handle ``progress.chunk_size`` units, counting their cost on the clock."""
    done = state or 0
    total = _total_units(task)
    size = min(progress.chunk_size, total - done)
    spent_ms = task.setup_ms if done == 0 else 0.0
    if done == 0 and task.first_chunk_wall_ms:
        await asyncio.sleep(task.first_chunk_wall_ms / 1000)
    spent_ms += sum(_cost_ms(task, unit) for unit in range(done, done + size))
    clock.spend(spent_ms / 1000)
    return ChunkResult(
        output={"first_unit": done, "size": size, "ms": spent_ms},
        next_state=done + size,
        progress_update=ProgressUpdate(advance=size),
        completed=done + size >= total,
    )


@operation(
    name="phased",
    input_model=PhasedInput,
    plan=_total_units,
    chunk_size=1,
    adaptive_chunk_size=True,
    chunk_target_ms=1000,
    register=False,
)
async def phased(
    task: PhasedInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Units whose cost changes from phase to phase; chunk sizes adapt to it."""
    return await _work(task, state, progress)


@operation(
    name="phased_default_target",
    input_model=PhasedInput,
    plan=_total_units,
    chunk_size=1,
    adaptive_chunk_size=True,
    register=False,
)
async def phased_default_target(
    task: PhasedInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """The same work, sized for the default target: a fifth of the budget."""
    return await _work(task, state, progress)


@operation(name="phased_fixed", input_model=PhasedInput, plan=_total_units, register=False)
async def phased_fixed(
    task: PhasedInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """The same work in chunks of a fixed size."""
    return await _work(task, state, progress)


for definition in (phased, phased_default_target, phased_fixed):
    registry.register(definition)
