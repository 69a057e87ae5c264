-- Shared by every session script (prepended to each one). KEYS[1] is the session's hash, KEYS[2]
-- the list of its unacknowledged outbound messages; both carry the same hash tag, so one slot.
-- Hash fields: th sha256(token), ph sha256(previous token) or absent, ep epoch, ow owner,
-- tl ttl ms, ls last outbound seq, ak outbound acked, dg inbound delivering, dd inbound delivered,
-- dl expiry deadline ms (absent while attached). The list holds seqs ak+1 .. ls, in order.
-- Numbers are written as the decimal strings the caller passed, or by HINCRBY, never from Lua
-- numbers (which would print 1e+15); compared as Lua numbers (exact below 2^53).

-- nil when ARGV[1] is the session's epoch, else the error reply to return.
local function fence()
  local cur = redis.call('HMGET', KEYS[1], 'ep', 'ow')
  if not cur[1] then
    return redis.error_reply('TETHER_GONE no such session')
  end
  if cur[1] ~= ARGV[1] then
    return redis.error_reply('TETHER_FENCED ' .. cur[1] .. ' ' .. cur[2])
  end
  return nil
end

-- The session's state as the Java side decodes it: th ph ep ow tl ls ak dg dd, then the messages.
local function snapshot(into)
  local st = redis.call('HMGET', KEYS[1], 'th', 'ph', 'ep', 'ow', 'tl', 'ls', 'ak', 'dg', 'dd')
  for i = 1, 9 do
    into[#into + 1] = st[i]
  end
  local out = redis.call('LRANGE', KEYS[2], 0, -1)
  for i = 1, #out do
    into[#into + 1] = out[i]
  end
  return into
end

-- RPUSH of ARGV[from..#ARGV] onto KEYS[2], in chunks (unpack has a stack limit).
local function push(from)
  local i = from
  while i <= #ARGV do
    local last = math.min(i + 999, #ARGV)
    redis.call('RPUSH', KEYS[2], unpack(ARGV, i, last))
    i = last + 1
  end
end

