"""The MCP tasks extension (``io.modelcontextprotocol/tasks``, SEP-2663) over durable operations.

A task is an operation run in background mode: the task id is the operation id,
and the task's state is the operation's state in the store, so a task survives a
server restart or a SIGKILL and continues from its last checkpoint.
"""

from agent_tools.surfaces.mcp_tasks.extension import TasksExtension
from agent_tools.surfaces.mcp_tasks.negotiation import EXTENSION_ID

__all__ = ["EXTENSION_ID", "TasksExtension"]
