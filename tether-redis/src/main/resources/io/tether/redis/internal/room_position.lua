-- ARGV: 1 session. Returns {incarnation, cursor, last seq}, or {} when not a member.
local inc = redis.call('HGET', KEYS[1], 'inc')
local cursor = redis.call('HGET', KEYS[4], ARGV[1])
if not inc or not cursor or redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then
    return {}
end
return {inc, tonumber(cursor), last_seq()}
