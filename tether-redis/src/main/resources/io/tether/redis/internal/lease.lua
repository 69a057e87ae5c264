-- Forgets a dead node (not a session script): KEYS[1] the namespace's leases, KEYS[2] the node's
-- set of owned sessions (one slot: both carry the namespace's tag); ARGV node, the lease end a sweep
-- read. Only if the lease still ends then (the node did not renew it since) and the set is empty
-- (every session of it was seen to). 1 forgotten, 0 not.
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not score or tonumber(score) ~= tonumber(ARGV[2]) or redis.call('SCARD', KEYS[2]) > 0 then
  return 0
end
redis.call('ZREM', KEYS[1], ARGV[1])
return 1
