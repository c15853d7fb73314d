"""Printing per-chunk figures: each mode's median, and its ratio to a baseline mode."""

from __future__ import annotations

import statistics


def print_per_chunk(figures: dict[str, list[float]], baseline: str) -> None:
    """Each mode's median seconds per chunk, in microseconds and as a ratio to ``baseline``."""
    reference = statistics.median(figures[baseline])
    width = max(len(name) for name in figures)
    for name, values in figures.items():
        median = statistics.median(values)
        print(f"{name:{width}} {median * 1e6:8.1f} us/chunk  {median / reference:5.2f}x {baseline}")
