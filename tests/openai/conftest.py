from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from agent_tools import Engine, OpenAITools, OperationRegistry
from agent_tools.surfaces.schema_export import builtin_registry
from tests.engine import ops


@pytest.fixture
def registry() -> OperationRegistry:
    registry = builtin_registry()
    registry.register(ops.count)
    registry.register(ops.review)
    return registry


@pytest.fixture
async def tools(registry: OperationRegistry) -> AsyncIterator[OpenAITools]:
    async with Engine.from_url("memory://", registry=registry) as engine:
        yield OpenAITools(engine)


@pytest.fixture
async def engine(registry: OperationRegistry) -> AsyncIterator[Engine]:
    async with Engine.from_url("memory://", registry=registry) as running:
        yield running
