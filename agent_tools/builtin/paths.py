"""Path safety: every file a built-in operation touches must lie under an allowed root.

Two checks: a path's text (no NUL, control or direction-changing characters, no
unpaired surrogates) and where it leads (``..`` and symlinks resolved, then it
must lie under a root). Files are read through :func:`open_under_roots`, which
checks the file actually opened, so a symlink swapped in after the check (while
a walk runs) cannot lead outside.
"""

from __future__ import annotations

import os
import stat
import unicodedata
from pathlib import Path
from typing import BinaryIO

from agent_tools.core.errors import AccessDeniedError, InvalidInputError
from agent_tools.core.policy import ExecutionPolicy

ROOTS_HINT = (
    "Use a path inside one of the allowed roots; the server's operator grants folders "
    "with `agent-tools serve --root PATH` (or AGENT_TOOLS_ROOT)."
)
DIRECTION_MARKS = frozenset("\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
"""Characters that make a path display differently from what it is (e.g. a fake extension)."""
REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Cn"})
"""Control characters (NUL among them), unpaired surrogates, unassigned code points."""


def check_path_text(path: str | Path) -> str:
    """``path`` as text, or InvalidInputError if it holds a character no real path needs."""
    text = str(path)
    odd = [
        char
        for char in text
        if char in DIRECTION_MARKS or unicodedata.category(char) in REFUSED_CATEGORIES
    ]
    if odd:
        shown = ", ".join(f"U+{ord(char):04X}" for char in dict.fromkeys(odd))
        raise InvalidInputError(
            f"Path {text!r} contains characters paths must not hold ({shown}).",
            "Give the path as plain text without NUL, control or text-direction characters.",
            path=text.encode("utf-8", "backslashreplace").decode(),
        )
    return text


def resolve_under_roots(path: str | Path, policy: ExecutionPolicy) -> Path:
    """The real path of ``path`` if it lies under an allowed root, else AccessDeniedError.

    Symlinks and ``..`` are resolved first, so neither can lead outside a root.
    Relative paths are taken against the first root. The path need not exist
    (outputs are created later); its existing part is what gets resolved.
    """
    text = check_path_text(path)
    if not policy.roots:
        raise AccessDeniedError(
            "No folder is open to file operations on this server.",
            ROOTS_HINT,
            path=text,
        )
    candidate = Path(text).expanduser()
    if not candidate.is_absolute():
        candidate = policy.roots[0] / candidate
    resolved = candidate.resolve()
    if not is_under_roots(resolved, policy):
        raise AccessDeniedError(
            f"Path {text!r} resolves to {str(resolved)!r}, outside the allowed roots.",
            ROOTS_HINT,
            path=text,
            roots=[str(root) for root in policy.roots],
        )
    return resolved


def is_under_roots(resolved: Path, policy: ExecutionPolicy) -> bool:
    """Whether an already resolved path is a root or lies inside one."""
    return any(resolved.is_relative_to(root.resolve()) for root in policy.roots)


def open_under_roots(path: Path, policy: ExecutionPolicy) -> BinaryIO:
    """Open a regular file for reading, checking the file that was opened, not its name.

    The name is opened first, then the real path of the open descriptor is checked
    against the roots: whatever was swapped in between, what is read is what was
    checked. Opening does not block on FIFOs, and only regular files are accepted.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        opened = _real_path(descriptor, path)
        if not is_under_roots(opened, policy) or not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise AccessDeniedError(
                f"{str(path)!r} led to {str(opened)!r}, which is not a file under the roots.",
                ROOTS_HINT,
                path=str(path),
            )
        os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def _real_path(descriptor: int, path: Path) -> Path:
    """Where an open descriptor really points: Linux tells; elsewhere the resolved name must
    still be the very file that was opened."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{descriptor}"))
    except OSError:
        resolved = path.resolve()
        opened, named = os.fstat(descriptor), os.stat(resolved)
        if (opened.st_dev, opened.st_ino) != (named.st_dev, named.st_ino):
            raise AccessDeniedError(
                f"{str(path)!r} changed while it was opened.", ROOTS_HINT, path=str(path)
            ) from None
        return resolved
