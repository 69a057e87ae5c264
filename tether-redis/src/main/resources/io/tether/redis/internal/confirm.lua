-- confirmToken: ARGV epoch.
local refused = fence()
if refused then
  return refused
end
redis.call('HDEL', KEYS[1], 'ph')
return 1
