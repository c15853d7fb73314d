"""The tools as OpenAI functions: definitions for Chat Completions and Responses, and a dispatcher.

``definitions()`` lists the catalog's tools plus one ``start_<type>`` function per
registered operation type (its input schema made strict, so strict mode stays on).
``handle()`` turns a tool call, as the ``openai`` package returns it, into the
message to send back; every problem comes back as a tool message carrying an
error code and hint, never as an exception that would end the agent's loop.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel

from agent_tools.core.definitions import OperationType
from agent_tools.core.errors import AgentToolsError, InvalidInputError, UnknownNameError
from agent_tools.core.principals import LOCAL_USER, Principal, acting_as, authorize
from agent_tools.runtime.audit_trail import changes_something
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.strict_schema import StrictSchema
from agent_tools.surfaces.tool_catalog import (
    EXECUTE_INCREMENTALLY,
    TOOLS,
    ToolSpec,
    catalog_schema,
    starting_arguments,
)
from agent_tools.surfaces.tool_outcome import ToolOutcome, ToolSuccess, refused, run_tool

Api = Literal["chat", "responses"]
START_PREFIX = "start_"


class UnknownFunctionError(UnknownNameError):
    code = "unknown_function"
    kind = "function"


@dataclass(frozen=True)
class _Function:
    """One OpenAI function: its schema, and how a call of it reaches the engine."""

    name: str
    description: str
    schema: dict[str, Any]
    strict: StrictSchema
    spec: ToolSpec[Any, Any]
    operation_type: str | None = None
    """Set for ``start_<type>`` functions: the arguments are that type's input."""


@dataclass(frozen=True)
class _Call:
    call_id: str
    name: str
    arguments: str
    api: Api


class OpenAITools:
    """The agent-tools tools for OpenAI function calling, backed by ``engine``.

    Calls act for ``principal`` (the local user, an admin, unless given): its role
    decides which functions it may call. ``tools`` are the catalog tools offered,
    besides one ``start_<type>`` function per registered operation type.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        principal: Principal = LOCAL_USER,
        tools: Sequence[ToolSpec[Any, Any]] = TOOLS,
    ) -> None:
        self._engine = engine
        self._principal = principal
        self._functions = {function.name: function for function in self._build(tools)}

    def _build(self, tools: Sequence[ToolSpec[Any, Any]]) -> list[_Function]:
        registry = self._engine.registry
        functions = []
        for spec in tools:
            schema, description = catalog_schema(spec, registry)
            functions.append(_Function(spec.name, description, schema, StrictSchema(schema), spec))
        for definition in registry.all_latest():
            if definition.agent_driven or not definition.name.replace("_", "").isalnum():
                continue
            schema = definition.input_schema()
            functions.append(
                _Function(
                    f"{START_PREFIX}{definition.name}"[:64],
                    _start_description(definition),
                    schema,
                    StrictSchema(schema),
                    EXECUTE_INCREMENTALLY,
                    operation_type=definition.name,
                )
            )
        return functions

    def definitions(self, api: Api = "chat", *, strict: bool = True) -> list[dict[str, Any]]:
        """The function tools in the exact format of ``api``; strict-mode valid when ``strict``."""
        listed: list[dict[str, Any]] = []
        for function in self._functions.values():
            body: dict[str, Any] = {
                "name": function.name,
                "description": function.description,
                "parameters": function.strict.schema if strict else function.schema,
                "strict": strict,
            }
            if api == "chat":
                listed.append({"type": "function", "function": body})
            else:
                listed.append({"type": "function", **body})
        return listed

    async def call(self, name: str, arguments: str | Mapping[str, Any]) -> str:
        """Run function ``name`` and return its output JSON: the result, or an error object.

        The one entry point of every framework adapter; ``handle`` wraps it in the
        message format of each OpenAI API.
        """
        outcome = await self._run(name, arguments)
        if isinstance(outcome, ToolSuccess):
            return outcome.result.model_dump_json()
        return json.dumps({"error": outcome.body})

    async def handle(self, tool_call: Any) -> dict[str, Any]:
        """The message answering one tool call (chat tool call or responses function_call)."""
        call = _read_call(tool_call)
        output = await self.call(call.name, call.arguments)
        if call.api == "chat":
            return {"role": "tool", "tool_call_id": call.call_id, "content": output}
        return {"type": "function_call_output", "call_id": call.call_id, "output": output}

    async def handle_many(self, tool_calls: Iterable[Any]) -> list[dict[str, Any]]:
        """Answer parallel tool calls concurrently, in the order they came."""
        return list(await asyncio.gather(*(self.handle(call) for call in tool_calls)))

    async def _run(self, name: str, arguments: str | Mapping[str, Any]) -> ToolOutcome[BaseModel]:
        """One call, recorded as an access ``tool.<name>`` in the engine's audit trail."""
        function = self._functions.get(name)
        tool = name if function is None else function.spec.name
        trail = self._engine.audit_trail
        try:
            async with trail.access(
                self._principal.name,
                f"tool.{name}",
                operation_id=_named_operation(arguments),
                changes=changes_something(tool),
                detail={"surface": "openai"},
            ):
                if function is None:
                    raise UnknownFunctionError(name, self._functions)
                authorize(self._principal, tool)
                prepared = _prepared_arguments(function, name, arguments)
                with acting_as(self._principal):
                    return await run_tool(function.spec, self._engine, prepared, called_as=name)
        except AgentToolsError as error:
            return refused(name, error)


