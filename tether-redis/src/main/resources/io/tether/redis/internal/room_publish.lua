-- ARGV: 1 payload, 2 fresh incarnation, 3 log length kept, 4 channel, 5 room, [6 session].
-- Returns the seq; with a session, 0 (nothing published) unless that session is a member.
if ARGV[6] and redis.call('HEXISTS', KEYS[3], ARGV[6]) == 0 then
    return 0
end
local inc = incarnation(ARGV[2])
local seq = redis.call('HINCRBY', KEYS[1], 'seq', 1)
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[3], '0-' .. seq, 'p', ARGV[1])
-- M<room's length in bytes>:<room><incarnation>\n<seq>\n<payload>: a room may hold any character.
redis.call('PUBLISH', ARGV[4], 'M' .. #ARGV[5] .. ':' .. ARGV[5] .. inc .. '\n' .. seq .. '\n' .. ARGV[1])
return seq
