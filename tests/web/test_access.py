"""Who may see and steer operations on /ui: sign-in, session cookies, CSRF, origin, roles."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from agent_tools.core.principals import Principal, Role, acting_as
from agent_tools.core.status import OperationStatus
from agent_tools.surfaces.auth.token_file import TokenFile
from agent_tools.surfaces.web.sessions import SESSION_COOKIE
from tests.web.serving import Served, serving

JSON = {"Content-Type": "application/json"}

TEAM = "web-team"


@dataclass
class Guarded:
    served: Served
    tokens: TokenFile
    by_role: dict[Role, str]

    async def start_counter(self, total_items: int, chunk_delay_ms: float) -> str:
        """A background counter owned by the principal the tokens belong to."""
        with acting_as(Principal(TEAM, Role.OPERATOR)):
            return await self.served.start_counter(total_items, chunk_delay_ms)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.served.base_url, timeout=30)

    @contextlib.asynccontextmanager
    async def signed_in(self, role: Role) -> AsyncIterator[tuple[httpx.AsyncClient, str]]:
        """A client holding a session cookie for ``role``, and the page's CSRF token."""
        async with self.client() as client:
            response = await client.post("/ui/login", data={"token": self.by_role[role]})
            assert response.status_code == 303
            assert response.headers["location"] == "/ui"
            session = (await client.get("/ui/api/session")).json()
            yield client, session["csrf_token"]


@pytest.fixture
async def guarded(tmp_path: Path) -> AsyncIterator[Guarded]:
    tokens = TokenFile(tmp_path / "tokens.json")
    # One principal with a token per role: operations are visible to their owner only.
    by_role = {role: tokens.create(TEAM, role)[1] for role in Role}
    async with serving(tmp_path, no_auth=False, tokens_file=tokens.path) as served:
        yield Guarded(served, tokens, by_role)


async def test_a_page_without_a_session_sends_the_browser_to_sign_in(guarded: Guarded) -> None:
    async with guarded.client() as client:
        page = await client.get("/ui")
        api = await client.get("/ui/api/operations")
        stream = await client.get("/ui/api/stream")
    assert (page.status_code, page.headers["location"]) == (303, "/ui/login")
    assert api.status_code == 401
    assert api.json()["error"]["code"] == "authentication_required"
    assert stream.status_code == 401


async def test_signing_in_sets_an_http_only_strict_cookie_not_the_token(guarded: Guarded) -> None:
    async with guarded.client() as client:
        response = await client.post("/ui/login", data={"token": guarded.by_role[Role.READER]})
        cookie = response.headers["set-cookie"]
        session = (await client.get("/ui/api/session")).json()
        page = await client.get("/ui")
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "SameSite=Strict" in cookie
    assert guarded.by_role[Role.READER] not in cookie
    assert (session["principal"], session["role"]) == (TEAM, "reader")
    assert page.status_code == 200
    assert "script-src 'self'" in page.headers["content-security-policy"]


async def test_a_wrong_token_goes_back_to_the_form(guarded: Guarded) -> None:
    async with guarded.client() as client:
        response = await client.post("/ui/login", data={"token": "not-a-token"})
        session = await client.get("/ui/api/session")
    assert (response.status_code, response.headers["location"]) == (303, "/ui/login?failed=1")
    assert "set-cookie" not in response.headers
    assert session.status_code == 401


async def test_a_steering_post_without_the_csrf_token_changes_nothing(guarded: Guarded) -> None:
    operation_id = await guarded.start_counter(total_items=300, chunk_delay_ms=50)
    async with guarded.signed_in(Role.OPERATOR) as (client, _):
        response = await client.post(f"/ui/api/operations/{operation_id}/cancel", headers=JSON)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_check_failed"
    view = await guarded.served.engine.get_progress(operation_id)
    assert view.status is not OperationStatus.CANCELLED
    await guarded.served.engine.cancel(operation_id)


