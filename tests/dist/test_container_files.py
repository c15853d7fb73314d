"""server/Dockerfile and server/compose.yaml, checked without a Docker daemon.

Pinned base images, the wheel (not the source tree) installed, a non-root user, a health
check that really probes a running server, and compose commands that our own CLI parses and
that start authenticated: the fleet's server binds 0.0.0.0, so it needs a token.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from agent_tools.settings import ENV_PREFIX, Settings
from agent_tools.surfaces.auth.http_auth import AuthConfigurationError, http_auth
from agent_tools.surfaces.auth.token_file import TokenFile
from agent_tools.surfaces.cli import build_parser, main
from tests.dist.conftest import uv_command
from tests.dist.launching import REPOSITORY, http_server, outside_environment

SERVER = REPOSITORY / "server"
# A digest, or a full release: ``3.11.11-slim-bookworm``, never ``3.11-slim`` or ``7``.
PINNED_IMAGE = re.compile(r"^[\w./-]+(:\d+\.\d+\.\d+(-[\w.-]+)?|@sha256:[0-9a-f]{64})$")
# PostgreSQL numbers its releases MAJOR.MINOR (16.6 is one release; 16 floats).
PINNED_POSTGRES = re.compile(r"^postgres:\d+\.\d+(-[\w.-]+)?$")
ROOT_USERS = {"root", "0", "0:0", "root:root"}


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile as (INSTRUCTION, arguments), continuation lines joined."""
    joined = re.sub(r"\\\n\s*", " ", (SERVER / "Dockerfile").read_text())
    lines = [line.strip() for line in joined.splitlines()]
    parsed = []
    for line in lines:
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            parsed.append((keyword.upper(), rest.strip()))
    return parsed


def final_stage() -> list[tuple[str, str]]:
    steps = instructions()
    last_from = max(index for index, (keyword, _) in enumerate(steps) if keyword == "FROM")
    return steps[last_from:]


def exec_form(arguments: str) -> list[str]:
    words: list[str] = json.loads(arguments)
    return words


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((SERVER / "compose.yaml").read_text())
    return loaded


def test_every_base_image_is_pinned_to_an_exact_release() -> None:
    images = [rest.split()[0] for keyword, rest in instructions() if keyword == "FROM"]
    images += [
        service["image"] for service in compose()["services"].values() if "build" not in service
    ]
    assert images
    for image in images:
        pinned = PINNED_IMAGE.match(image) or PINNED_POSTGRES.match(image)
        assert pinned, f"{image} is not pinned to an exact release or digest"


def test_the_image_installs_the_built_wheel_not_the_source_tree() -> None:
    runs = [rest for keyword, rest in instructions() if keyword == "RUN"]
    assert any("pip wheel" in run and "--no-deps" in run for run in runs)
    installs = [
        rest for keyword, rest in final_stage() if keyword == "RUN" and "pip install" in rest
    ]
    assert installs and all(".whl" in run and "[fleet]" in run for run in installs)
    assert not [
        rest for keyword, rest in final_stage() if keyword == "COPY" and "--from" not in rest
    ]


