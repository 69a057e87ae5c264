-- Shared by the room scripts. KEYS: 1 meta (HASH inc, seq), 2 log (STREAM, ids 0-<seq>, field p),
-- 3 members (HASH session -> info), 4 cursors (HASH session -> seq), 5 presence (HASH session ->
-- "<node>|<0 or 1>"). All five carry the room's hash tag: one slot.

-- The room's incarnation, drawn (ARGV-supplied fresh) when the room has none: the room was new, or
-- Redis lost it. A lost room's log is dropped with it, so its numbering can start again at 1.
local function incarnation(fresh)
    local inc = redis.call('HGET', KEYS[1], 'inc')
    if not inc then
        inc = fresh
        redis.call('DEL', KEYS[2], KEYS[4])
        redis.call('HSET', KEYS[1], 'inc', inc, 'seq', 0)
    end
    return inc
end

local function last_seq()
    return tonumber(redis.call('HGET', KEYS[1], 'seq') or '0')
end
