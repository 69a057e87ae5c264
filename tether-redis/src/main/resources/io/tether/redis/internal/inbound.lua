-- recordInbound: ARGV epoch, delivering, delivered (delivered <= delivering, checked by the caller).
local refused = fence()
if refused then
  return refused
end
local pos = redis.call('HMGET', KEYS[1], 'dg', 'dd')
if tonumber(ARGV[2]) > tonumber(pos[1]) then
  redis.call('HSET', KEYS[1], 'dg', ARGV[2])
end
if tonumber(ARGV[3]) > tonumber(pos[2]) then
  redis.call('HSET', KEYS[1], 'dd', ARGV[3])
end
return 1
