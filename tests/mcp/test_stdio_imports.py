"""A stdio server starts without the packages only some calls need (start-up time, issue 11.3)."""

from __future__ import annotations

import subprocess
import sys

# uvicorn and cryptography are not listed: the mcp package imports them itself.
NOT_BEFORE_USE = ("openai", "celery", "jsonschema", "httpx", "jwt")


def test_building_the_stdio_server_imports_no_package_it_does_not_use_yet() -> None:
    code = (
        "import sys\n"
        "from agent_tools.settings import Settings\n"
        "from agent_tools.surfaces import cli\n"
        "from agent_tools.surfaces.mcp.transports import engine_for, serve_stdio\n"
        "from agent_tools.surfaces.mcp.server import build_server\n"
        "build_server(engine_for(Settings(store='memory://')))\n"
        f"print(','.join(sorted(m for m in {NOT_BEFORE_USE!r} if m in sys.modules)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
