"""The JSON Schemas of the tools and the wire models, as files under ``schemas/``.

Generated from the pydantic models with the built-in operation types only, so
the files are the same on every machine; a test fails when they are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from agent_tools.core.records import ErrorInfo
from agent_tools.core.registry import OperationRegistry, default_registry
from agent_tools.core.views import (
    OperationList,
    OperationTypeList,
    OperationView,
    ProgressView,
)
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.mcp.tool_listing import catalog_tool
from agent_tools.surfaces.openai_tools import OpenAITools
from agent_tools.surfaces.tool_catalog import TOOLS

FORMATS = {
    "mcp": "mcp/tools.json",
    "openai-chat": "openai/chat.json",
    "openai-responses": "openai/responses.json",
}
MODELS: dict[str, type[BaseModel]] = {
    "models/operation_view.json": OperationView,
    "models/progress.json": ProgressView,
    "models/error.json": ErrorInfo,
    "models/operation_list.json": OperationList,
    "models/operation_type_list.json": OperationTypeList,
}


def builtin_registry() -> OperationRegistry:
    """The built-in operation types and nothing else, whatever else was imported."""
    import agent_tools.builtin  # noqa: F401  (registers the built-in types)

    registry = OperationRegistry()
    for definition in default_registry.all_latest():
        if definition.input_model.__module__.startswith("agent_tools.builtin"):
            registry.register(definition)
    return registry


def mcp_tool_list(registry: OperationRegistry) -> list[dict[str, Any]]:
    """The generic tools as an MCP ``tools/list`` result shows them."""
    return [
        catalog_tool(spec, registry).model_dump(mode="json", by_alias=True, exclude_none=True)
        for spec in TOOLS
    ]


def exported_files(registry: OperationRegistry | None = None) -> dict[str, Any]:
    """Every schema file, by its path under ``schemas/``."""
    registry = registry or builtin_registry()
    openai_tools = OpenAITools(Engine.from_url("memory://", registry=registry))
    files: dict[str, Any] = {
        FORMATS["mcp"]: mcp_tool_list(registry),
        FORMATS["openai-chat"]: openai_tools.definitions("chat"),
        FORMATS["openai-responses"]: openai_tools.definitions("responses"),
    }
    files.update({path: model.model_json_schema() for path, model in MODELS.items()})
    return files


def render(content: Any) -> str:
    return json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_files(folder: Path) -> list[Path]:
    """Write every schema file under ``folder``; return the paths written."""
    written = []
    for relative, content in exported_files().items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(render(content), encoding="utf-8")
        written.append(path)
    return written
