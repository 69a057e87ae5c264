package io.tether.redis.internal;

import io.lettuce.core.ScriptOutputType;
import java.util.List;

/** The store's Lua scripts (resources beside this class); each session script after session.lua. */
final class Scripts {
    private static final String SESSION = Script.resource("session.lua");

    static final Script CREATE = session("create", ScriptOutputType.INTEGER);
    static final Script CLAIM = session("claim", ScriptOutputType.MULTI);
    static final Script CONFIRM = session("confirm", ScriptOutputType.INTEGER);
    static final Script APPEND = session("append", ScriptOutputType.INTEGER);
    static final Script ACK = session("ack", ScriptOutputType.INTEGER);
    static final Script INBOUND = session("inbound", ScriptOutputType.INTEGER);
    static final Script DETACH = session("detach", ScriptOutputType.INTEGER);
    static final Script EXPIRE = session("expire", ScriptOutputType.MULTI);
    static final Script LOAD = session("load", ScriptOutputType.MULTI);
    static final Script REMOVE = session("remove", ScriptOutputType.MULTI);
    static final Script ORPHAN = session("orphan", ScriptOutputType.INTEGER);
    /** Not a session script: keeps one expiry index entry (see index.lua). */
    static final Script INDEX = Script.load("index", "", ScriptOutputType.INTEGER);
    /** Not a session script: forgets a dead node whose sessions were all seen to (see lease.lua). */
    static final Script LEASE = Script.load("lease", "", ScriptOutputType.INTEGER);
    private static final String ROOM = Script.resource("room.lua");
    static final Script ROOM_JOIN = room("room_join", ScriptOutputType.MULTI);
    static final Script ROOM_PUBLISH = room("room_publish", ScriptOutputType.INTEGER);
    static final Script ROOM_RANGE = room("room_range", ScriptOutputType.MULTI);
    static final Script ROOM_STATUS = room("room_status", ScriptOutputType.MULTI);
    static final Script ROOM_POSITION = room("room_position", ScriptOutputType.MULTI);
    static final Script ROOM_ADVANCE = room("room_advance", ScriptOutputType.INTEGER);
    static final Script ROOM_PRESENCE = room("room_presence", ScriptOutputType.INTEGER);
    static final Script ROOM_LEAVE = room("room_leave", ScriptOutputType.INTEGER);
    static final Script ROOM_HEARTBEAT = Script.load("room_heartbeat", "", ScriptOutputType.MULTI);
    /** Every script, loaded into Redis when the connection opens. */
    static final List<Script> ALL = List.of(CREATE, CLAIM, CONFIRM, APPEND, ACK, INBOUND, DETACH, EXPIRE, LOAD, REMOVE,
            ORPHAN, INDEX, LEASE, ROOM_JOIN, ROOM_PUBLISH, ROOM_RANGE, ROOM_STATUS, ROOM_POSITION, ROOM_ADVANCE,
            ROOM_PRESENCE, ROOM_LEAVE, ROOM_HEARTBEAT);

    private Scripts() {
    }

    /** A room script, after room.lua (its keys are a room's five, see there). */
    private static Script room(String name, ScriptOutputType output) {
        return Script.load(name, ROOM, output);
    }

    private static Script session(String name, ScriptOutputType output) {
        return Script.load(name, SESSION, output);
    }
}
