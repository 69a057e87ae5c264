-- create: ARGV th ph('' for none) ep ow tl ls ak dg dd, then the messages. 1 created, 0 id taken.
if redis.call('EXISTS', KEYS[1]) == 1 then
  return 0
end
redis.call('HSET', KEYS[1], 'th', ARGV[1], 'ep', ARGV[3], 'ow', ARGV[4], 'tl', ARGV[5],
    'ls', ARGV[6], 'ak', ARGV[7], 'dg', ARGV[8], 'dd', ARGV[9])
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[1], 'ph', ARGV[2])
end
redis.call('DEL', KEYS[2])
push(10)
return 1
