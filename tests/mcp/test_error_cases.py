"""The TypeScript client's error cases (tests/ts_client/error_cases.json) with the Python client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.mcp.conftest import ConnectFactory, tool_error
from tests.mcp.helpers import call, resume_until_done

ERROR_CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).resolve().parents[1] / "ts_client" / "error_cases.json").read_text()
)


async def test_every_error_case_is_a_tool_error_with_its_code_and_hint(
    connect: ConnectFactory,
) -> None:
    codes: dict[str, str] = {}
    async with connect() as client:
        started = await call(
            client,
            "execute_incrementally",
            operation_type="counter",
            input={"total_items": 5},
            budget_ms=2000,
        )
        finished, _ = await resume_until_done(client, started)
        completed = json.dumps(finished["operation_id"])
        for case in ERROR_CASES:
            arguments = json.loads(json.dumps(case["arguments"]).replace('"$completed"', completed))
            error = tool_error(await client.call_tool(case["tool"], arguments))
            assert error["hint"], case["name"]
            codes[case["name"]] = error["code"]
    assert codes == {case["name"]: case["code"] for case in ERROR_CASES}
