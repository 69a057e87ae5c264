-- ARGV: 1 incarnation, 2 after seq, 3 max. Entries after it, oldest first; none if the incarnation changed.
if redis.call('HGET', KEYS[1], 'inc') ~= ARGV[1] then
    return {}
end
return redis.call('XRANGE', KEYS[2], '0-' .. (tonumber(ARGV[2]) + 1), '+', 'COUNT', tonumber(ARGV[3]))
