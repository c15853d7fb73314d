"""``agent_task``: a durable to-do ledger for work the agent does itself."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, JsonValue

from agent_tools.core.definitions import agent_driven_operation


class AgentTaskInput(BaseModel):
    model_config = ConfigDict(extra="forbid")

    goal: str = Field(min_length=1, description="What the whole task is meant to achieve.")
    steps: list[str] = Field(
        default_factory=list,
        description="The planned steps, in order (optional; progress and ETA use them).",
    )
    context: dict[str, JsonValue] = Field(
        default_factory=dict, description="Anything a later conversation needs to know."
    )


def _planned_steps(task: BaseModel) -> int | None:
    assert isinstance(task, AgentTaskInput)
    return len(task.steps) or None


agent_task = agent_driven_operation(
    name="agent_task",
    input_model=AgentTaskInput,
    plan=_planned_steps,
    description=(
        "A durable ledger for long work YOU do across many turns or conversations. Start it "
        "with execute_incrementally(operation_type='agent_task', input={goal, steps}); after "
        "each step call record_progress(operation_id, completed_steps=[...], state=..., "
        "notes=...); after any interruption call resume(operation_id) to get back the saved "
        "state, the steps done and the steps left. Finish with "
        "record_progress(..., completed=true)."
    ),
)
