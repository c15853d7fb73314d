"""Encryption as configured: the keys command, the settings, and a served HTTP server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mcp import Client

from agent_tools import Engine, Settings
from agent_tools.stores.encrypted_store import EncryptedStore
from agent_tools.stores.encryption import Keyring
from tests.mcp.conftest import start_http_server, structured

MARKER = "Opaque-4c1d8e"


def _generated_key() -> str:
    done = subprocess.run(
        [sys.executable, "-m", "agent_tools.surfaces.cli", "keys", "generate"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def test_keys_generate_prints_a_key_the_server_accepts() -> None:
    line = _generated_key()
    keyring = Keyring.parse(line)
    assert keyring.newest == line.split(":")[0]
    assert Keyring.parse(f"{line},{_generated_key()}").newest != keyring.newest


def test_the_keys_come_from_the_environment_or_a_file(tmp_path: Path) -> None:
    keys_file = tmp_path / "keys"
    keys_file.write_text(_generated_key() + "\n")
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    from_variable = Settings.load(environ={"AGENT_TOOLS_ENCRYPTION_KEYS": _generated_key()})
    from_file = Settings.load(environ={"AGENT_TOOLS_ENCRYPTION_KEYS_FILE": str(keys_file)})
    for settings in (from_variable, from_file):
        engine = Engine.from_settings(settings.model_copy(update={"store": url}))
        assert isinstance(engine.store, EncryptedStore)
    assert not isinstance(Engine.from_settings(Settings(store=url)).store, EncryptedStore)


def _database_bytes(folder: Path) -> bytes:
    """The SQLite file with its WAL and shared-memory files, as they lie on disk."""
    return b"".join(path.read_bytes() for path in folder.glob("ops.db*"))


async def test_a_served_operation_leaves_no_plaintext_in_the_database(tmp_path: Path) -> None:
    database = tmp_path / "ops.db"
    server = start_http_server(
        f"sqlite:///{database}", AGENT_TOOLS_ENCRYPTION_KEYS=_generated_key()
    )
    try:
        async with Client(server.url, read_timeout_seconds=60) as client:
            view = structured(
                await client.call_tool(
                    "execute_incrementally",
                    {"operation_type": "agent_task", "input": {"goal": MARKER}},
                )
            )
            await client.call_tool(
                "record_progress",
                {"operation_id": view["operation_id"], "completed_steps": [MARKER]},
            )
            resumed = structured(
                await client.call_tool("resume", {"operation_id": view["operation_id"]})
            )
    finally:
        server.stop()
    held = _database_bytes(tmp_path)
    assert MARKER in str(resumed)
    assert MARKER.encode() not in held
