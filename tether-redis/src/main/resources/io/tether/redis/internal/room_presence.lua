-- ARGV: 1 session, 2 "<node>|<0 or 1>", 3 channel, 4 room. Changes a member's presence, and says so.
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then
    return 0
end
if redis.call('HGET', KEYS[5], ARGV[1]) == ARGV[2] then
    return 0
end
redis.call('HSET', KEYS[5], ARGV[1], ARGV[2])
redis.call('PUBLISH', ARGV[3], 'P' .. ARGV[4])
return 1
