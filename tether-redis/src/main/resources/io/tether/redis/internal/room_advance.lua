-- ARGV: 1 incarnation, then pairs session, seq. Raises members' cursors; never lowers one.
if redis.call('HGET', KEYS[1], 'inc') ~= ARGV[1] then
    return 0
end
local moved = 0
for i = 2, #ARGV, 2 do
    local old = redis.call('HGET', KEYS[4], ARGV[i])
    if old and tonumber(old) < tonumber(ARGV[i + 1]) then
        redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
        moved = moved + 1
    end
end
return moved
