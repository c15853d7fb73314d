"""The audit methods of a store whose chain another object keeps."""

from __future__ import annotations

from collections.abc import Sequence

from agent_tools.core.audit import AuditBounds, AuditCheckpoint, AuditEntry, AuditQuery, AuditRecord
from agent_tools.stores.base import AuditChain


class DelegatedAudit:
    """:class:`~agent_tools.stores.base.AuditChain`, answered by ``self._audit_chain``."""

    _audit_chain: AuditChain

    async def append_audit(self, records: Sequence[AuditRecord]) -> None:
        await self._audit_chain.append_audit(records)

    async def read_audit(self, query: AuditQuery) -> list[AuditEntry]:
        return await self._audit_chain.read_audit(query)

    async def audit_bounds(self) -> AuditBounds:
        return await self._audit_chain.audit_bounds()

    async def purge_audit(self, checkpoint: AuditCheckpoint) -> int:
        return await self._audit_chain.purge_audit(checkpoint)
