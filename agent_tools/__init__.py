"""agent-tools: long operations for LLM agents, run in budgeted, checkpointed slices.

The public API. ``OpenAITools`` is imported on first use so that embedding the
engine pulls in only pydantic and aiosqlite.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agent_tools.core.chunk_progress import ChunkProgress
from agent_tools.core.definitions import (
    ChunkResult,
    OperationType,
    ProgressUpdate,
    RetryPolicy,
    agent_driven_operation,
    operation,
)
from agent_tools.core.errors import AgentToolsError
from agent_tools.core.input_requests import InputRequest, InputResponse
from agent_tools.core.policy import ExecutionPolicy
from agent_tools.core.registry import OperationRegistry, default_registry
from agent_tools.core.status import OperationStatus
from agent_tools.core.views import OperationList, OperationView, ProgressView
from agent_tools.runtime.engine import Engine
from agent_tools.settings import Settings
from agent_tools.stores import open_store
from agent_tools.version import __version__

if TYPE_CHECKING:
    from agent_tools.surfaces.openai_tools import OpenAITools

__all__ = [
    "AgentToolsError",
    "ChunkProgress",
    "ChunkResult",
    "Engine",
    "ExecutionPolicy",
    "InputRequest",
    "InputResponse",
    "OpenAITools",
    "OperationList",
    "OperationRegistry",
    "OperationStatus",
    "OperationType",
    "OperationView",
    "ProgressUpdate",
    "ProgressView",
    "RetryPolicy",
    "Settings",
    "__version__",
    "agent_driven_operation",
    "default_registry",
    "open_store",
    "operation",
]


def __getattr__(name: str) -> Any:
    if name == "OpenAITools":
        from agent_tools.surfaces.openai_tools import OpenAITools

        return OpenAITools
    raise AttributeError(f"module 'agent_tools' has no attribute {name!r}")
