"""Embedding the engine pulls in pydantic and aiosqlite only."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = (
    "mcp",
    "openai",
    "httpx",
    "httpx2",
    "starlette",
    "uvicorn",
    "celery",
    "redis",
    "asyncpg",
)


def test_the_engine_and_stores_import_no_surface_or_network_package() -> None:
    code = (
        "import sys\n"
        "import agent_tools\n"
        "from agent_tools import Engine, open_store\n"
        "import agent_tools.stores.memory, agent_tools.stores.sqlite\n"
        "import agent_tools.runtime.engine\n"
        f"loaded = sorted(m for m in {FORBIDDEN!r} if m in sys.modules)\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
