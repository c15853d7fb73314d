"""computation: verifiable answers, independent of how the work is cut into chunks."""

from __future__ import annotations

import hashlib
import itertools
import math
import pickle
import random

import pytest

from agent_tools.builtin.computation import (
    ComputationInput,
    computation,
    hash_chain,
    points_inside_circle,
    primes_between,
)
from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.policy import ExecutionPolicy
from agent_tools.runtime.chunk_call import _call_by_name, make_process_pool
from tests.builtin.helpers import run_all

POLICY = ExecutionPolicy()


def is_prime(number: int) -> bool:
    return number >= 2 and all(number % divisor for divisor in range(2, math.isqrt(number) + 1))


@pytest.mark.parametrize(("low", "high"), [(0, 2), (0, 3), (0, 100), (90, 200), (9973, 10_060)])
def test_primes_between_matches_trial_division(low: int, high: int) -> None:
    assert primes_between(low, high) == [n for n in range(low, high) if is_prime(n)]


async def test_prime_count_up_to_a_million_is_the_known_value() -> None:
    run = await run_all(
        computation, {"task": "primes", "start": 0, "stop": 1_000_000}, POLICY, chunk_size=7_919
    )
    assert run.result["count"] == 78_498


async def test_listed_primes_across_chunks_are_all_the_primes_of_the_range() -> None:
    run = await run_all(
        computation,
        {
            "task": "primes",
            "start": 1000,
            "stop": 3000,
            "list_primes": True,
            "units_per_chunk": 333,
        },
        POLICY,
        chunk_size=1,
    )
    listed = [prime for item in run.items for prime in item["primes"]]
    assert listed == [n for n in range(1000, 3000) if is_prime(n)]
    assert run.result["count"] == len(listed)


async def test_hash_chain_equals_repeated_sha256() -> None:
    digest = hashlib.sha256(b"start").digest()
    for _ in range(5000):
        digest = hashlib.sha256(digest).digest()
    run = await run_all(
        computation,
        {"task": "hash_chain", "seed": "start", "iterations": 5000, "units_per_chunk": 777},
        POLICY,
        chunk_size=1,
    )
    assert run.result["digest"] == digest.hex()


def test_monte_carlo_counts_do_not_depend_on_chunk_boundaries() -> None:
    whole = points_inside_circle("s", 0, 200_000)
    cut = [0, 1, 65_535, 65_537, 131_072, 150_000, 200_000]
    pieces = sum(
        points_inside_circle("s", start, end - start) for start, end in itertools.pairwise(cut)
    )
    assert pieces == whole


async def test_monte_carlo_pi_is_deterministic_and_close_to_pi() -> None:
    raw = {"task": "monte_carlo_pi", "samples": 300_000, "seed": "42"}
    one = await run_all(computation, {**raw, "units_per_chunk": 300_000}, POLICY, chunk_size=1)
    many = await run_all(computation, {**raw, "units_per_chunk": 12_345}, POLICY, chunk_size=1)
    assert one.result == many.result
    assert abs(one.result["pi_estimate"] - math.pi) < 0.02
    other_seed = await run_all(computation, {**raw, "seed": "43"}, POLICY, chunk_size=100_000)
    assert other_seed.result != one.result


def test_hash_chain_of_zero_rounds_is_the_input() -> None:
    digest = random.Random(1).randbytes(32).hex()
    assert hash_chain(digest, 0) == digest


def test_a_chunk_runs_in_a_spawned_process_by_module_and_name() -> None:
    request = ComputationInput(task="primes", start=0, stop=100_000)
    progress = ChunkProgress("op", 0, 0, None, 10_000, policy=POLICY)
    state = {"done": 0, "count": 0, "digest": ""}
    pickle.dumps((request, state, progress))
    function = computation.chunk_function
    assert function is not None
    with make_process_pool(1) as pool:
        result = pool.submit(
            _call_by_name,
            function.__module__,
            function.__qualname__,
            request,
            state,
            progress,
            0,
        ).result(timeout=60)
    assert result.completed
    assert result.result["count"] == 9592


@pytest.mark.parametrize(
    "raw",
    [
        {"task": "primes", "start": 5, "stop": 5},
        {"task": "hash_chain"},
        {"task": "monte_carlo_pi", "samples": 0},
        {"task": "sort"},
    ],
)
def test_inputs_without_work_are_rejected(raw: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ComputationInput.model_validate(raw)
