"""What the server tells an agent at initialisation: the pattern, in a few lines."""

from __future__ import annotations

INSTRUCTIONS = """\
agent-tools runs long work in short, durable slices; no call runs longer than its budget.
1. Start with execute_incrementally(operation_type, input). Call describe_operation_types \
first if you do not know the types or their inputs.
2. Every response has operation_id, status, progress (with an ETA), new result items and \
next_step. Do what next_step says, usually resume(operation_id, cursor=next_cursor), \
until status is completed.
3. Progress is checkpointed after every chunk. After any interruption (a timeout, a \
crash, a restart, a new conversation) call resume(operation_id) and work continues from \
the last checkpoint; list_operations finds ids you have lost.
4. When input_requests is not empty the operation waits on questions: get the answers \
(from the user when a person must decide) and send them with provide_input.
5. For work you do yourself across many turns, start an agent_task and checkpoint each \
step with record_progress.
Errors carry a code and a hint saying what to do instead."""
