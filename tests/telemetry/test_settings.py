"""The one setting per signal: accepted spellings, refusals with a code and a hint."""

from __future__ import annotations

import importlib.util

import pytest
from pydantic import ValidationError

from agent_tools import Settings
from agent_tools.runtime.observer import NO_OBSERVER
from agent_tools.telemetry.setup import TelemetryUnavailableError, telemetry_for


def test_both_are_off_by_default_and_cost_no_observer() -> None:
    telemetry = telemetry_for(Settings())
    assert telemetry.observer is NO_OBSERVER
    assert telemetry.metrics is None
    assert not telemetry.traces


@pytest.mark.parametrize(
    ("raw", "mode"), [("1", "on"), ("true", "on"), ("0", "off"), ("Console", "console")]
)
def test_the_traces_setting_reads_the_usual_spellings(raw: str, mode: str) -> None:
    assert Settings.load({}, {"AGENT_TOOLS_TRACES": raw}).traces == mode


def test_an_unknown_trace_mode_is_refused() -> None:
    with pytest.raises(ValidationError, match="off, on, console, otlp"):
        Settings(traces="jaeger")


@pytest.mark.skipif(
    importlib.util.find_spec("opentelemetry.exporter") is not None,
    reason="the OTLP exporter is installed here",
)
def test_otlp_without_its_exporter_says_what_to_install() -> None:
    with pytest.raises(TelemetryUnavailableError) as refused:
        telemetry_for(Settings(traces="otlp"))
    assert refused.value.code == "telemetry_unavailable"
    assert "opentelemetry-exporter-otlp-proto-http" in refused.value.hint
