"""An operation that carries a known secret in every payload the store keeps."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from agent_tools import ChunkResult, InputRequest, OperationRegistry, operation
from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.registry import OperationRegistry as Registry
from agent_tools.runtime.loading import load_operations

SECRET = "Sesame-7f3a91c4"
"""Appears in the input, the state, a result item, the result, an answer and notes."""

registry = OperationRegistry()


class SecretInput(BaseModel):
    secret: str


@operation(name="secretive", input_model=SecretInput, register=False)
async def secretive(
    task: SecretInput, state: Any, progress: ChunkProgress, chunk_index: int
) -> ChunkResult:
    """Ask for a confirmation, then emit the secret everywhere."""
    if state is None:
        form = {"type": "object", "properties": {"word": {"type": "string"}}}
        return ChunkResult(
            next_state={"kept": task.secret},
            ask={"word": InputRequest(message="The word?", requested_schema=form)},
        )
    answer = progress.input_responses["word"].content or {}
    return ChunkResult(
        output={"item": task.secret, "answer": answer.get("word")},
        next_state={"kept": task.secret, "again": answer.get("word")},
        completed=True,
        result={"result": task.secret},
    )


registry.register(secretive)
registry.merge(load_operations([], Registry()))
