-- ARGV: 1 session, 2 "<node>|<0 or 1>", 3 channel, 4 room. Changes a member's presence, and says so.
-- Only the node that holds the member may take it offline: a node that lost the session to another
-- (and notices its old connection end late) must not overwrite the new node's "online".
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then
    return 0
end
local old = redis.call('HGET', KEYS[5], ARGV[1])
if old == ARGV[2] then
    return 0
end
if old and string.sub(ARGV[2], -2) == '|0' and string.sub(old, 1, #old - 2) ~= string.sub(ARGV[2], 1, #ARGV[2] - 2) then
    return 0
end
redis.call('HSET', KEYS[5], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], 'P' .. ARGV[4])
return 1
