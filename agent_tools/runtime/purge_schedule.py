"""When a process purges expired operations: about once per interval, at a time of its own.

Every server and worker purges (its dispatcher's ``Maintenance``), so ended operations go
after their retention wherever the fleet runs. The first purge comes at once, so
a process restarted after a while drops at start what expired while it was down.
Workers of a fleet often start together; a random spread around the interval
keeps them from purging the shared store at the same moment after that.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable

from agent_tools.stores.base import Store

logger = logging.getLogger(__name__)

DEFAULT_PURGE_INTERVAL_S = 60.0
SPREAD = 0.5
"""Each wait is the interval times a random factor in ``[1 - SPREAD, 1 + SPREAD]``."""


class PurgeSchedule:
    """Says when the next purge of this process is due; the first at once."""

    def __init__(
        self,
        interval_s: float = DEFAULT_PURGE_INTERVAL_S,
        *,
        clock: Callable[[], float] = time.monotonic,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if interval_s <= 0:
            raise ValueError(f"purge interval must be positive, got {interval_s}")
        self.interval_s = interval_s
        self._clock = clock
        self._rng = rng
        self.next_at = clock()

    def due(self) -> bool:
        return self._clock() >= self.next_at

    def purged(self) -> None:
        """Plan the next purge, one spread interval from now."""
        factor = 1 - SPREAD + 2 * SPREAD * self._rng()
        self.next_at = self._clock() + self.interval_s * factor


async def purge_if_due(store: Store, schedule: PurgeSchedule, now: float) -> int:
    """Purge the operations whose retention passed by ``now`` when the schedule says so."""
    if not schedule.due():
        return 0
    schedule.purged()
    purged = await store.purge_expired(now)
    if purged:
        logger.info("purged %d expired operations", purged)
    return purged
