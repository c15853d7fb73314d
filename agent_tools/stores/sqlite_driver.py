"""Running the shared SQL plans on a plain ``sqlite3`` connection, synchronously."""

from __future__ import annotations

import sqlite3
from typing import Any, TypeVar

from agent_tools.stores.sql.dialect import SQLITE
from agent_tools.stores.sql.plan import Notify, Plan, Step, Steps

T = TypeVar("T")


def run_plan(db: sqlite3.Connection, plan: Plan[T]) -> tuple[T, list[str]]:
    """Run ``plan`` on ``db``, writes in one immediate transaction.

    Returns the plan's result and the operation ids it notified, for the caller
    to wake once the transaction has committed.
    """
    notified: list[str] = []
    # One cursor for the whole plan: Connection.execute makes a new one per statement.
    cursor = db.cursor()
    if plan.access == "read":
        return _drive(cursor, plan.steps, notified), notified
    # Spelled out rather than a context manager: this runs once per checkpoint.
    cursor.execute("BEGIN IMMEDIATE")
    try:
        result = _drive(cursor, plan.steps, notified)
        cursor.execute("COMMIT")
    except BaseException:
        # A COMMIT refused (busy) leaves the transaction open: end it here too.
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    return result, notified


def _drive(db: sqlite3.Cursor, steps: Steps[T], notified: list[str]) -> T:
    try:
        step = next(steps)
        while True:
            step = steps.send(_perform(db, step, notified))
    except StopIteration as finished:
        result: T = finished.value
        return result


def _perform(db: sqlite3.Cursor, step: Step, notified: list[str]) -> Any:
    if isinstance(step, Notify):
        notified.append(step.operation_id)
        return None
    sql = SQLITE.render(step.sql)
    if step.returns == "batch":
        db.executemany(sql, step.parameters)
        return None
    db.execute(sql, step.parameters)
    if step.returns == "row":
        return db.fetchone()
    if step.returns == "rows":
        return db.fetchall()
    return None
