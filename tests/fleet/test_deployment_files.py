"""The deployment files refer to commands and settings that exist."""

from __future__ import annotations

from pathlib import Path

import yaml

from agent_tools.settings import Settings
from agent_tools.surfaces.cli import build_parser

SERVER = Path(__file__).resolve().parents[2] / "server"


def test_the_compose_file_runs_a_server_workers_postgres_and_redis() -> None:
    compose = yaml.safe_load((SERVER / "compose.yaml").read_text())
    services = compose["services"]
    assert set(services) == {"server", "worker", "postgres", "redis"}
    parser = build_parser()
    for name in ("server", "worker"):
        command = services[name]["command"]
        assert command[0] == "agent-tools"
        parser.parse_args(command[1:])
        environment = services[name]["environment"]
        for variable in environment:
            assert variable.startswith("AGENT_TOOLS_")
            assert variable.removeprefix("AGENT_TOOLS_").lower() in Settings.model_fields
    assert services["server"]["ports"] == ["127.0.0.1:8000:8000"]


def test_the_dockerfile_installs_the_fleet_extra_and_serves_http() -> None:
    dockerfile = (SERVER / "Dockerfile").read_text()
    assert 'pip install ".[fleet]"' in dockerfile
    assert '"agent-tools", "serve", "--http"' in dockerfile
