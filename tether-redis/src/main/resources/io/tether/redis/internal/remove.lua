-- remove: ARGV epoch. {owner} removed, {} not (gone, or another epoch).
local cur = redis.call('HMGET', KEYS[1], 'ep', 'ow')
if cur[1] ~= ARGV[1] then
  return {}
end
redis.call('DEL', KEYS[1], KEYS[2])
return {cur[2]}
