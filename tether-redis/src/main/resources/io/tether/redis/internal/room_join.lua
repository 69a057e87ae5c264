-- ARGV: 1 session, 2 info, 3 node, 4 history size, 5 fresh incarnation, 6 channel, 7 room.
-- Returns {incarnation, last seq, history newest first as XREVRANGE gives it}.
local inc = incarnation(ARGV[5])
local seq = last_seq()
redis.call('HSET', KEYS[3], ARGV[1], ARGV[2])
redis.call('HSETNX', KEYS[4], ARGV[1], seq)
redis.call('HSET', KEYS[5], ARGV[1], ARGV[3] .. '|1')
local history = {}
local n = tonumber(ARGV[4])
if n > 0 then
    history = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', n)
end
redis.call('PUBLISH', ARGV[6], 'P' .. ARGV[7])
return {inc, seq, history}
