"""Calls the MCP tests repeat: run an operation to the end, check results against schemas."""

from __future__ import annotations

import time
from typing import Any

from jsonschema import Draft202012Validator
from mcp import Client

from tests.mcp.conftest import structured

RUN_DEADLINE_S = 120.0


async def output_validators(client: Client) -> dict[str, Draft202012Validator]:
    """A JSON Schema validator for each tool's declared outputSchema."""
    listing = await client.list_tools()
    validators = {}
    for tool in listing.tools:
        assert tool.output_schema is not None, tool.name
        Draft202012Validator.check_schema(tool.output_schema)
        validators[tool.name] = Draft202012Validator(tool.output_schema)
    return validators


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """Call a tool and return its structured content, failing on an error result."""
    return structured(await client.call_tool(tool, arguments))


async def resume_until_done(
    client: Client, view: dict[str, Any], budget_ms: int = 2000
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Resume until completed; returns the last view and every item seen, in order."""
    items = list(view["items"])
    deadline = time.monotonic() + RUN_DEADLINE_S
    while view["status"] != "completed" or view["has_more"]:
        assert time.monotonic() < deadline, view
        assert view["status"] not in ("failed", "cancelled"), view
        if view["status"] == "completed":
            view = await call(
                client, "get_results", operation_id=view["operation_id"], cursor=view["next_cursor"]
            )
        else:
            view = await call(
                client,
                "resume",
                operation_id=view["operation_id"],
                cursor=view["next_cursor"],
                budget_ms=budget_ms,
            )
        items.extend(view["items"])
    return view, items
