"""JSON answers of the web API, and errors as ``{"error": {code, message, hint}}``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from starlette.responses import JSONResponse

from agent_tools.core.errors import AgentToolsError

STATUS_OF_CODE = {
    "authentication_required": 401,
    "role_required": 403,
    "csrf_check_failed": 403,
    "foreign_origin": 403,
    "not_owner": 403,
    "operation_not_found": 404,
    "illegal_transition": 409,
}
"""HTTP status of an error code; any other refusal is a 400 (the request can be fixed)."""


def json_model(model: BaseModel) -> JSONResponse:
    return JSONResponse(model.model_dump(mode="json"), headers={"Cache-Control": "no-store"})


def json_error(error: AgentToolsError) -> JSONResponse:
    body: dict[str, Any] = {"error": error.as_dict()}
    return JSONResponse(body, status_code=STATUS_OF_CODE.get(error.code, 400))
