"""The HTML pages, the sign-in form and the static files, shipped inside the package."""

from __future__ import annotations

import mimetypes
from importlib import resources
from string import Template

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from agent_tools.core.errors import AgentToolsError
from agent_tools.runtime.audit_trail import ANONYMOUS, OK, UNAUTHENTICATED, AuditTrail
from agent_tools.surfaces.auth.verifiers import PrincipalToken
from agent_tools.surfaces.web.access import ForeignRequestError, WebAccess
from agent_tools.surfaces.web.responses import json_error
from agent_tools.surfaces.web.sessions import SESSION_COOKIE, SESSION_TTL_S

STATIC_FILES = frozenset({"ui.css", "common.js", "list.js", "detail.js", "chart.js", "login.js"})
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # Not no-referrer: under it a browser sends "Origin: null" on form posts, which the
    # origin check must refuse.
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}
UI_PATH = "/ui"
PAGE_TITLES = {"list.html": "operations", "detail.html": "operation", "login.html": "sign in"}


def _package_file(name: str) -> bytes:
    return resources.files("agent_tools.surfaces.web").joinpath("static", name).read_bytes()


def _html(name: str) -> Response:
    """The page ``name``: its body (static/NAME) in the layout every page shares (page.html)."""
    layout = Template(_package_file("page.html").decode("utf-8"))
    body = _package_file(name).decode("utf-8")
    page = layout.substitute(title=PAGE_TITLES[name], body=body)
    return Response(page, media_type="text/html", headers=SECURITY_HEADERS)


class Pages:
    """The list page, the detail page, sign-in and sign-out; each view and sign-in audited."""

    def __init__(self, access: WebAccess, trail: AuditTrail) -> None:
        self._access = access
        self._trail = trail

    async def list_page(self, request: Request) -> Response:
        return await self._page(request, "list.html")

    async def detail_page(self, request: Request) -> Response:
        return await self._page(request, "detail.html")

    async def _page(self, request: Request, name: str) -> Response:
        try:
            caller = await self._access.caller(request)
        except ForeignRequestError as foreign:
            return json_error(foreign)
        except AgentToolsError:
            return RedirectResponse(f"{UI_PATH}/login", status_code=303)
        await self._trail.record(
            caller.principal.name,
            "web.page",
            OK,
            operation_id=request.path_params.get("operation_id"),
            detail={"page": name.removesuffix(".html")},
        )
        return _html(name)

    async def login_page(self, request: Request) -> Response:
        if self._access.open:
            return RedirectResponse(UI_PATH, status_code=303)
        return _html("login.html")

    async def login(self, request: Request) -> Response:
        """Exchange the posted token for a session cookie; a bad token goes back to the form."""
        try:
            await self._access.check_origin(request, json_body=False)
        except ForeignRequestError as foreign:
            return json_error(foreign)
        if self._access.verifier is None:
            return RedirectResponse(UI_PATH, status_code=303)
        form = await request.form()
        token = str(form.get("token", "")).strip()
        accepted = await self._access.verifier.verify_token(token) if token else None
        if not isinstance(accepted, PrincipalToken):
            await self._trail.record(ANONYMOUS, "web.login", UNAUTHENTICATED)
            return RedirectResponse(f"{UI_PATH}/login?failed=1", status_code=303)
        await self._trail.record(accepted.principal.name, "web.login", OK)
        session_id, _ = self._access.sessions.open(token)
        response = RedirectResponse(UI_PATH, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session_id,
            max_age=int(SESSION_TTL_S),
            path=UI_PATH,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def logout(self, request: Request) -> Response:
        try:
            await self._access.check_origin(request, json_body=False)
        except ForeignRequestError as foreign:
            return json_error(foreign)
        self._access.sessions.close(request.cookies.get(SESSION_COOKIE))
        response = RedirectResponse(f"{UI_PATH}/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=UI_PATH)
        return response


async def static_file(request: Request) -> Response:
    """A file of the front end: only the listed names, never a path."""
    name = request.path_params["name"]
    if name not in STATIC_FILES:
        return Response("not found", status_code=404)
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Response(
        _package_file(name),
        media_type=media_type,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"},
    )
