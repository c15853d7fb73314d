"""An operation type for the MCP examples: count primes block by block.

Load it into a server with ``agent-tools serve --ops examples/mcp_example_ops.py``.
"""

from __future__ import annotations

import math
from typing import Any

from pydantic import BaseModel, Field

from agent_tools import ChunkProgress, ChunkResult, OperationRegistry, ProgressUpdate, operation

registry = OperationRegistry()


class PrimeCountInput(BaseModel):
    limit: int = Field(default=3_000_000, ge=2, description="Count primes below this number.")
    block_size: int = Field(default=100_000, ge=1_000, description="Numbers per chunk.")


def _blocks(task: BaseModel) -> int:
    assert isinstance(task, PrimeCountInput)
    return math.ceil(task.limit / task.block_size)


def _is_prime(number: int) -> bool:
    if number < 2:
        return False
    if number % 2 == 0:
        return number == 2
    return all(number % divisor for divisor in range(3, math.isqrt(number) + 1, 2))


@operation(
    name="prime_count",
    input_model=PrimeCountInput,
    plan=_blocks,
    run_in="process",
    register=False,
)
def prime_count(
    task: PrimeCountInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Count the primes below ``limit``, one block per chunk; each block is a result item."""
    done = state or {"block": 0, "primes": 0}
    start = done["block"] * task.block_size
    end = min(task.limit, start + task.block_size)
    found = sum(1 for number in range(start, end) if _is_prime(number))
    block = done["block"] + 1
    total = done["primes"] + found
    finished = end >= task.limit
    return ChunkResult(
        output={"from": start, "to": end, "primes": found},
        next_state={"block": block, "primes": total},
        progress_update=ProgressUpdate(current_step=block, message=f"{total} primes below {end}"),
        completed=finished,
        result={"limit": task.limit, "primes": total} if finished else None,
    )


registry.register(prime_count)
