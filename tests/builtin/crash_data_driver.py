"""Run one data_processing operation to completion in slices on a SQLite store.

Killed at a random moment by a test, then run again to finish the same operation.
Usage: python -m tests.builtin.crash_data_driver DB_PATH ROOT SOURCE OUTPUT
Prints the final result as JSON on its last line.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import agent_tools.builtin  # noqa: F401  (registers the built-in types)
from agent_tools import Engine, OperationStatus, Settings
from agent_tools.core.policy import ExecutionPolicy

OPERATION_ID = "crash-data"


def crash_input(source: str, output: str) -> dict[str, Any]:
    return {
        "path": source,
        "where": [{"field": "amount", "op": "ge", "value": 0}],
        "select": ["id", "city", "amount"],
        "group_by": ["city"],
        "aggregates": [
            {"function": "count"},
            {"function": "sum", "field": "amount"},
            {"function": "mean", "field": "amount"},
        ],
        "output_path": output,
    }


async def main(db_path: str, root: Path, source: str, output: str) -> None:
    settings = Settings(inline_lease_grace_s=0.5, budget_ms=100)
    policy = ExecutionPolicy(roots=(root,))
    async with Engine.from_url(f"sqlite:///{db_path}", settings=settings, policy=policy) as e:
        print("started", flush=True)
        view = await e.execute_incrementally(
            "data_processing",
            crash_input(source, output),
            operation_id=OPERATION_ID,
            chunk_size=50,
        )
        while view.status is not OperationStatus.COMPLETED:
            view = await e.resume(OPERATION_ID)
        print(json.dumps(view.result), flush=True)


if __name__ == "__main__":
    database, root, source, output = sys.argv[1:5]
    asyncio.run(main(database, Path(root).resolve(), source, output))
