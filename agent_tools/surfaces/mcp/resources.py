"""Operations as MCP resources: ``agent-tools://operations/{operation_id}``."""

from __future__ import annotations

from typing import Any

from mcp.server.context import ServerRequestContext
from mcp.shared.exceptions import MCPError
from mcp_types import (
    INVALID_PARAMS,
    ListResourcesResult,
    ListResourceTemplatesResult,
    PaginatedRequestParams,
    ReadResourceRequestParams,
    ReadResourceResult,
    Resource,
    ResourceTemplate,
    TextResourceContents,
)

from agent_tools.core.errors import AgentToolsError
from agent_tools.runtime.engine import Engine

URI_PREFIX = "agent-tools://operations/"
URI_TEMPLATE = URI_PREFIX + "{operation_id}"
LISTED_OPERATIONS = 50
MIME_TYPE = "application/json"


def operation_uri(operation_id: str) -> str:
    return URI_PREFIX + operation_id


class OperationResources:
    """Resource handlers reading operations through the engine (status and progress, no items)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    async def list_templates(
        self, context: ServerRequestContext[Any, Any], params: PaginatedRequestParams | None
    ) -> ListResourceTemplatesResult:
        return ListResourceTemplatesResult(
            resource_templates=[
                ResourceTemplate(
                    uri_template=URI_TEMPLATE,
                    name="operation",
                    title="A durable operation",
                    description="Status, progress, ETA, result and next step of one operation.",
                    mime_type=MIME_TYPE,
                )
            ]
        )

    async def list_resources(
        self, context: ServerRequestContext[Any, Any], params: PaginatedRequestParams | None
    ) -> ListResourcesResult:
        page = await self._engine.list_operations(limit=LISTED_OPERATIONS)
        return ListResourcesResult(
            resources=[
                Resource(
                    uri=operation_uri(summary.operation_id),
                    name=summary.operation_id,
                    title=f"{summary.operation_type} ({summary.status.value})",
                    mime_type=MIME_TYPE,
                )
                for summary in page.operations
            ]
        )

    async def read(
        self, context: ServerRequestContext[Any, Any], params: ReadResourceRequestParams
    ) -> ReadResourceResult:
        uri = str(params.uri)
        operation_id = operation_id_of(uri)
        try:
            view = await self._engine.get_progress(operation_id)
        except AgentToolsError as error:
            raise resource_error(uri, error) from error
        return ReadResourceResult(
            contents=[
                TextResourceContents(uri=uri, text=view.model_dump_json(), mime_type=MIME_TYPE)
            ]
        )


def parse_operation_uri(uri: str) -> str | None:
    """The operation id in an operation resource's URI, or None for any other URI."""
    operation_id = uri.removeprefix(URI_PREFIX)
    if not uri.startswith(URI_PREFIX) or not operation_id or "/" in operation_id:
        return None
    return operation_id


def operation_id_of(uri: str) -> str:
    """The operation id in an operation resource's URI; ``INVALID_PARAMS`` for any other URI."""
    operation_id = parse_operation_uri(uri)
    if operation_id is None:
        raise MCPError(
            code=INVALID_PARAMS,
            message=f"Unknown resource {uri!r}; operations are at {URI_TEMPLATE}.",
            data={"uri": uri},
        )
    return operation_id


def resource_error(uri: str, error: AgentToolsError) -> MCPError:
    """The JSON-RPC error for a refused resource request, carrying our code and hint."""
    return MCPError(code=INVALID_PARAMS, message=str(error), data={"uri": uri, **error.as_dict()})
