"""The Lua scripts that make every Redis store write atomic.

Keys are built inside the scripts from the store's prefix: the store expects a
single Redis server (or one hash slot), not a cluster spread over many nodes.
Floats travel as Python ``repr`` strings so records round-trip exactly.
"""

from __future__ import annotations

from collections.abc import Iterable

from agent_tools.core.lease_rules import RECOVERABLE_MODE, RECOVERABLE_STATUSES
from agent_tools.core.status import TERMINAL_STATUSES, OperationStatus


def _lua_status_in(variable: str, statuses: Iterable[OperationStatus]) -> str:
    """A Lua test that ``variable`` is one of ``statuses`` (rendered from core's sets)."""
    return " or ".join(f"{variable} == '{status.value}'" for status in sorted(statuses))


COMMON = f"""
local function is_terminal(status)
  return {_lua_status_in("status", TERMINAL_STATUSES)}
end

local function index_status(p, id, old, new)
  local created = redis.call('HGET', p .. ':op:' .. id, 'created_at')
  local mode = redis.call('HGET', p .. ':op:' .. id, 'mode')
  if old and old ~= '' then redis.call('ZREM', p .. ':status:' .. old, id) end
  redis.call('ZADD', p .. ':status:' .. new, created, id)
  if mode == '{RECOVERABLE_MODE}' and ({_lua_status_in("new", RECOVERABLE_STATUSES)}) then
    redis.call('ZADD', p .. ':active', created, id)
  else
    redis.call('ZREM', p .. ':active', id)
  end
end

local function set_expiry(p, id, expires_at)
  if expires_at ~= '' then
    redis.call('HSET', p .. ':op:' .. id, 'expires_at', expires_at)
    redis.call('ZADD', p .. ':expiring', expires_at, id)
  end
end

local function remove(p, id)
  local status = redis.call('HGET', p .. ':op:' .. id, 'status')
  if not status then return 0 end
  redis.call('ZREM', p .. ':status:' .. status, id)
  redis.call('DEL', p .. ':op:' .. id, p .. ':items:' .. id, p .. ':events:' .. id)
  redis.call('ZREM', p .. ':all', id)
  redis.call('ZREM', p .. ':active', id)
  redis.call('ZREM', p .. ':expiring', id)
  redis.call('PUBLISH', p .. ':changed', id)
  return 1
end

local function changed(p, id, event)
  redis.call('HINCRBY', p .. ':op:' .. id, 'revision', 1)
  redis.call('RPUSH', p .. ':events:' .. id, event)
  redis.call('PUBLISH', p .. ':changed', id)
end
"""

CREATE = (
    COMMON
    + """
local p, id, event = ARGV[1], ARGV[2], ARGV[3]
local key = p .. ':op:' .. id
if redis.call('EXISTS', key) == 1 then return 0 end
for i = 4, #ARGV, 2 do redis.call('HSET', key, ARGV[i], ARGV[i + 1]) end
redis.call('ZADD', p .. ':all', redis.call('HGET', key, 'created_at'), id)
index_status(p, id, nil, redis.call('HGET', key, 'status'))
set_expiry(p, id, redis.call('HGET', key, 'expires_at'))
redis.call('RPUSH', p .. ':events:' .. id, event)
redis.call('PUBLISH', p .. ':changed', id)
return 1
"""
)

ACQUIRE = (
    COMMON
    + """
local p, id, holder, now, expires_at = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4]), ARGV[5]
local dead_holder = ARGV[6]
local key = p .. ':op:' .. id
local fields = redis.call('HMGET', key, 'status', 'lease_holder', 'lease_expires_at')
if not fields[1] or is_terminal(fields[1]) then return false end
local current, until_ = fields[2], fields[3]
local other = current ~= '' and current ~= holder and current ~= dead_holder
if other and tonumber(until_) > now then return false end
local token = redis.call('HINCRBY', key, 'lease_token', 1)
redis.call('HSET', key, 'lease_holder', holder, 'lease_expires_at', expires_at)
return {token, current}
"""
)

RENEW = """
local p, id, token, expires_at = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local key = p .. ':op:' .. id
local fields = redis.call('HMGET', key, 'lease_token', 'lease_holder')
if fields[1] ~= token or not fields[2] or fields[2] == '' then return false end
redis.call('HSET', key, 'lease_expires_at', expires_at)
return redis.call('HGETALL', key)
"""

RELEASE = """
local key = ARGV[1] .. ':op:' .. ARGV[2]
if redis.call('HGET', key, 'lease_token') == ARGV[3] then
  redis.call('HSET', key, 'lease_holder', '', 'lease_expires_at', '')
end
return 1
"""

COMMIT = (
    COMMON
    + """
local p, id, token, expected, status = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local key = p .. ':op:' .. id
local fields = redis.call('HMGET', key, 'lease_token', 'status')
if not fields[1] or fields[1] ~= token then return 'lease_lost' end
if fields[2] ~= expected then return 'status_changed' end
redis.call('HSET', key, 'status', status, 'type_version', ARGV[6],
  'state', ARGV[8], 'progress', ARGV[9], 'next_chunk_index', ARGV[10], 'result', ARGV[11],
  'error', ARGV[12], 'updated_at', ARGV[13])
if ARGV[7] ~= '' then redis.call('HSET', key, 'input', ARGV[7]) end
set_expiry(p, id, ARGV[14])
redis.call('HSET', key, 'input_round', ARGV[17])
if ARGV[15] == '1' then redis.call('HSET', key, 'lease_holder', '', 'lease_expires_at', '') end
local count = tonumber(ARGV[18])
if count > 0 then
  redis.call('HINCRBY', key, 'item_count', count)
  for i = 19, 18 + count do redis.call('RPUSH', p .. ':items:' .. id, ARGV[i]) end
end
if status ~= expected then index_status(p, id, expected, status) end
changed(p, id, ARGV[16])
return 'committed'
"""
)

