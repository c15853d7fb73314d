"""Recording answers to an operation's questions: ``provide_input`` and ``tasks/update``.

Answers are merged into the stored round with a compare-and-set on the record's
revision, so answers sent at the same time by two callers are all kept. Nothing
is stored when any answer is malformed or does not fit its question's schema.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from agent_tools.core.errors import (
    InputNotRequestedError,
    InvalidInputError,
    OperationBusyError,
    validation_problems,
)
from agent_tools.core.input_requests import InputResponse, InputRound, answer_problems
from agent_tools.core.principals import current_principal
from agent_tools.core.records import Event, InputRoundChange, OperationRecord, open_questions
from agent_tools.core.status import OperationStatus
from agent_tools.runtime.control import CAS_ATTEMPTS, reread
from agent_tools.stores.base import Store


def parse_responses(responses: Mapping[str, Any]) -> dict[str, InputResponse]:
    """Answers by key, each checked to be ``{action, content}``; all problems at once."""
    parsed: dict[str, InputResponse] = {}
    problems: list[str] = []
    for key, value in responses.items():
        try:
            parsed[key] = InputResponse.model_validate(value)
        except ValidationError as error:
            problems.extend(f"{key}.{problem}" for problem in validation_problems(error, "answer"))
    if problems:
        raise InvalidInputError(
            f"Malformed answers: {'; '.join(problems)}.",
            'Send each answer as {"action": "accept", "content": {...}} (or action '
            '"decline" / "cancel" without content).',
            problems=problems,
        )
    return parsed


def merged_round(
    record: OperationRecord, responses: Mapping[str, InputResponse], *, ignore_unknown: bool
) -> InputRound | None:
    """The record's round with these answers added; None when none of them is new.

    Keys the operation is not waiting on are refused with
    :class:`InputNotRequestedError`, or skipped with ``ignore_unknown`` (the tasks
    extension asks servers to ignore them).
    """
    outstanding = open_questions(record)
    unknown = sorted(key for key in responses if key not in outstanding)
    if unknown and not ignore_unknown:
        raise InputNotRequestedError(record.operation_id, unknown, sorted(outstanding))
    fresh = {key: answer for key, answer in responses.items() if key in outstanding}
    current = record.input_round
    if current is None or not fresh:
        return None
    problems = [
        f"{key}: {problem}"
        for key, answer in fresh.items()
        for problem in answer_problems(outstanding[key], answer)
    ]
    if problems:
        raise InvalidInputError(
            f"Answers that do not fit their questions: {'; '.join(problems)}.",
            "Match each answer's content to the requested_schema of its question.",
            problems=problems,
        )
    by_name = {current.name_of(key): answer for key, answer in fresh.items()}
    return current.answered({name: answer for name, answer in by_name.items() if name})


async def record_answers(
    store: Store,
    record: OperationRecord,
    responses: Mapping[str, InputResponse],
    *,
    ignore_unknown: bool,
) -> OperationRecord:
    """Store the answers; a background operation whose round is complete becomes running."""
    current = record
    for _ in range(CAS_ATTEMPTS):
        input_round = merged_round(current, responses, ignore_unknown=ignore_unknown)
        if input_round is None:
            return current
        answered = sorted(set(responses) & set(open_questions(current)))
        resumes = (
            input_round.complete
            and current.settings.mode == "background"
            and current.status is OperationStatus.PAUSED
        )
        saved = await store.save_input_round(
            InputRoundChange(
                operation_id=current.operation_id,
                expected_revision=current.revision,
                input_round=input_round,
                status=OperationStatus.RUNNING if resumes else current.status,
                event=Event(
                    kind="input_received",
                    at=time.time(),
                    detail={"keys": list(answered), "complete": input_round.complete},
                ),
                actor=current_principal().name,
            ),
            time.time(),
        )
        if saved is not None:
            return saved
        current = await reread(store, current.operation_id)
    raise OperationBusyError(current.operation_id, "other writers")
