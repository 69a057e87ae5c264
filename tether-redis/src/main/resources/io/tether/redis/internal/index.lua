-- Expiry index upkeep (not a session script): KEYS[1] an index bucket; ARGV id, the score a sweep
-- read, and the score to set ('' removes the entry). Changes the entry only if its score is still
-- the one read: a detach that wrote a new deadline since then wins.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) then
  return 0
end
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
end
return 1
