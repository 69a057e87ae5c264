-- takeExpired, one candidate: ARGV now ms. {'gone'}, {'attached'}, {'later', deadline}, or
-- {'taken', state...} after deleting the session: the deadline decides, atomically with the delete,
-- so of all the nodes sweeping the same candidate exactly one gets 'taken'.
local cur = redis.call('HMGET', KEYS[1], 'ep', 'dl')
if not cur[1] then
  return {'gone'}
end
if not cur[2] then
  return {'attached'}
end
if tonumber(cur[2]) > tonumber(ARGV[1]) then
  return {'later', cur[2]}
end
local taken = snapshot({'taken'})
redis.call('DEL', KEYS[1], KEYS[2])
return taken
