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
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from agent_tools.core.definitions import OperationType
from agent_tools.core.errors import AgentToolsError, InvalidInputError
from agent_tools.core.principals import LOCAL_USER, Principal, acting_as, authorize
from agent_tools.runtime.engine import Engine
from agent_tools.surfaces.strict_schema import StrictSchema
from agent_tools.surfaces.tool_catalog import TOOLS, ToolSpec, catalog_schema, invalid_arguments

logger = logging.getLogger(__name__)

Api = Literal["chat", "responses"]
START_PREFIX = "start_"


class UnknownFunctionError(AgentToolsError):
    code = "unknown_function"

    def __init__(self, name: str, known: Iterable[str]) -> None:
        super().__init__(
            f"No function named {name!r}.",
            f"Call one of: {', '.join(sorted(known))}.",
            function=name,
        )


@dataclass(frozen=True)
class _Function:
    """One OpenAI function: its schema, and how a call of it reaches the engine."""

    name: str
    description: str
    schema: dict[str, Any]
    strict: StrictSchema
    spec: ToolSpec
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
    decides which functions it may call.
    """

    def __init__(self, engine: Engine, *, principal: Principal = LOCAL_USER) -> None:
        self._engine = engine
        self._principal = principal
        self._functions = {function.name: function for function in self._build()}

    def _build(self) -> list[_Function]:
        registry = self._engine.registry
        functions = []
        for spec in TOOLS:
            schema, description = catalog_schema(spec, registry)
            functions.append(_Function(spec.name, description, schema, StrictSchema(schema), spec))
        starter = next(spec for spec in TOOLS if spec.name == "execute_incrementally")
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
                    starter,
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
        text = arguments if isinstance(arguments, str) else json.dumps(dict(arguments))
        try:
            result = await self._run(_Call(call_id="", name=name, arguments=text, api="chat"))
            return result.model_dump_json()
        except AgentToolsError as error:
            return json.dumps({"error": error.as_dict()})
        except Exception as error:
            logger.exception("function %s failed", name)
            return json.dumps(
                {
                    "error": {
                        "code": "internal_error",
                        "message": f"{name} failed: {type(error).__name__}: {error}",
                        "hint": "Retry once; if it fails again, report it.",
                    }
                }
            )

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

    async def _run(self, call: _Call) -> BaseModel:
        function = self._functions.get(call.name)
        if function is None:
            raise UnknownFunctionError(call.name, self._functions)
        authorize(self._principal, function.spec.name)
        arguments = _parse_arguments(call)
        arguments = _decode_json_strings(arguments, function.strict.json_string_fields)
        arguments = {key: value for key, value in arguments.items() if value is not None}
        if function.operation_type is not None:
            arguments = {"operation_type": function.operation_type, "input": arguments}
        try:
            model = function.spec.arguments_model.model_validate(arguments)
        except ValidationError as invalid:
            raise invalid_arguments(call.name, invalid) from invalid
        with acting_as(self._principal):
            return await function.spec.invoke(self._engine, model)


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


def _parse_arguments(call: _Call) -> dict[str, Any]:
    try:
        arguments = json.loads(call.arguments) if call.arguments.strip() else {}
    except (json.JSONDecodeError, AttributeError) as malformed:
        raise InvalidInputError(
            f"The arguments of {call.name} are not valid JSON: {malformed}.",
            "Send the arguments as one JSON object.",
        ) from malformed
    if not isinstance(arguments, dict):
        raise InvalidInputError(
            f"The arguments of {call.name} must be a JSON object.",
            'Send the arguments as one JSON object, e.g. {"operation_id": "..."}.',
        )
    return arguments


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
