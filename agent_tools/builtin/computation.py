"""``computation``: deterministic CPU-bound tasks run in a process pool, a slice of units per chunk.

Every chunk depends only on the input and the state, and random draws are
seeded by the input seed and a fixed block number, so a crash and resume
gives exactly the result of an uninterrupted run.
"""

from __future__ import annotations

import hashlib
import math
import random
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.definitions import ChunkResult, ProgressUpdate, operation

MAX_LISTED_PRIMES = 1000
"""A sub-range lists its primes in its result item only when it has at most this many."""
SAMPLES_PER_SEED = 65_536
"""monte_carlo_pi reseeds its generator every this many samples (from the seed and block)."""


class ComputationInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    task: Literal["primes", "hash_chain", "monte_carlo_pi"] = Field(
        description="primes: count primes in [start, stop); hash_chain: apply sha256 "
        "`iterations` times to `seed`; monte_carlo_pi: estimate pi from `samples` seeded draws."
    )
    start: int = Field(default=0, ge=0, description="primes: first number of the range.")
    stop: int = Field(default=0, ge=0, description="primes: end of the range (exclusive).")
    list_primes: bool = Field(
        default=False, description=f"primes: list them per sub-range (up to {MAX_LISTED_PRIMES})."
    )
    iterations: int = Field(default=0, ge=0, description="hash_chain: how many sha256 rounds.")
    samples: int = Field(default=0, ge=0, description="monte_carlo_pi: how many points.")
    seed: str = Field(default="0", description="hash_chain input / monte_carlo_pi seed.")
    units_per_chunk: int | None = Field(
        default=None,
        ge=1,
        description="Numbers, rounds or samples per chunk (default: 20x chunk_size).",
    )

    @model_validator(mode="after")
    def _check_size(self) -> ComputationInput:
        if self.task == "primes" and self.stop <= self.start:
            raise ValueError("primes needs stop > start")
        if self.task == "hash_chain" and self.iterations < 1:
            raise ValueError("hash_chain needs iterations >= 1")
        if self.task == "monte_carlo_pi" and self.samples < 1:
            raise ValueError("monte_carlo_pi needs samples >= 1")
        return self

    def total_units(self) -> int:
        """The work in all, in the task's units."""
        if self.task == "primes":
            return self.stop - self.start
        return self.iterations if self.task == "hash_chain" else self.samples


def _plan(request: BaseModel) -> int:
    assert isinstance(request, ComputationInput)
    return request.total_units()


def _initial_state(request: BaseModel) -> dict[str, Any]:
    assert isinstance(request, ComputationInput)
    return {"done": 0, "count": 0, "digest": hashlib.sha256(request.seed.encode()).hexdigest()}


@operation(
    name="computation",
    input_model=ComputationInput,
    plan=_plan,
    initial_state=_initial_state,
    chunk_size=10_000,
    run_in="process",
    description=(
        "CPU-bound, verifiable work in a process pool: task='primes' counts (and optionally "
        "lists) primes in [start, stop); 'hash_chain' iterates sha256 `iterations` times over "
        "`seed`; 'monte_carlo_pi' estimates pi from `samples` points drawn from `seed`. "
        "Results are deterministic, so a resumed run equals an uninterrupted one."
    ),
)
def computation(
    request: ComputationInput, state: dict[str, Any], progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Do the next slice of units after ``state['done']``."""
    total = request.total_units()
    done = state["done"]
    units = min(request.units_per_chunk or 20 * progress.chunk_size, total - done)
    next_state = dict(state, done=done + units)
    item: dict[str, Any] | None = None
    if request.task == "primes":
        low = request.start + done
        found = primes_between(low, low + units)
        next_state["count"] = state["count"] + len(found)
        item = {"range": [low, low + units], "count": len(found)}
        if request.list_primes and len(found) <= MAX_LISTED_PRIMES:
            item["primes"] = found
    elif request.task == "hash_chain":
        next_state["digest"] = hash_chain(state["digest"], units)
    else:
        next_state["count"] = state["count"] + points_inside_circle(request.seed, done, units)
    completed = next_state["done"] >= total
    return ChunkResult(
        output=item,
        next_state=next_state,
        progress_update=ProgressUpdate(
            current_step=next_state["done"],
            total_steps=total,
            label=f"{request.task} {next_state['done']}/{total}",
        ),
        completed=completed,
        result=_result(request, next_state) if completed else None,
    )


def _result(request: ComputationInput, state: dict[str, Any]) -> dict[str, Any]:
    if request.task == "primes":
        return {
            "task": "primes",
            "start": request.start,
            "stop": request.stop,
            "count": state["count"],
        }
    if request.task == "hash_chain":
        return {"task": "hash_chain", "iterations": request.iterations, "digest": state["digest"]}
    return {
        "task": "monte_carlo_pi",
        "samples": request.samples,
        "inside": state["count"],
        "pi_estimate": 4 * state["count"] / request.samples,
    }


def primes_between(low: int, high: int) -> list[int]:
    """The primes in ``[low, high)``, by a segmented sieve."""
    if high <= 2:
        return []
    low = max(low, 2)
    limit = math.isqrt(high - 1)
    base = bytearray([1]) * (limit + 1)
    base[:2] = b"\0\0"
    for number in range(2, math.isqrt(limit) + 1):
        if base[number]:
            base[number * number :: number] = bytes(len(range(number * number, limit + 1, number)))
    segment = bytearray([1]) * (high - low)
    for prime in (number for number in range(2, limit + 1) if base[number]):
        first = max(prime * prime, (low + prime - 1) // prime * prime)
        segment[first - low :: prime] = bytes(len(range(first, high, prime)))
    return [low + offset for offset, flag in enumerate(segment) if flag]


def hash_chain(hex_digest: str, rounds: int) -> str:
    """Apply sha256 ``rounds`` times, each round hashing the previous raw digest."""
    digest = bytes.fromhex(hex_digest)
    for _ in range(rounds):
        digest = hashlib.sha256(digest).digest()
    return digest.hex()


def points_inside_circle(seed: str, first_sample: int, samples: int) -> int:
    """How many of the seeded points ``first_sample..`` fall inside the unit quarter circle.

    Draws are seeded per block of samples, so the count does not depend on how
    the samples are split into chunks.
    """
    inside = 0
    sample = first_sample
    end = first_sample + samples
    while sample < end:
        block, offset = divmod(sample, SAMPLES_PER_SEED)
        draws = random.Random(f"{seed}:{block}")
        for _ in range(offset):
            draws.random(), draws.random()
        block_end = min(end, (block + 1) * SAMPLES_PER_SEED)
        for _ in range(block_end - sample):
            x, y = draws.random(), draws.random()
            inside += x * x + y * y <= 1.0
        sample = block_end
    return inside
