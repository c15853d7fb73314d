"""How figures read in the terminal: percentages, rates, durations and statuses."""

from __future__ import annotations

from agent_tools.core.status import OperationStatus
from agent_tools.core.views import ProgressView

STATUS_STYLES: dict[OperationStatus, str] = {
    OperationStatus.PENDING: "yellow",
    OperationStatus.RUNNING: "cyan",
    OperationStatus.PAUSED: "magenta",
    OperationStatus.COMPLETED: "green",
    OperationStatus.FAILED: "bold red",
    OperationStatus.CANCELLED: "red",
}


def percent(value: float | None) -> str:
    """``42.0%``, or ``?`` when the total is unknown."""
    return "?" if value is None else f"{value:.1f}%"


def rate(per_second: float | None) -> str:
    """Steps per second, with a precision that suits the size."""
    if per_second is None:
        return "?"
    if per_second >= 100:
        return f"{per_second:,.0f}/s"
    return f"{per_second:.2f}/s"


def eta(progress: ProgressView) -> str:
    """The ETA with how sure it is: ``45s (30s-1:10, from history)``; ``?`` when unknown."""
    text = duration(progress.eta_seconds)
    low, high = progress.eta_low_seconds, progress.eta_high_seconds
    if progress.eta_seconds is None or low is None or high is None:
        return text
    basis = {"history": "from earlier runs", "current_run": "from this run", "blend": "blended"}
    judged = basis.get(progress.eta_basis or "", "")
    return f"{text} ({duration(low)}-{duration(high)}, {judged})"


def duration(seconds: float | None) -> str:
    """``1:02:03``, ``2:03`` or ``45s``; ``?`` when unknown."""
    if seconds is None:
        return "?"
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours}:{minutes:02d}:{secs:02d}"
    if minutes:
        return f"{minutes}:{secs:02d}"
    return f"{secs}s"


def steps(current: int, total: int | None) -> str:
    """``42/100``, or ``42/?`` when the total is unknown."""
    return f"{current}/{'?' if total is None else total}"


def styled_status(status: OperationStatus) -> str:
    """The status in rich markup, coloured by what it means."""
    return f"[{STATUS_STYLES[status]}]{status.value}[/]"
