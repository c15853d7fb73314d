from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from agent_tools import Engine, Settings
from tests.engine import ops


def engine_settings(**overrides: object) -> Settings:
    values: dict[str, object] = {
        "lease_ttl_s": 2.0,
        "inline_lease_grace_s": 1.0,
        "budget_ms": 1000,
    }
    values.update(overrides)
    return Settings.model_validate(values)


@pytest.fixture(params=["memory", "sqlite"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "memory":
        return "memory://"
    return f"sqlite:///{tmp_path / 'ops.db'}"


@pytest.fixture
async def engine(store_url: str) -> AsyncIterator[Engine]:
    async with Engine.from_url(
        store_url, registry=ops.registry, settings=engine_settings()
    ) as running:
        yield running
