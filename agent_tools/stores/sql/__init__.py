"""The SQL layer shared by the SQLite and PostgreSQL stores.

Every store call is a :class:`~agent_tools.stores.sql.plan.Plan`: a generator
that yields statements (written once, with ``$1`` placeholders) and receives
their rows. Each store only runs plans: SQLite synchronously on its database
thread, PostgreSQL on asyncpg. What differs between the two (placeholders,
column types, row locking, notification) lives in :mod:`.dialect`.
"""
