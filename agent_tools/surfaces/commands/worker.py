"""``agent-tools worker``: run slices of background operations for a fleet of servers."""

from __future__ import annotations

import argparse
import sys

from agent_tools.settings import TRACE_MODES
from agent_tools.surfaces.commands import add_store_and_ops, settings_from

HELP = "Run a Celery worker that executes background operations from a shared store."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_store_and_ops(parser, store_help="shared store URL (postgresql://... or redis://...)")
    parser.add_argument("--broker", help="Celery broker URL (redis://... or amqp://...)")
    parser.add_argument("--concurrency", type=int, help="slices run at once (default 2)")
    parser.add_argument(
        "--lease-ttl-s", type=float, help="lease length; renewed at a third of it (default 30)"
    )
    parser.add_argument(
        "--worker-slice-s", type=float, help="seconds per slice before re-enqueueing (30)"
    )
    parser.add_argument(
        "--metrics-port", type=int, help="serve this worker's Prometheus /metrics on this port"
    )
    parser.add_argument(
        "--traces",
        choices=TRACE_MODES,
        help="OpenTelemetry spans: on (your tracer provider), console (stderr), otlp",
    )


def run(args: argparse.Namespace) -> int:
    from agent_tools.core.errors import AgentToolsError
    from agent_tools.runtime.fleet.worker import run_worker
    from agent_tools.runtime.store_access import without_password
    from agent_tools.telemetry.setup import telemetry_for

    try:
        settings = settings_from(args)
        if not settings.broker:
            print(
                "agent-tools: a worker needs --broker URL (or AGENT_TOOLS_BROKER)", file=sys.stderr
            )
            return 2
        print(
            f"agent-tools: worker on store {without_password(settings.store)} "
            f"broker {without_password(settings.broker)}",
            file=sys.stderr,
            flush=True,
        )
        run_worker(settings, telemetry_for(settings))
    except AgentToolsError as error:
        print(f"agent-tools: {error}", file=sys.stderr)
        return 2
    return 0