async def test_a_post_from_another_site_is_refused(guarded: Guarded) -> None:
    operation_id = await guarded.start_counter(total_items=300, chunk_delay_ms=50)
    async with guarded.signed_in(Role.OPERATOR) as (client, csrf):
        response = await client.post(
            f"/ui/api/operations/{operation_id}/pause",
            headers={**JSON, "X-CSRF-Token": csrf, "Origin": "https://evil.example"},
        )
        form_post = await client.post(
            f"/ui/api/operations/{operation_id}/pause",
            headers={"X-CSRF-Token": csrf},
            data={"x": "1"},
        )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "foreign_origin"
    assert form_post.status_code == 403
    view = await guarded.served.engine.get_progress(operation_id)
    assert view.status is not OperationStatus.PAUSED
    await guarded.served.engine.cancel(operation_id)


async def test_an_operator_pauses_with_the_page_token(guarded: Guarded) -> None:
    operation_id = await guarded.start_counter(total_items=300, chunk_delay_ms=50)
    async with guarded.signed_in(Role.OPERATOR) as (client, csrf):
        response = await client.post(
            f"/ui/api/operations/{operation_id}/pause", headers={**JSON, "X-CSRF-Token": csrf}
        )
    assert response.status_code == 200
    assert response.json()["status"] == "paused"
    assert (await guarded.served.engine.get_progress(operation_id)).status is OperationStatus.PAUSED


async def test_a_reader_may_look_but_not_cancel(guarded: Guarded) -> None:
    operation_id = await guarded.start_counter(total_items=300, chunk_delay_ms=50)
    async with guarded.signed_in(Role.READER) as (client, csrf):
        detail = await client.get(f"/ui/api/operations/{operation_id}")
        refused = await client.post(
            f"/ui/api/operations/{operation_id}/cancel", headers={**JSON, "X-CSRF-Token": csrf}
        )
    assert detail.status_code == 200
    assert detail.json()["view"]["operation_id"] == operation_id
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "role_required"
    assert (await guarded.served.engine.get_progress(operation_id)).status is not (
        OperationStatus.CANCELLED
    )
    await guarded.served.engine.cancel(operation_id)


async def test_revoking_the_token_ends_its_sessions(guarded: Guarded) -> None:
    async with guarded.signed_in(Role.ADMIN) as (client, _):
        assert (await client.get("/ui/api/operations")).status_code == 200
        token_id = next(
            key for key, record in guarded.tokens.records().items() if record.role == "admin"
        )
        guarded.tokens.revoke(token_id)
        after = await client.get("/ui/api/operations")
    assert after.status_code == 401


async def test_a_script_with_a_bearer_token_needs_no_cookie_or_csrf(guarded: Guarded) -> None:
    operation_id = await guarded.start_counter(total_items=300, chunk_delay_ms=50)
    bearer = {"Authorization": f"Bearer {guarded.by_role[Role.OPERATOR]}"}
    async with guarded.client() as client:
        response = await client.post(
            f"/ui/api/operations/{operation_id}/cancel", headers={**JSON, **bearer}
        )
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"


async def test_an_unknown_operation_is_a_404_with_a_hint(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as client:
        response = await client.get("/ui/api/operations/nope")
        stream = await client.get("/ui/api/operations/nope/stream")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "operation_not_found"
    assert response.json()["error"]["hint"]
    assert stream.status_code == 404


async def test_a_foreign_host_header_is_refused_even_without_auth(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as client:
        response = await client.get("/ui/api/operations", headers={"Host": "attacker.example"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "foreign_origin"


async def test_bad_requests_get_a_code_and_a_hint_and_change_nothing(served: Served) -> None:
    operation_id = await served.start_counter(total_items=3, chunk_delay_ms=0, mode="inline")
    before = await served.engine.get_progress(operation_id)
    async with httpx.AsyncClient(base_url=served.base_url, timeout=30) as client:
        session = (await client.get("/ui/api/session")).json()
        steer = {**JSON, "X-CSRF-Token": session["csrf_token"]}
        unknown_action = await client.post(
            f"/ui/api/operations/{operation_id}/explode", headers=steer
        )
        bad_limit = await client.get(f"/ui/api/operations/{operation_id}/results?limit=0")
        bad_status = await client.get("/ui/api/operations?status=sleeping")
    for response in (unknown_action, bad_limit, bad_status):
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid_input" and error["hint"]
    after = await served.engine.get_progress(operation_id)
    assert after.status is before.status and after.updated_at == before.updated_at
