"""What differs between SQLite and PostgreSQL, in one small record per dialect."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_NUMBERED = re.compile(r"\$(\d+)")


@dataclass(frozen=True)
class Dialect:
    """How one database spells the shared SQL.

    Statements are written with PostgreSQL's ``$1`` placeholders; ``placeholder``
    is what each becomes (``?1`` binds the same tuple position in SQLite).
    """

    name: str
    placeholder: str
    real: str
    bigint: str
    serial_key: str
    without_rowid: str
    skip_locked: str
    """Appended to the claim of a lease: skip a row another claimant has locked."""
    _rendered: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    def render(self, sql: str) -> str:
        """``sql`` with this dialect's placeholders (cached: statements repeat)."""
        rendered = self._rendered.get(sql)
        if rendered is None:
            rendered = _NUMBERED.sub(self.placeholder, sql)
            self._rendered[sql] = rendered
        return rendered


SQLITE = Dialect(
    name="sqlite",
    placeholder=r"?\1",
    real="REAL",
    bigint="INTEGER",
    serial_key="INTEGER PRIMARY KEY",
    without_rowid=" WITHOUT ROWID",
    # One writer at a time holds the whole file (BEGIN IMMEDIATE), so no row locks.
    skip_locked="",
)

POSTGRES = Dialect(
    name="postgresql",
    placeholder=r"$\1",
    real="DOUBLE PRECISION",
    bigint="BIGINT",
    serial_key="BIGSERIAL PRIMARY KEY",
    without_rowid="",
    skip_locked=" FOR UPDATE SKIP LOCKED",
)
