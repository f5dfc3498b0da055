/**
 * The Lua scripts of the Redis engine. Each runs atomically on the server and touches only
 * the keys it declares, all in one event's hash slot (keys.ts), so they also run on Redis
 * Cluster. Scripts are called by SHA (EVALSHA) and re-sent with EVAL when the server's script
 * cache is empty (after a Redis restart), which also reloads them.
 */
import crypto from 'node:crypto';

export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export const script = (source: string): LuaScript => ({ source, sha: crypto.createHash('sha1').update(source).digest('hex') });

/**
 * Append a batch (Centrifugo's shape): for each entry in order, dedupe check → next serial →
 * XADD `<serial>-0` → dedupe record (so a repeat later in the same batch is a duplicate too);
 * then one PUBLISH to wake every node's tails.
 * Before that it checks the log is whole (P15): the stream holds exactly serials 1..seq.
 * If only the counter was lost it is restored from the stream; if the log was lost while the
 * event's meta survived (eviction, a restore of part of the data), the log starts anew under
 * the caller's candidate epoch and the dedupe records, which name serials of the lost log,
 * are dropped. With no entries it only does that check: `info` uses it so.
 * With `commit` '1' the new entries are committed at once (no replicas to wait for). With '0'
 * they wait for COMMIT after a WAIT, and the script always writes `seq` so that the WAIT
 * covers this batch even when every entry was a duplicate (a retry after a failover).
 *
 * KEYS: meta, seq, epoch, log, dedupe, committed
 * ARGV: channel, candidate epoch, commit ('1' or '0'), then per entry: dedupe field, entry JSON
 * Returns {'unknown_event'} or {'ok', epoch, lastSerial, committed, serial1, dup1, serial2, dup2, ...}.
 */
export const APPEND = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {'unknown_event'} end
local epoch = redis.call('GET', KEYS[3])
local seq = tonumber(redis.call('GET', KEYS[2]) or '')
local len = redis.call('XLEN', KEYS[4])
local reset = false
if seq ~= len then
  local lastId = 0
  if len > 0 then
    local last = redis.call('XREVRANGE', KEYS[4], '+', '-', 'COUNT', 1)
    lastId = tonumber(string.match(last[1][1], '^(%d+)'))
  end
  if len > 0 and lastId == len and (seq == nil or seq < len) then
    seq = len
  else
    redis.call('DEL', KEYS[4], KEYS[5])
    redis.call('SET', KEYS[6], 0)
    seq = 0
    epoch = false
  end
  redis.call('SET', KEYS[2], seq)
end
if not epoch then
  epoch = ARGV[2]
  redis.call('SET', KEYS[3], epoch)
  reset = true
end
local commit = ARGV[3] == '1'
local out = {'ok', epoch, 0, 0}
local added = 0
for i = 4, #ARGV, 2 do
  local field = ARGV[i]
  local prior = redis.call('HGET', KEYS[5], field)
  if prior then
    out[#out + 1] = tonumber(prior)
    out[#out + 1] = 1
  else
    seq = seq + 1
    redis.call('XADD', KEYS[4], seq .. '-0', 'e', ARGV[i + 1])
    redis.call('HSET', KEYS[5], field, seq)
    added = added + 1
    out[#out + 1] = seq
    out[#out + 1] = 0
  end
end
if added > 0 or not commit then redis.call('SET', KEYS[2], seq) end
local committed = tonumber(redis.call('GET', KEYS[6]) or '')
if commit and (added > 0 or committed == nil) then
  committed = seq
  redis.call('SET', KEYS[6], seq)
end
out[3] = seq
out[4] = committed or seq
if (commit and added > 0) or reset then redis.call('PUBLISH', ARGV[1], epoch .. ' ' .. (committed or seq)) end
return out
`);

/**
 * After a WAIT confirmed an append: entries up to `serial` become visible to every node. Refuses
 * when this server's log is not the one the append wrote to (another epoch, or the batch's last
 * entry is not there: a failover took it back), so a commit never names entries that are gone.
 * KEYS: epoch, committed, dedupe, seq. ARGV: channel, epoch, serial, dedupe field of the
 * batch's last entry ('' for none), that entry's serial.
 * Returns {'ok', committed} or {'lost'}.
 */
export const COMMIT = script(`
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return {'lost'} end
local serial = tonumber(ARGV[3])
if tonumber(redis.call('GET', KEYS[4]) or '0') < serial then return {'lost'} end
if ARGV[4] ~= '' and tonumber(redis.call('HGET', KEYS[3], ARGV[4]) or '-1') ~= tonumber(ARGV[5]) then return {'lost'} end
local committed = tonumber(redis.call('GET', KEYS[2]) or '0')
if committed < serial then
  committed = serial
  redis.call('SET', KEYS[2], serial)
  redis.call('PUBLISH', ARGV[1], ARGV[2] .. ' ' .. serial)
end
return {'ok', committed}
`);

/**
 * Read committed entries from a serial on, with the epoch they belong to, in one atomic step (a
 * tail must never take entries of a new log for the old one).
 * KEYS: meta, epoch, log, committed, seq. ARGV: from serial, count.
 * Returns {'unknown_event'} or {'ok', epoch or '', XRANGE reply}.
 */
export const READ = script(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {'unknown_event'} end
local epoch = redis.call('GET', KEYS[2]) or ''
local upto = tonumber(redis.call('GET', KEYS[4]) or '') or tonumber(redis.call('GET', KEYS[5]) or '')
if upto == nil then return {'ok', epoch, redis.call('XRANGE', KEYS[3], ARGV[1] .. '-0', '+', 'COUNT', ARGV[2])} end
if upto < tonumber(ARGV[1]) then return {'ok', epoch, {}} end
return {'ok', epoch, redis.call('XRANGE', KEYS[3], ARGV[1] .. '-0', upto .. '-0', 'COUNT', ARGV[2])}
`);

/**
 * Create an event's slot: meta (the commit point), seq 0, committed 0 and a new epoch;
 * leftovers of a log whose meta was lost are cleared first. KEYS: meta, seq, epoch, log,
 * dedupe, committed. ARGV: meta JSON, epoch. Returns 1, or 0 when the event exists.
 */
export const CREATE = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('DEL', KEYS[4], KEYS[5])
redis.call('SET', KEYS[2], 0)
redis.call('SET', KEYS[6], 0)
redis.call('SET', KEYS[3], ARGV[2])
redis.call('SET', KEYS[1], ARGV[1])
return 1
`);

/** Delete a join-code claim only if it is still ours. KEYS: code. ARGV: eventId. */
export const RELEASE_CODE = script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** KEYS: nodes set, this node's presence key. ARGV: node, sample JSON, ttl ms. */
export const REPORT_PRESENCE = script(`
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('SADD', KEYS[1], ARGV[1])
return 1
`);

/**
 * The live samples of the listed nodes; nodes whose sample expired leave the set.
 * KEYS: nodes set, then each node's presence key. ARGV: the node names, same order.
 */
export const READ_PRESENCE = script(`
local out = {}
for i = 2, #KEYS do
  local v = redis.call('GET', KEYS[i])
  if v then out[#out + 1] = v else redis.call('SREM', KEYS[1], ARGV[i - 1]) end
end
return out
`);
