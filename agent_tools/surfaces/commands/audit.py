"""``agent-tools audit``: check the audit log's hash chain, list its entries, purge old ones.

Every action is an admin's (``--as NAME --role admin`` acts for another principal,
as ``ops`` does). ``verify`` exits 1 when the chain is broken, naming the first
entry that was edited, deleted, reordered or inserted.
"""

from __future__ import annotations

import argparse
import datetime
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from agent_tools.core.audit import AuditEntry
    from agent_tools.core.principals import Principal
    from agent_tools.runtime.store_access import Store
    from agent_tools.settings import Settings

HELP = "Verify the tamper-evident audit log, list its entries, or purge old ones (admin)."
BROKEN_EXIT = 1


def _shared(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", help="store URL (default: AGENT_TOOLS_STORE or the data dir)")
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--as", dest="as_principal", metavar="PRINCIPAL", help="act for another")
    parser.add_argument(
        "--role", dest="as_role", choices=("reader", "operator", "admin"), default="operator"
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    verify = actions.add_parser("verify", help="check the chain; exit 1 at the first bad entry")
    _shared(verify)
    verify.add_argument(
        "--public-key",
        help="base64 Ed25519 key a purge checkpoint must be signed with "
        "(default: AGENT_TOOLS_AUDIT_PUBLIC_KEY)",
    )
    listing = actions.add_parser("list", help="entries, oldest first")
    _shared(listing)
    listing.add_argument("--operation", dest="operation_id", help="only this operation's entries")
    listing.add_argument("--after", type=int, default=0, help="entries after this seq")
    listing.add_argument("--limit", type=int, default=100, help="at most this many (default 100)")
    purge = actions.add_parser("purge", help="remove old entries, leaving a signed checkpoint")
    _shared(purge)
    which = purge.add_mutually_exclusive_group(required=True)
    which.add_argument("--before", type=int, metavar="SEQ", help="remove entries below SEQ")
    which.add_argument("--older-than", metavar="DURATION", help="remove entries older (90d, 12h)")


def run(args: argparse.Namespace) -> int:
    """Run the action; errors print their code and hint and exit 2."""
    from agent_tools.surfaces.commands import run_reporting_errors

    return run_reporting_errors(_act(args))


async def _act(args: argparse.Namespace) -> int:
    from agent_tools.core.principals import acting_as, authorize
    from agent_tools.runtime.audit_trail import AuditTrail
    from agent_tools.runtime.observer import NO_OBSERVER
    from agent_tools.runtime.store_access import open_store
    from agent_tools.surfaces.commands import settings_from

    settings = settings_from(args)
    store = open_store(settings.store)
    await store.open()
    # Reading the log is an access too: it leaves its own entry, refusals included.
    trail = AuditTrail(store, store.open, NO_OBSERVER)
    try:
        with acting_as(_principal(args)) as principal:
            async with trail.access(
                principal.name,
                f"audit.{args.action}",
                operation_id=getattr(args, "operation_id", None),
                changes=args.action == "purge",
            ):
                # Reading who did what is as sensitive as purging it: admins only.
                authorize(principal, "purge")
                if args.action == "verify":
                    return await _verify(store, args, settings)
                if args.action == "list":
                    return await _list(store, args)
                return await _purge(store, args, settings, principal)
    finally:
        await trail.flush()
        await store.close()


def _principal(args: argparse.Namespace) -> Principal:
    from agent_tools.core.principals import LOCAL_USER, Principal, Role

    if not args.as_principal:
        return LOCAL_USER
    return Principal(name=args.as_principal, role=Role(args.as_role))


async def _verify(store: Store, args: argparse.Namespace, settings: Settings) -> int:
    from agent_tools.runtime import audit_log
    from agent_tools.runtime.audit_signing import public_key

    text = args.public_key or settings.audit_public_key
    report = await audit_log.verify(store, None if text is None else public_key(text))
    problem = report.problem
    if args.json:
        body: dict[str, Any] = {"ok": report.ok, "count": report.count, "head_seq": report.head.seq}
        body["head_hash"] = report.head.hash
        if problem is not None:
            body["problem"] = {"seq": problem.seq, "kind": problem.kind, "reason": problem.reason}
        print(json.dumps(body))
    elif problem is None:
        print(f"OK: {report.count} entries, head {report.head.seq} {report.head.hash}")
    else:
        print(f"BROKEN at entry {problem.seq}: {problem.kind} ({problem.reason})")
    return 0 if problem is None else BROKEN_EXIT


async def _list(store: Store, args: argparse.Namespace) -> int:
    from agent_tools.runtime import audit_log

    found = await audit_log.entries(store, args.operation_id, args.after, args.limit)
    for entry in found:
        print(json.dumps(_json(entry)) if args.json else _line(entry))
    return 0


def _json(entry: AuditEntry) -> dict[str, Any]:
    from agent_tools.core.audit import record_fields

    return {"seq": entry.seq, **record_fields(entry.record), "hash": entry.hash}


def _line(entry: AuditEntry) -> str:
    record = entry.record
    at = datetime.datetime.fromtimestamp(record.at, datetime.UTC).isoformat(timespec="seconds")
    detail = " ".join(f"{key}={value}" for key, value in record.detail.items())
    operation = record.operation_id or "-"
    return (
        f"{entry.seq:>6} {at} {record.principal} {record.action} {record.outcome} "
        f"{operation} {detail}"
    ).rstrip()


async def _purge(
    store: Store, args: argparse.Namespace, settings: Settings, principal: Principal
) -> int:
    import time

    from agent_tools.core.purging import parse_duration
    from agent_tools.runtime import audit_log
    from agent_tools.runtime.audit_signing import signing_key

    key = signing_key(settings.audit_signing_key_text())
    before_at = None if args.older_than is None else time.time() - parse_duration(args.older_than)
    done = await audit_log.purge(store, principal, key, before_seq=args.before, before_at=before_at)
    checkpoint = done.checkpoint
    if args.json:
        print(
            json.dumps({"removed": done.removed, "checkpoint_seq": checkpoint and checkpoint.seq})
        )
    elif checkpoint is None:
        print("removed 0 entries: none is old enough")
    else:
        print(
            f"removed {done.removed} entries; the chain resumes after signed entry {checkpoint.seq}"
        )
    return 0
