"""Past one machine: background slices travel as Celery tasks to ``agent-tools worker`` processes.

The store stays the source of truth. A task only says "run the next slice of
operation X"; leases and fencing tokens make a duplicated, redelivered or late
task harmless, so the broker needs no exactly-once delivery.
"""