CHANGE_STATUS = (
    COMMON
    + """
local p, id, status, updated_at = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local error_, result, expires_at, event = ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local key = p .. ':op:' .. id
local current = redis.call('HGET', key, 'status')
if not current then return false end
local allowed = false
for i = 9, #ARGV do if ARGV[i] == current then allowed = true end end
if not allowed then return false end
redis.call('HSET', key, 'status', status, 'updated_at', updated_at)
if error_ ~= '' then redis.call('HSET', key, 'error', error_) end
if result ~= '' then redis.call('HSET', key, 'result', result) end
set_expiry(p, id, expires_at)
index_status(p, id, current, status)
changed(p, id, event)
return redis.call('HGETALL', key)
"""
)

SAVE_INPUT_ROUND = (
    COMMON
    + """
local p, id, revision, input_round, status = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5]
local updated_at, event = ARGV[6], ARGV[7]
local key = p .. ':op:' .. id
local fields = redis.call('HMGET', key, 'revision', 'status')
if not fields[1] or fields[1] ~= revision then return false end
redis.call('HSET', key, 'input_round', input_round, 'status', status, 'updated_at', updated_at)
if fields[2] ~= status then index_status(p, id, fields[2], status) end
changed(p, id, event)
return redis.call('HGETALL', key)
"""
)

PURGE = (
    COMMON
    + """
local p, now = ARGV[1], ARGV[2]
local expired = redis.call('ZRANGEBYSCORE', p .. ':expiring', '-inf', now)
for _, id in ipairs(expired) do
  remove(p, id)
  redis.call('ZREM', p .. ':expiring', id)
end
return #expired
"""
)

PURGE_ENDED = (
    COMMON
    + """
local p, before = ARGV[1], tonumber(ARGV[2])
local purged = 0
for i = 3, #ARGV do
  if is_terminal(ARGV[i]) then
    for _, id in ipairs(redis.call('ZRANGE', p .. ':status:' .. ARGV[i], 0, -1)) do
      local updated = tonumber(redis.call('HGET', p .. ':op:' .. id, 'updated_at'))
      if before == nil or (updated and updated < before) then purged = purged + remove(p, id) end
    end
  end
end
return purged
"""
)
"""ARGV: prefix, ended-before time ('' for any age), then the statuses; live ones are skipped."""

DELETE_OPERATIONS = (
    COMMON
    + """
local p, removed = ARGV[1], 0
for i = 2, #ARGV do removed = removed + remove(p, ARGV[i]) end
return removed
"""
)
"""ARGV: prefix, then the ids of the operations to delete with their items and events."""

READ_ITEMS = """
local p, id, after, limit = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local offset = tonumber(redis.call('HGET', p .. ':op:' .. id, 'items_offset') or '0')
local start = math.max(after - offset, 0)
local outputs = redis.call('LRANGE', p .. ':items:' .. id, start, start + limit - 1)
table.insert(outputs, 1, tostring(offset + start))
return outputs
"""
"""ARGV: prefix, id, after-seq, limit. Returns the seq before the first output, then the outputs.

The list holds the log from seq ``items_offset + 1`` on: a capped log dropped the rest."""

TRIM_ITEMS = """
local p, id, expected, through = ARGV[1], ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
local key, list = p .. ':op:' .. id, p .. ':items:' .. id
local fields = redis.call('HMGET', key, 'item_count', 'dropped_items', 'items_offset')
if not fields[1] or tonumber(fields[1]) < through or through <= expected then return 0 end
if tonumber(fields[2] or '0') ~= expected then return 0 end
local offset = tonumber(fields[3] or '0')
local last = through - offset - 1
if ARGV[5] == '1' then
  -- Overwrite the last dropped item in place: the list never empties, so keeps its TTL.
  redis.call('LSET', list, last, ARGV[6])
  redis.call('LTRIM', list, last, -1)
  offset = through - 1
else
  redis.call('LTRIM', list, last + 1, -1)
  offset = through
end
redis.call('HSET', key, 'dropped_items', through, 'items_offset', offset)
redis.call('HINCRBY', key, 'revision', 1)
redis.call('PUBLISH', p .. ':changed', id)
return 1
"""
"""ARGV: prefix, id, expected dropped_items, drop-through seq, '1' with a summary, the summary."""
REPLACE_PAYLOAD = """
local p, id, place, at, expected, new = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local key = p .. ':' .. place .. ':' .. id
if place == 'op' then
  if redis.call('HGET', key, at) ~= expected then return 0 end
  redis.call('HSET', key, at, new)
  return 1
end
local index = tonumber(at) - 1
if redis.call('LINDEX', key, index) ~= expected then return 0 end
redis.call('LSET', key, index, new)
return 1
"""
"""Key rotation's compare-and-set. ARGV: prefix, id, ``op`` and a hash field, or ``items`` /
``events`` and a 1-based position, then the expected and the new text. Touches nothing else."""

SCRIPTS = (
    "CREATE",
    "ACQUIRE",
    "RENEW",
    "RELEASE",
    "COMMIT",
    "CHANGE_STATUS",
    "SAVE_INPUT_ROUND",
    "PURGE",
    "PURGE_ENDED",
    "DELETE_OPERATIONS",
    "READ_ITEMS",
    "TRIM_ITEMS",
    "REPLACE_PAYLOAD",
)
"""The names of the scripts above, which the store registers when it opens."""
