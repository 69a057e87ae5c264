-- orphan, one session of a node whose lease ended: ARGV node, lease end ms, backstop grace ms.
-- If the node still owns the session and it has no deadline (it was attached there when the node
-- died), the deadline becomes lease end + ttl and the keys get the backstop expiry, as detach.lua
-- does; returns that deadline. Minus its deadline when the node owns it but it has one already (an
-- earlier orphan or a detach set it), 0 when it is gone or another node's: of all the nodes
-- orphaning at once exactly one sets it.
local cur = redis.call('HMGET', KEYS[1], 'ow', 'dl', 'tl')
if not cur[1] or cur[1] ~= ARGV[1] then
  return 0
end
if cur[2] then
  return -tonumber(cur[2])
end
local dl = string.format('%d', tonumber(ARGV[2]) + tonumber(cur[3]))
redis.call('HSET', KEYS[1], 'dl', dl)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local at = string.format('%d', math.max(tonumber(dl), now) + tonumber(ARGV[3]))
redis.call('PEXPIREAT', KEYS[1], at)
redis.call('PEXPIREAT', KEYS[2], at)
return tonumber(dl)
