-- ARGV: 1 session, 2 channel, 3 room. Returns 1 if it was a member. An empty room is forgotten with its log.
local was = redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
if redis.call('HLEN', KEYS[3]) == 0 then
    redis.call('DEL', KEYS[1], KEYS[2], KEYS[4], KEYS[5])
end
if was == 1 then
    redis.call('PUBLISH', ARGV[2], 'P' .. ARGV[3])
end
return was
