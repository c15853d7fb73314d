"""The Celery application that carries "run the next slice of X" to workers."""

from __future__ import annotations

from celery import Celery
from kombu.entity import Queue

from agent_tools.core.priorities import MAX_PRIORITY, broker_priority

RUN_SLICE_TASK = "agent_tools.run_slice"
DEFAULT_QUEUE = "agent-tools.slices"
"""Named anew when the queue got priorities: RabbitMQ refuses to redeclare a queue's arguments."""
REDELIVERY_AFTER_S = 120
"""A Redis broker hands an unacknowledged task to another worker after this long."""


def uses_redis(broker_url: str) -> bool:
    return broker_url.startswith(("redis://", "rediss://", "redis+socket://"))


def make_celery(broker_url: str, queue: str = DEFAULT_QUEUE) -> Celery:
    """An app for ``broker_url`` (``redis://...`` or ``amqp://...``), tuned for slices.

    Late acknowledgement with ``reject_on_worker_lost`` brings a slice whose worker
    died back to the queue; a prefetch of one keeps long slices from piling up
    behind a busy worker. The queue carries priorities 0-9: RabbitMQ through the
    queue's ``x-max-priority``, Redis through one list per level.
    """
    app = Celery("agent_tools", broker=broker_url, set_as_current=False)
    app.conf.update(
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        task_default_queue=queue,
        task_queues=[
            Queue(  # type: ignore[no-untyped-call]
                queue, routing_key=queue, queue_arguments={"x-max-priority": MAX_PRIORITY}
            )
        ],
        task_serializer="json",
        accept_content=["json"],
        broker_connection_retry_on_startup=True,
        broker_transport_options={
            "visibility_timeout": REDELIVERY_AFTER_S,
            "priority_steps": list(range(MAX_PRIORITY + 1)),
            "queue_order_strategy": "priority",
        },
        worker_hijack_root_logger=False,
        task_ignore_result=True,
    )
    return app


def send_slice(app: Celery, queue: str, operation_id: str, priority: float) -> None:
    """Enqueue "run the next slice of ``operation_id``" at ``priority`` (higher runs first)."""
    app.send_task(
        RUN_SLICE_TASK,
        args=[operation_id, priority],
        queue=queue,
        priority=broker_priority(priority, lower_is_first=uses_redis(str(app.conf.broker_url))),
    )
