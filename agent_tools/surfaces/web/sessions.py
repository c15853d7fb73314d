"""Browser sessions of the web page: a bearer token exchanged once for an HttpOnly cookie.

A browser cannot put an ``Authorization`` header on an ``EventSource``, and a token
kept in page JavaScript could be read by any script injected into it. So the login
form posts the token once; the server verifies it, remembers it under a random
session id, and sets that id as an ``HttpOnly; SameSite=Strict`` cookie. Every
request re-verifies the remembered token, so a revoked token or an expired JWT
ends its sessions at once. Sessions live in this process's memory: a restart
asks for the token again.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass

SESSION_COOKIE = "agent_tools_session"
SESSION_TTL_S = 12 * 3600.0
MAX_SESSIONS = 1000


@dataclass(frozen=True)
class Session:
    """One logged-in browser: the token it gave, and the CSRF token its page sends back."""

    token: str
    csrf_token: str
    expires_at: float


class SessionTable:
    """Live sessions by id, oldest dropped first when full."""

    def __init__(self, ttl_s: float = SESSION_TTL_S, max_sessions: int = MAX_SESSIONS) -> None:
        self._ttl_s = ttl_s
        self._max = max_sessions
        self._sessions: dict[str, Session] = {}

    def open(self, token: str) -> tuple[str, Session]:
        """A new session for ``token``: its id (the cookie's value) and the session."""
        self._drop_expired()
        while len(self._sessions) >= self._max:
            self._sessions.pop(next(iter(self._sessions)))
        session_id = secrets.token_urlsafe(32)
        session = Session(token, secrets.token_urlsafe(32), time.time() + self._ttl_s)
        self._sessions[session_id] = session
        return session_id, session

    def get(self, session_id: str | None) -> Session | None:
        """The live session with ``session_id``, or None."""
        if not session_id:
            return None
        session = self._sessions.get(session_id)
        if session is None or session.expires_at <= time.time():
            self._sessions.pop(session_id, None)
            return None
        return session

    def close(self, session_id: str | None) -> None:
        if session_id:
            self._sessions.pop(session_id, None)

    def _drop_expired(self) -> None:
        now = time.time()
        for key in [key for key, value in self._sessions.items() if value.expires_at <= now]:
            del self._sessions[key]
