"""The state an agent-driven operation keeps: what the agent saved, did and noted."""

from __future__ import annotations

from pydantic import BaseModel, Field, JsonValue, ValidationError

NOTES_KEPT = 50


class AgentLedger(BaseModel):
    """Stored as the operation's state; the agent's own state is ``saved_state``."""

    saved_state: JsonValue = None
    done: list[str] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @classmethod
    def from_state(cls, state: JsonValue) -> AgentLedger:
        """The ledger in a stored state; an empty one for a fresh operation."""
        if state is None:
            return cls()
        try:
            return cls.model_validate(state)
        except ValidationError:
            return cls(saved_state=state)

    def recorded(
        self, completed_steps: list[str], state: JsonValue, notes: str | None
    ) -> AgentLedger:
        """The ledger after the agent records more finished steps."""
        done = [*self.done, *(step for step in completed_steps if step not in self.done)]
        kept_notes = [*self.notes, notes][-NOTES_KEPT:] if notes else self.notes
        return AgentLedger(
            saved_state=self.saved_state if state is None else state,
            done=done,
            notes=kept_notes,
        )

    def remaining(self, planned_steps: JsonValue) -> list[str]:
        """Planned steps not yet done, in plan order."""
        if not isinstance(planned_steps, list):
            return []
        return [str(step) for step in planned_steps if str(step) not in self.done]
