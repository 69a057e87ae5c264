-- append: ARGV epoch, first seq, then the messages (flags byte + payload each).
local refused = fence()
if refused then
  return refused
end
local n = #ARGV - 2
if n == 0 then
  return 1
end
local last = redis.call('HGET', KEYS[1], 'ls')
if tonumber(ARGV[2]) ~= tonumber(last) + 1 then
  return redis.error_reply('TETHER_SEQ appended seq ' .. ARGV[2] .. ' where ' .. (tonumber(last) + 1) .. ' comes next')
end
push(3)
redis.call('HINCRBY', KEYS[1], 'ls', n)
-- A detached session's keys carry the backstop expiry; a list created now must carry it too.
local at = redis.call('PEXPIRETIME', KEYS[1])
if at > 0 then
  redis.call('PEXPIREAT', KEYS[2], at)
end
return 1
