"""What every runner of an engine shares: the store, who it is, and how long its leases last."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field

from agent_tools.core.limits import Limits
from agent_tools.core.policy import ExecutionPolicy
from agent_tools.runtime.observer import NO_OBSERVER, RuntimeObserver
from agent_tools.stores.base import Store


@dataclass(frozen=True)
class RunnerEnvironment:
    """What every runner of an engine shares."""

    store: Store
    holder_id: str
    policy: ExecutionPolicy
    inline_grace_s: float
    background_lease_ttl_s: float
    process_pool: Callable[[], Executor]
    default_budget_s: float = 4.0
    """The budget a background run sizes adaptive chunks by (a call's own budget inline)."""
    work_clock: Callable[[], float] = time.monotonic
    """Measures the work a chunk did: active time, rate, ETA and chunk sizing (tests count work)."""
    observer: RuntimeObserver = NO_OBSERVER
    limits: Limits = field(default_factory=Limits)

    def lease_ttl_s(self, inline: bool, run_until: float) -> float:
        """How long a lease taken or renewed now must last.

        Inline: until the slice's end plus the grace, so a crashed server's
        operation is free soon after its caller's budget; background: the TTL.
        """
        if not inline:
            return self.background_lease_ttl_s
        return max(0.0, run_until - time.monotonic()) + self.inline_grace_s

    def renew_every_s(self, inline: bool) -> float:
        """Renew at a third of the lease's span, so two renewals may fail before it ends."""
        return (self.inline_grace_s if inline else self.background_lease_ttl_s) / 3
