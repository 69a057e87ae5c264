-- detach: ARGV epoch, deadline ms, backstop grace ms. The keys expire (backstop, for when no node
-- sweeps) a grace after the deadline, or after Redis's own now if the caller's clock is behind it.
local refused = fence()
if refused then
  return refused
end
redis.call('HSET', KEYS[1], 'dl', ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = string.format('%d', math.max(tonumber(ARGV[2]), now) + tonumber(ARGV[3]))
redis.call('PEXPIREAT', KEYS[1], at)
redis.call('PEXPIREAT', KEYS[2], at)
return 1
