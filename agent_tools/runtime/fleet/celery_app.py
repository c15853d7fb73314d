"""The Celery application that carries "run the next slice of X" to workers."""

from __future__ import annotations

from celery import Celery

RUN_SLICE_TASK = "agent_tools.run_slice"
QUEUE = "agent-tools"
REDELIVERY_AFTER_S = 120
"""A Redis broker hands an unacknowledged task to another worker after this long."""


def make_celery(broker_url: str) -> Celery:
    """An app for ``broker_url`` (``redis://...`` or ``amqp://...``), tuned for slices.

    Late acknowledgement with ``reject_on_worker_lost`` brings a slice whose worker
    died back to the queue; a prefetch of one keeps long slices from piling up
    behind a busy worker.
    """
    app = Celery("agent_tools", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=QUEUE,
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": REDELIVERY_AFTER_S},
        worker_hijack_root_logger=False,
        task_ignore_result=True,
    )
    return app
