"""Prometheus metrics and OpenTelemetry traces of the runtime, behind its observer hooks.

Both are off until a setting turns them on (``--metrics`` / ``AGENT_TOOLS_METRICS``,
``--traces`` / ``AGENT_TOOLS_TRACES``); see :func:`agent_tools.telemetry.setup.observer_for`.
"""
