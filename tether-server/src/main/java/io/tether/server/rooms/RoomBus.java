package io.tether.server.rooms;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Where the rooms of an endpoint live (SPI): their members, their numbered message logs, and the
 * channel that tells every node of a new message. {@link Rooms} runs one node's part on top of it;
 * {@link InMemoryRoomBus} serves one process, tether-redis's {@code RedisRoomBus} a cluster.
 *
 * <p><b>Order.</b> {@link #publish} numbers a room's messages 1, 2, 3, ... in one order, the same for
 * every node, and keeps the last ones in the room's log; the listener hears of each, in that order
 * per room, but possibly not at all (a channel like Redis pub/sub drops messages while a connection
 * is down): a node that sees a gap reads it from the {@link #range log}, and one that hears nothing
 * learns of new messages from {@link #status}, which it polls.
 *
 * <p><b>Incarnation.</b> A room's numbering starts again when the bus lost the room (Redis
 * restarted empty): every log position comes with the room's incarnation, a string drawn when the
 * room's first message or member was stored, so that a node never mistakes a new room's message 1
 * for an old one it has handled.
 *
 * <p><b>Cursors.</b> The bus keeps, per member, the last message of the room the member's session
 * has stored ({@link #advance}); a node that takes the session over continues from there.
 *
 * <p>Every operation is asynchronous and never blocks the caller (an event loop); stages complete
 * on a thread of the bus's choosing and fail with
 * {@link io.tether.server.store.StoreUnavailableException} when the bus cannot be reached.
 * Arguments are never null. Thread-safe.
 */
public interface RoomBus extends AutoCloseable {

    /**
     * Opens the bus of one endpoint's rooms (the endpoint's path as {@code namespace}) for a node,
     * telling {@code listener} of every room's messages from now on.
     */
    @FunctionalInterface
    interface Factory {
        RoomBus open(String namespace, Listener listener);
    }

    /** What a node hears from the bus; calls for one room come in publication order, never concurrently. */
    interface Listener {
        /** Message {@code seq} of {@code room} (of incarnation {@code incarnation}) was published. */
        void onMessage(String room, String incarnation, long seq, String payload);

        /** Something about {@code room}'s members changed: who is in it, or who is online. */
        void onMembersChanged(String room);

        /** The channel was lost and is back: messages may have been missed meanwhile. */
        void onReconnected();
    }

    /** A message in a room's log. */
    record Entry(long seq, String payload) {
    }

    /** A member of a room: its session, the information it joined with, whether it is online. */
    record Member(String sessionId, String info, boolean online) {
    }

    /**
     * A room as it is now.
     *
     * @param incarnation the room's incarnation
     * @param lastSeq its last message's number (0: none yet)
     * @param members its members, in no particular order
     */
    record Status(String incarnation, long lastSeq, List<Member> members) {
    }

    /**
     * What a join found.
     *
     * @param incarnation the room's incarnation
     * @param lastSeq its last message at the moment of joining: the member's cursor starts there
     * @param history up to the asked number of messages before that, oldest first, ending at {@code lastSeq}
     */
    record Joined(String incarnation, long lastSeq, List<Entry> history) {
    }

    /**
     * Where a member is: its cursor in the room (the last message its session stored).
     *
     * @param incarnation the room's incarnation
     * @param cursor the member's last stored message
     * @param lastSeq the room's last message
     */
    record Position(String incarnation, long cursor, long lastSeq) {
    }

    /**
     * Adds {@code sessionId} to {@code room} (again: keeps its cursor) with {@code info} (shown to
     * others, e.g. a nickname), held by {@code node}, online, and adds the room to the session's
     * rooms. Atomic in the room: no message falls between the history and the cursor.
     *
     * @param historySize how many of the last messages to return
     */
    CompletionStage<Joined> join(String room, String sessionId, String info, String node, int historySize);

    /** Removes {@code sessionId} from {@code room} and the room from the session's rooms; whether it was in it. */
    CompletionStage<Boolean> leave(String room, String sessionId);

    /** Appends {@code payload} to {@code room}'s log and tells every node; completes with its seq. */
    CompletionStage<Long> publish(String room, String payload);

    /**
     * {@link #publish}, only if {@code sessionId} is a member of {@code room} (checked in the same
     * step); completes with 0, publishing nothing, if it is not.
     */
    CompletionStage<Long> publishIfMember(String room, String sessionId, String payload);

    /** Up to {@code max} messages of {@code room} after {@code afterSeq}, oldest first, if the incarnation is still {@code incarnation}. */
    CompletionStage<List<Entry>> range(String room, String incarnation, long afterSeq, int max);

    /** The room now, with each member online only if its flag is set and its node is in {@code liveNodes}. */
    CompletionStage<Status> status(String room, Set<String> liveNodes);

    /** The session's position in {@code room}; null when it is not a member (or the room is gone). */
    CompletionStage<@Nullable Position> position(String room, String sessionId);

    /** Raises the cursors of members of {@code room} (session id → seq; a cursor never goes back). */
    CompletionStage<Void> advance(String room, String incarnation, Map<String, Long> cursors);

    /**
     * Marks {@code sessionId} in {@code room} as held by {@code node} and online, or offline — the
     * latter only if {@code node} is the one that holds it (a node that lost the session to another
     * must not take it offline there) — and tells every node of a change.
     */
    CompletionStage<Void> presence(String room, String sessionId, String node, boolean online);

    /** The rooms {@code sessionId} is a member of. */
    CompletionStage<Set<String>> roomsOf(String sessionId);

    /** Stores {@code info} as the session's own (a nickname before any room), until {@link #forget}. */
    CompletionStage<Void> describe(String sessionId, String info);

    /** What {@link #describe} stored for the session, or null. */
    CompletionStage<@Nullable String> description(String sessionId);

    /** Removes the session from every room and drops its description; completes with the rooms it was in. */
    CompletionStage<Set<String>> forget(String sessionId);

    /** Node {@code node} is alive until {@code untilMillis}; completes with the nodes alive at {@code nowMillis}. */
    CompletionStage<Set<String>> heartbeat(String node, long untilMillis, long nowMillis);

    /** Stops listening; pending stages may fail. */
    @Override
    void close();
}
