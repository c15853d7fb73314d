"""The example agent loop, with the real openai client over real HTTP to a scripted model."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.openai.scripted_model import ScriptedModel, serving

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "openai_tool_loop.py"
PRIMES_BELOW_300000 = 25_997


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("openai_tool_loop", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("api", ["chat", "responses"])
async def test_the_loop_drives_a_long_operation_to_completion_over_many_turns(
    api: str, tmp_path: Path
) -> None:
    example = load_example()
    model = ScriptedModel()
    with serving(model) as base_url:
        arguments = example.parse(
            [
                "--base-url",
                base_url,
                "--api-key",
                "test",
                "--model",
                "scripted",
                "--api",
                api,
                "--store",
                f"sqlite:///{tmp_path / 'loop.db'}",
            ]
        )
        answer = await example.main(arguments)
    assert str(PRIMES_BELOW_300000) in answer
    assert len(model.requests) >= 3, "the operation should take several turns"
    first = model.requests[0]
    tools = first["tools"]
    strict = [t["function"]["strict"] if api == "chat" else t["strict"] for t in tools]
    assert all(strict)
