"""Path safety: every file a built-in operation touches must lie under an allowed root."""

from __future__ import annotations

from pathlib import Path

from agent_tools.core.errors import AccessDeniedError
from agent_tools.core.policy import ExecutionPolicy

ROOTS_HINT = (
    "Use a path inside one of the allowed roots; the server's operator grants folders "
    "with `agent-tools serve --root PATH` (or AGENT_TOOLS_ROOT)."
)


def resolve_under_roots(path: str | Path, policy: ExecutionPolicy) -> Path:
    """The real path of ``path`` if it lies under an allowed root, else AccessDeniedError.

    Symlinks and ``..`` are resolved first, so neither can lead outside a root.
    Relative paths are taken against the first root. The path need not exist
    (outputs are created later); its existing part is what gets resolved.
    """
    if not policy.roots:
        raise AccessDeniedError(
            "No folder is open to file operations on this server.",
            ROOTS_HINT,
            path=str(path),
        )
    candidate = Path(path).expanduser()
    if not candidate.is_absolute():
        candidate = policy.roots[0] / candidate
    resolved = candidate.resolve()
    if not is_under_roots(resolved, policy):
        raise AccessDeniedError(
            f"Path {str(path)!r} resolves to {str(resolved)!r}, outside the allowed roots.",
            ROOTS_HINT,
            path=str(path),
            roots=[str(root) for root in policy.roots],
        )
    return resolved


def is_under_roots(resolved: Path, policy: ExecutionPolicy) -> bool:
    """Whether an already resolved path is a root or lies inside one."""
    return any(resolved.is_relative_to(root.resolve()) for root in policy.roots)
