-- acknowledge: ARGV epoch, up to.
local refused = fence()
if refused then
  return refused
end
local pos = redis.call('HMGET', KEYS[1], 'ls', 'ak')
local last, acked, upTo = tonumber(pos[1]), tonumber(pos[2]), tonumber(ARGV[2])
if upTo > last then
  return redis.error_reply('TETHER_ACK ack ' .. ARGV[2] .. ' beyond the last seq ' .. pos[1])
end
if upTo > acked then
  redis.call('LTRIM', KEYS[2], upTo - acked, -1)
  redis.call('HSET', KEYS[1], 'ak', ARGV[2])
end
return 1
