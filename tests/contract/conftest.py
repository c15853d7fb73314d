from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_tools.stores.base import Store
from tests.contract.backends import BACKENDS, opened_store


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def store(backend: str, tmp_path: Path) -> AsyncIterator[Store]:
    async with opened_store(backend, tmp_path) as opened:
        yield opened
