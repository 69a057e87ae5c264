-- KEYS: 1 nodes (ZSET node -> alive until ms). ARGV: 1 node, 2 until, 3 now.
-- Renews the node, forgets nodes dead for a minute, returns the nodes alive now.
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. (tonumber(ARGV[3]) - 60000))
return redis.call('ZRANGEBYSCORE', KEYS[1], ARGV[3], '+inf')
