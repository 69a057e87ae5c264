-- Returns {incarnation or '', last seq, members as HGETALL, presence as HGETALL}.
local inc = redis.call('HGET', KEYS[1], 'inc') or ''
return {inc, last_seq(), redis.call('HGETALL', KEYS[3]), redis.call('HGETALL', KEYS[5])}
