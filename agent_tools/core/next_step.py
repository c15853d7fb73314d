"""The plain-language ``next_step`` an agent reads to know which call to make."""

from __future__ import annotations

from agent_tools.core.records import OperationRecord, waiting_for_input
from agent_tools.core.status import OperationStatus


def _cursor_phrase(cursor: str | None) -> str:
    return f' and cursor="{cursor}"' if cursor is not None else ""


def _remaining_phrase(record: OperationRecord) -> str:
    progress = record.progress
    parts = []
    if progress.total_steps:
        parts.append(f"{progress.current_step}/{progress.total_steps} steps done")
    else:
        parts.append(f"{progress.current_step} steps done")
    if progress.eta_seconds is not None:
        eta = progress.eta_seconds
        parts.append("under 1 s of work left" if eta < 1 else f"about {eta:.0f} s of work left")
    return ", ".join(parts)


def _answer_phrase(record: OperationRecord, op: str) -> str:
    assert record.input_round is not None
    keys = sorted(record.input_round.outstanding)
    example = ", ".join(f'"{key}": {{"action": "accept", "content": {{...}}}}' for key in keys)
    return (
        f"Waiting for answers to {len(keys)} question(s) in input_requests (ask the user "
        f"when they need a person's decision). Call provide_input({op}, responses={{{example}}}); "
        "content must match each question's requested_schema. It resumes once all are answered."
    )


def next_step(
    record: OperationRecord,
    *,
    next_cursor: str | None,
    has_more: bool,
    remaining_agent_steps: list[str] | None = None,
    agent_driven: bool = False,
    held_elsewhere: bool = False,
) -> str:
    """What the agent should call next, given where the operation stands."""
    op = f'operation_id="{record.operation_id}"'
    status = record.status
    if status is OperationStatus.COMPLETED:
        if has_more:
            return (
                f"Completed. Read the remaining result items with get_results({op}"
                f"{_cursor_phrase(next_cursor)}); the final result is in result."
            )
        return "Completed; the final result is in result. No further calls are needed."
    if status is OperationStatus.FAILED:
        hint = record.error.hint if record.error else ""
        return f"Failed; see error. {hint} Do not resume it.".strip()
    if status is OperationStatus.CANCELLED:
        return (
            "Cancelled; it will not run again. Start a new operation with "
            "execute_incrementally if the work is still needed."
        )
    if waiting_for_input(record):
        return _answer_phrase(record, op)
    if agent_driven:
        if remaining_agent_steps:
            step = remaining_agent_steps[0]
            return (
                f'Do the next step yourself: "{step}". Then call record_progress({op}, '
                f'completed_steps=["{step}"], state=<what you need to continue>, '
                "notes=<what you found>). After any interruption, call resume "
                f"({op}) to get the saved state back."
            )
        return (
            f"Do the next part of the task yourself, then call record_progress({op}, "
            "completed_steps=[...], state=..., completed=true when everything is done)."
        )
    if record.settings.mode == "background" and status in (
        OperationStatus.PENDING,
        OperationStatus.RUNNING,
    ):
        return (
            f"Running in the background ({_remaining_phrase(record)}). Call get_progress({op}, "
            f"wait_ms=20000) to wait for progress without burning turns, and get_results({op}"
            f"{_cursor_phrase(next_cursor)}) for new items."
        )
    if held_elsewhere:
        return (
            f"Another process is running this operation now ({_remaining_phrase(record)}), "
            f"so this call could not work on it. Call get_progress({op}, wait_ms=20000) to "
            f"follow it without burning turns, and resume({op}"
            f"{_cursor_phrase(next_cursor)}) once it rests."
        )
    if status is OperationStatus.RUNNING:
        return (
            f"A chunk is still finishing ({_remaining_phrase(record)}). Call resume({op}"
            f"{_cursor_phrase(next_cursor)}) to continue and collect new items."
        )
    return (
        f"Not finished yet ({_remaining_phrase(record)}); it rests at its last checkpoint. "
        f"Call resume({op}{_cursor_phrase(next_cursor)}) to continue. Nothing is lost if "
        "you stop here or the conversation ends."
    )
