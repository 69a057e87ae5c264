-- remove: ARGV epoch. 1 removed, 0 not (gone, or another epoch).
if redis.call('HGET', KEYS[1], 'ep') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1], KEYS[2])
return 1
