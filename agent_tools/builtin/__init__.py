"""The built-in operation types; importing this package registers them all.

Also the ``agent_tools.operations`` entry point of this distribution.
"""

from agent_tools.builtin import (
    agent_task,
    api_integration,
    computation,
    data_processing,
    file_operation,
)

__all__ = [
    "agent_task",
    "api_integration",
    "computation",
    "data_processing",
    "file_operation",
]
