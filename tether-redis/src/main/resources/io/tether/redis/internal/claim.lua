-- claim: ARGV sha256(presented) sha256(new) owner. The previous owner then the state after the
-- claim, or {} when the session is gone or the token is neither the current nor the previous one.
local tokens = redis.call('HMGET', KEYS[1], 'th', 'ph', 'ow')
if not tokens[1] or (tokens[1] ~= ARGV[1] and tokens[2] ~= ARGV[1]) then
  return {}
end
redis.call('HSET', KEYS[1], 'ph', ARGV[1], 'th', ARGV[2], 'ow', ARGV[3])
redis.call('HINCRBY', KEYS[1], 'ep', 1)
redis.call('HDEL', KEYS[1], 'dl')
redis.call('PERSIST', KEYS[1])
redis.call('PERSIST', KEYS[2])
return snapshot({tokens[3]})
