"""Pure rules of agent-tools: records, statuses, definitions, errors. No I/O."""
