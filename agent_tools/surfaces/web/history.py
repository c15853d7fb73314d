"""Progress samples the web server saw, so a detail page opened late still has a chart."""

from __future__ import annotations

import time
from collections import OrderedDict, deque

from pydantic import BaseModel

from agent_tools.core.views import OperationView

SAMPLES_PER_OPERATION = 600
OPERATIONS_KEPT = 500


class Sample(BaseModel):
    """One point of the chart: when (epoch seconds), how far, how fast."""

    at: float
    current_step: int
    total_steps: int | None
    rate_per_second: float | None
    status: str


class ProgressHistory:
    """The latest samples of the most recently seen operations, in memory."""

    def __init__(self) -> None:
        self._samples: OrderedDict[str, deque[Sample]] = OrderedDict()

    def record(self, view: OperationView) -> Sample:
        """Add ``view`` as a sample (unless nothing changed since the last one); return it."""
        progress = view.progress
        sample = Sample(
            at=time.time(),
            current_step=progress.current_step,
            total_steps=progress.total_steps,
            rate_per_second=progress.rate_per_second,
            status=view.status.value,
        )
        samples = self._samples.get(view.operation_id)
        if samples is None:
            samples = self._samples[view.operation_id] = deque(maxlen=SAMPLES_PER_OPERATION)
            while len(self._samples) > OPERATIONS_KEPT:
                self._samples.popitem(last=False)
        self._samples.move_to_end(view.operation_id)
        last = samples[-1] if samples else None
        if last is None or (last.current_step, last.status) != (sample.current_step, sample.status):
            samples.append(sample)
        return sample

    def samples(self, operation_id: str) -> list[Sample]:
        return list(self._samples.get(operation_id, ()))