def _prepared_arguments(
    function: _Function, name: str, arguments: str | Mapping[str, Any]
) -> dict[str, Any]:
    """The call's arguments as its tool takes them: strict mode's nulls and JSON strings undone."""
    parsed = _parse_arguments(name, arguments)
    parsed = _decode_json_strings(parsed, function.strict.json_string_fields)
    parsed = {key: value for key, value in parsed.items() if value is not None}
    if function.operation_type is not None:
        return starting_arguments(function.operation_type, parsed)
    return parsed


def _named_operation(arguments: str | Mapping[str, Any]) -> str | None:
    """The ``operation_id`` a call's arguments name, before they are checked (for the audit)."""
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError:
            return None
    named = arguments.get("operation_id") if isinstance(arguments, Mapping) else None
    return named if isinstance(named, str) else None


def _start_description(definition: OperationType) -> str:
    return (
        f"Start a {definition.name} operation and work on it for one time budget "
        f"(execute_incrementally with operation_type={definition.name!r}). "
        f"{definition.description} Then follow next_step in the response."
    )


def _field(source: Any, name: str) -> Any:
    return source.get(name) if isinstance(source, Mapping) else getattr(source, name, None)


def _read_call(tool_call: Any) -> _Call:
    """Chat (``id`` + ``function``) or Responses (``call_id`` + ``name``), object or dict."""
    function = _field(tool_call, "function")
    if function is not None:
        return _Call(
            call_id=str(_field(tool_call, "id") or ""),
            name=str(_field(function, "name") or ""),
            arguments=_field(function, "arguments") or "",
            api="chat",
        )
    return _Call(
        call_id=str(_field(tool_call, "call_id") or _field(tool_call, "id") or ""),
        name=str(_field(tool_call, "name") or ""),
        arguments=_field(tool_call, "arguments") or "",
        api="responses",
    )


def _parse_arguments(name: str, arguments: str | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(arguments, Mapping):
        return dict(arguments)
    try:
        parsed = json.loads(arguments) if arguments.strip() else {}
    except (json.JSONDecodeError, AttributeError) as malformed:
        raise InvalidInputError(
            f"The arguments of {name} are not valid JSON: {malformed}.",
            "Send the arguments as one JSON object.",
        ) from malformed
    if not isinstance(parsed, dict):
        raise InvalidInputError(
            f"The arguments of {name} must be a JSON object.",
            'Send the arguments as one JSON object, e.g. {"operation_id": "..."}.',
        )
    return parsed


def _decode_json_strings(arguments: dict[str, Any], fields: set[str]) -> dict[str, Any]:
    decoded = dict(arguments)
    for name in fields:
        value = decoded.get(name)
        if isinstance(value, str):
            try:
                decoded[name] = json.loads(value)
            except json.JSONDecodeError as malformed:
                raise InvalidInputError(
                    f"{name} must be a JSON-encoded string: {malformed}.",
                    f'Encode {name} with JSON, e.g. "{{\\"key\\": 1}}".',
                ) from malformed
    return decoded
