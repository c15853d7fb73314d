"""The catalog reads of the engine: pages of operations and the registered types."""

from __future__ import annotations

from agent_tools.core.errors import InvalidInputError
from agent_tools.core.records import OperationQuery
from agent_tools.core.registry import OperationRegistry
from agent_tools.core.status import OperationStatus
from agent_tools.core.views import OperationList, OperationTypeInfo, OperationTypeList, summarize
from agent_tools.runtime.cursors import list_cursor, list_position
from agent_tools.stores.base import Store

LIST_LIMIT_DEFAULT = 50
LIST_LIMIT_MAX = 200


def check_limit(limit: int | None) -> None:
    """Refuse a page size below one (None means the default)."""
    if limit is not None and limit < 1:
        raise InvalidInputError("limit must be at least 1.", "Omit limit for the default.")


def operation_query(
    status: str | None,
    operation_type: str | None,
    limit: int | None,
    cursor: str | None,
    owner: str | None,
) -> OperationQuery:
    """The store query for a ``list_operations`` call, its arguments checked."""
    try:
        status_filter = OperationStatus(status) if status else None
    except ValueError:
        raise InvalidInputError(
            f"Unknown status {status!r}.",
            f"Use one of: {', '.join(s.value for s in OperationStatus)}.",
        ) from None
    check_limit(limit)
    return OperationQuery(
        status=status_filter,
        operation_type=operation_type,
        owner=owner,
        limit=min(limit or LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX),
        before=list_position(cursor),
    )


async def list_page(store: Store, query: OperationQuery) -> OperationList:
    """One page of summaries, newest first, with the cursor of the next page."""
    page = await store.list_operations(query)
    last = page.records[-1] if page.records else None
    return OperationList(
        operations=[summarize(record) for record in page.records],
        next_cursor=list_cursor(last.created_at, last.operation_id)
        if last and page.has_more
        else None,
        has_more=page.has_more,
    )


def type_list(registry: OperationRegistry) -> OperationTypeList:
    """Every registered type (its latest version) with its description and input schema."""
    return OperationTypeList(
        operation_types=[
            OperationTypeInfo(
                name=definition.name,
                version=definition.version,
                description=definition.description,
                agent_driven=definition.agent_driven,
                input_schema=definition.input_schema(),
                default_chunk_size=definition.chunk_size,
                adaptive_chunk_size=definition.adaptive_chunk_size,
                default_priority=definition.priority,
                max_result_items=definition.max_result_items,
            )
            for definition in registry.all_latest()
        ]
    )
