"""Running the shared SQL plans on an asyncpg connection."""

from __future__ import annotations

from typing import Any, TypeVar

from agent_tools.stores.sql.plan import Notify, Plan, Step, Steps

T = TypeVar("T")


def channel(schema: str) -> str:
    """The LISTEN/NOTIFY channel of one store schema."""
    return f"agent_tools_{schema}"


async def run_plan(connection: Any, plan: Plan[T], schema: str) -> T:
    """Run ``plan``, in a transaction when it is ``atomic``.

    A :class:`Notify` step becomes a NOTIFY inside the transaction, so it is
    delivered exactly when the change is visible.
    """
    if plan.access != "atomic":
        return await run_steps(connection, plan.steps, schema)
    async with connection.transaction():
        return await run_steps(connection, plan.steps, schema)


async def run_steps(connection: Any, steps: Steps[T], schema: str) -> T:
    """Run ``steps`` in the caller's transaction (if any)."""
    try:
        step = next(steps)
        while True:
            step = steps.send(await _perform(connection, step, schema))
    except StopIteration as finished:
        result: T = finished.value
        return result


async def _perform(connection: Any, step: Step, schema: str) -> Any:
    if isinstance(step, Notify):
        await connection.execute("SELECT pg_notify($1, $2)", channel(schema), step.operation_id)
        return None
    if step.returns == "batch":
        await connection.executemany(step.sql, step.parameters)
        return None
    if step.returns == "row":
        return await connection.fetchrow(step.sql, *step.parameters)
    if step.returns == "rows":
        return await connection.fetch(step.sql, *step.parameters)
    await connection.execute(step.sql, *step.parameters)
    return None