def test_every_file_the_image_copies_exists_and_is_in_the_build_context() -> None:
    allowed = {
        line.removeprefix("!")
        for line in (REPOSITORY / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    for source in build_stage_sources():
        assert (REPOSITORY / source).exists(), source
        assert source in allowed, f"{source} is excluded by .dockerignore"


def build_stage_sources() -> list[str]:
    """What the Dockerfile copies from the build context (not from another stage)."""
    sources: list[str] = []
    for keyword, rest in instructions():
        if keyword == "COPY" and "--from" not in rest:
            sources += shlex.split(rest)[:-1]
    return sources


@pytest.mark.slow
def test_the_files_the_image_copies_are_enough_to_build_the_wheel(tmp_path: Path) -> None:
    context = tmp_path / "context"
    context.mkdir()
    for source in build_stage_sources():
        if (REPOSITORY / source).is_dir():
            ignored = shutil.ignore_patterns("__pycache__", "*.pyc")
            shutil.copytree(REPOSITORY / source, context / source, ignore=ignored)
        else:
            shutil.copy(REPOSITORY / source, context / source)
    subprocess.run(
        [uv_command(), "build", "--wheel", "--quiet", "--out-dir", str(tmp_path / "out"), "."],
        cwd=context,
        check=True,
        capture_output=True,
        timeout=600,
    )
    assert list((tmp_path / "out").glob("agent_tools_incremental-*.whl"))


def test_the_image_runs_as_a_non_root_user() -> None:
    steps = final_stage()
    users = [index for index, (keyword, _) in enumerate(steps) if keyword == "USER"]
    assert users, "no USER in the final stage"
    assert steps[users[-1]][1] not in ROOT_USERS
    last_run = max(index for index, (keyword, _) in enumerate(steps) if keyword == "RUN")
    assert users[-1] > last_run, "USER must come after the installs"


def test_the_image_command_is_a_cli_command_serving_http() -> None:
    (command,) = [exec_form(rest) for keyword, rest in final_stage() if keyword == "CMD"]
    assert command[0] == "agent-tools"
    arguments = build_parser().parse_args(command[1:])
    assert arguments.command == "serve" and arguments.http


def health_command() -> list[str]:
    (check,) = [rest for keyword, rest in final_stage() if keyword == "HEALTHCHECK"]
    return exec_form(check[check.index("CMD") + len("CMD") :].strip())


@pytest.mark.slow
def test_the_health_check_passes_on_a_running_server_and_fails_without_one(
    tmp_path: Path,
) -> None:
    command = health_command()
    assert command[0] == "python" and "8000" in command[-1]

    def probe(port: int) -> int:
        script = command[-1].replace("8000", str(port))
        return subprocess.run(
            [sys.executable, *command[1:-1], script], capture_output=True, timeout=30, check=False
        ).returncode

    environment = outside_environment(tmp_path)
    serve = [sys.executable, "-m", "agent_tools.surfaces.cli", "serve", "--http", "--port", "0"]
    tokens_file = str(tmp_path / "tokens.json")
    main(["tokens", "--tokens-file", tokens_file, "create", "--principal", "a", "--role", "admin"])
    environment["AGENT_TOOLS_TOKENS_FILE"] = tokens_file
    with http_server(serve, environment, tmp_path) as server:
        port = int(server.url.split(":")[-1].split("/")[0])
        assert probe(port) == 0
    assert probe(port) != 0


def test_the_compose_services_run_commands_our_cli_parses() -> None:
    services = compose()["services"]
    assert set(services) == {"tokens", "server", "worker", "postgres", "redis"}
    parser = build_parser()
    for name in ("tokens", "server", "worker"):
        command = services[name]["command"]
        assert command[0] == "agent-tools"
        parser.parse_args(command[1:])
        for variable in services[name]["environment"]:
            assert variable.startswith(ENV_PREFIX)
            assert variable.removeprefix(ENV_PREFIX).lower() in Settings.model_fields
    assert services["server"]["ports"] == ["127.0.0.1:8000:8000"]
    assert services["worker"]["healthcheck"] == {"disable": True}


def test_the_server_waits_for_the_token_in_the_volume_it_shares_with_the_tokens_service() -> None:
    services = compose()["services"]
    condition = services["server"]["depends_on"]["tokens"]["condition"]
    assert condition == "service_completed_successfully"
    data_folder = next(
        word.removeprefix("XDG_DATA_HOME=")
        for keyword, rest in final_stage()
        if keyword == "ENV"
        for word in rest.split()
        if word.startswith("XDG_DATA_HOME=")
    )
    for name in ("tokens", "server"):
        assert [volume.split(":")[1] for volume in services[name]["volumes"]] == [data_folder]


def settings_of(service: dict[str, Any], tokens_file: Path) -> Settings:
    """What the service's command and environment make of the settings, tokens file moved."""
    arguments = vars(build_parser().parse_args(service["command"][1:]))
    environment = {**service["environment"], "AGENT_TOOLS_TOKENS_FILE": str(tokens_file)}
    return Settings.load(arguments, environ=environment)


def test_the_fleet_server_starts_authenticated_once_the_tokens_service_has_run(
    tmp_path: Path,
) -> None:
    services = compose()["services"]
    tokens_file = tmp_path / "agent-tools" / "tokens.json"
    server_settings = settings_of(services["server"], tokens_file)
    assert server_settings.host == "0.0.0.0" and not server_settings.no_auth
    with pytest.raises(AuthConfigurationError):
        http_auth(server_settings)
    tokens_command = services["tokens"]["command"][1:]
    for _start in range(2):  # a restart of the fleet makes no second token
        assert main(["tokens", "--tokens-file", str(tokens_file), *tokens_command[1:]]) == 0
    assert len(TokenFile(tokens_file).records()) == 1
    assert http_auth(server_settings) is not None
