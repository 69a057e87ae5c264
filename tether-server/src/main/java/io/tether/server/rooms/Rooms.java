package io.tether.server.rooms;

import io.tether.core.BackpressureException;
import io.tether.core.EncodedText;
import io.tether.core.Durations;
import io.tether.core.internal.session.Stages;
import io.tether.server.SerialQueue;
import io.tether.server.Session;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Named rooms of sessions, one node's part of them: the members live in a {@link RoomBus} shared
 * by every node, and this node delivers each room's messages to the members whose sessions it
 * holds. docs/chat.md ("Rooms across nodes") says what is promised; in short:
 *
 * <ul>
 *   <li><b>One order per room.</b> The bus numbers a room's messages; every member receives them in
 *       that order, through its own session (so a member that is reconnecting gets them on resume).
 *   <li><b>No gaps.</b> A member's cursor (the last message its session has stored) is kept in the
 *       bus; a message this node did not hear of (pub/sub lost it) is read from the room's log on
 *       the next one, or on the next {@link Builder#refreshEvery refresh}.
 *   <li><b>Sessions that move.</b> When a session this node did not hold resumes here
 *       ({@link #attach}), its rooms continue from its cursors; messages after the cursor are sent
 *       flagged as possible duplicates, since the node that held it may have stored them before it
 *       died without moving the cursor.
 *   <li><b>Presence</b> from the bus: a member is online while its session is attached on a node
 *       that is alive (its heartbeat to the bus, every refresh, lasts {@link Builder#nodeLease}).
 *       {@link PresenceListener} hears the member list of a room whenever it changed.
 * </ul>
 *
 * <p>All methods are asynchronous and may be called from any thread; each room's work on this node
 * runs one step at a time, in order. Close it when the server has stopped.
 */
public final class Rooms implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Rooms.class);
    /** Rooms whose names start with this are sessions' inboxes ({@link #register}). */
    public static final String INBOX = "@";
    /** At most this many messages are read from a room's log in one step. */
    private static final int RANGE_MAX = 1000;
    private static final Comparator<RoomBus.Member> BY_INFO =
            Comparator.comparing(RoomBus.Member::info).thenComparing(RoomBus.Member::sessionId);

    /** Hears who is in a room whenever that changed, to show it to the members held here. */
    @FunctionalInterface
    public interface PresenceListener {
        /**
         * @param members every member of {@code room}, on any node, by info then session id
         * @param here the sessions of members held by this node
         */
        void onPresence(String room, List<RoomBus.Member> members, List<Session> here);
    }

    /**
     * What joining found.
     *
     * @param history the room's last messages before the joiner's first, oldest first
     * @param members the members after joining, by info then session id
     */
    public record Joined(List<String> history, List<RoomBus.Member> members) {
    }

    private final RoomBus bus;
    private final RoomAuthorizer authorizer;
    private final int historySize;
    private final String node;
    private final Clock clock;
    private final Duration nodeLease;
    private final PresenceListener presence;
    private final ScheduledExecutorService scheduler;
    private final boolean ownScheduler;
    private final ScheduledFuture<?> refresher;
    private final Map<String, LocalRoom> local = new ConcurrentHashMap<>();
    /** The session objects held here, by id: a different object with the same id moved back in. */
    private final Map<String, Session> held = new ConcurrentHashMap<>();
    private volatile Set<String> liveNodes = Set.of();
    private final AtomicLong undelivered = new AtomicLong();
    private final AtomicLong gapsLost = new AtomicLong();
    private final AtomicLong resent = new AtomicLong();

    private static final class Member {
        final Session session;
        long cursor;

        Member(Session session, long cursor) {
            this.session = session;
            this.cursor = cursor;
        }
    }

    /** One room as this node sees it; touched only by steps of its queue. */
    private static final class LocalRoom {
        final String name;
        final SerialQueue queue;
        @Nullable String incarnation;
        /** Written by queue steps only; read by any thread ({@link #isMember}). */
        final Map<String, Member> members = new ConcurrentHashMap<>();
        @Nullable List<RoomBus.Member> shown;
        /** Cursors stored by members' sessions, not yet written to the bus; guarded by itself. */
        final Map<String, Long> cursors = new HashMap<>();
        boolean advancing;
        @Nullable String cursorIncarnation;

        LocalRoom(String name) {
            this.name = name;
            this.queue = new SerialQueue("room " + name);
        }

        long lowestCursor() {
            long lo = Long.MAX_VALUE;
            for (Member m : members.values()) {
                lo = Math.min(lo, m.cursor);
            }
            return lo;
        }
    }

    private Rooms(Builder b, RoomBus.Factory factory) {
        this.authorizer = b.authorizer;
        this.historySize = b.historySize;
        this.node = b.node;
        this.clock = b.clock;
        this.nodeLease = b.nodeLease;
        this.presence = b.presence;
        this.ownScheduler = b.scheduler == null;
        this.scheduler = ownScheduler ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tether-rooms");
            t.setDaemon(true);
            return t;
        }) : b.scheduler;
        this.bus = factory.open(b.namespace, new BusListener());
        long every = b.refreshEvery.toMillis();
        heartbeatNow(); // at once, so that this node's members count as alive before the first refresh
        this.refresher = scheduler.scheduleWithFixedDelay(this::refresh, every, every, TimeUnit.MILLISECONDS);
    }

    /** Starts building rooms on {@code bus} (in memory: {@code new InMemoryRoomBus()}). */
    public static Builder builder(RoomBus.Factory bus) {
        return new Builder(bus);
    }

    /** This node's name in the bus (for presence). */
    public String node() {
        return node;
    }

    /**
     * Adds {@code session} to {@code room}, with {@code info} for the member list, if the authorizer
     * allows it. Completes with the room's history and members, or with null when refused.
     */
    public CompletionStage<@Nullable Joined> join(String room, Session session, String info) {
        Objects.requireNonNull(room, "room");
        Objects.requireNonNull(info, "info");
        if (isInbox(room)) {
            throw new IllegalArgumentException("room names starting with '" + INBOX + "' are sessions' inboxes: " + room);
        }
        if (!authorizer.mayJoin(session, room)) {
            return CompletableFuture.completedFuture(null);
        }
        held.put(session.id(), session);
        LocalRoom lr = local.computeIfAbsent(room, LocalRoom::new);
        return lr.queue.run(() -> bus.join(room, session.id(), info, node, historySize).thenCompose(joined -> {
            adoptIncarnation(lr, joined.incarnation());
            lr.members.put(session.id(), new Member(session, joined.lastSeq()));
            List<String> history = joined.history().stream().map(RoomBus.Entry::payload).toList();
            // Presence is shown by the refresh the join's member change causes, queued behind this
            // step: the joiner gets its joined reply first.
            return bus.status(room, liveNodes()).thenApply(status -> new Joined(history, sorted(status.members())));
        }));
    }

    /**
     * Makes {@code session} reachable by id from any node ({@link #sendTo}): it gets an inbox, a
     * room of its own that follows it from node to node like its other rooms. Idempotent.
     */
    public CompletionStage<Void> register(Session session) {
        held.put(session.id(), session);
        String inbox = INBOX + session.id();
        LocalRoom lr = local.computeIfAbsent(inbox, LocalRoom::new);
        return lr.queue.run(() -> bus.join(inbox, session.id(), "", node, 0).thenAccept(joined -> {
            adoptIncarnation(lr, joined.incarnation());
            Member m = lr.members.get(session.id());
            if (m == null || m.session != session) {
                lr.members.put(session.id(), new Member(session, joined.lastSeq()));
            }
        }));
    }

    /**
     * Sends {@code message} to the session {@code sessionId}, wherever it is held: this node or
     * another, connected or not; in the order sent from this node, and once (a repeat after the
     * session moved from a node that died is flagged, as in any room). Completes when the bus has
     * it; fails with {@link IllegalArgumentException} when the session never {@link #register registered}
     * or has been forgotten.
     */
    public CompletionStage<Long> sendTo(String sessionId, String message) {
        String inbox = INBOX + Objects.requireNonNull(sessionId, "sessionId");
        return bus.publishIfMember(inbox, sessionId, message).thenCompose(seq -> seq == 0
                ? CompletableFuture.failedFuture(new IllegalArgumentException("no session " + sessionId
                        + " registered for messages by id (it never registered, or it ended)"))
                : CompletableFuture.completedFuture(seq));
    }

    private static boolean isInbox(String room) {
        return room.startsWith(INBOX);
    }

    /** Removes {@code session} from {@code room}; completes with whether it was a member. */
    public CompletionStage<Boolean> leave(String room, Session session) {
        LocalRoom lr = local.get(room);
        if (lr == null) {
            return bus.leave(room, session.id());
        }
        return lr.queue.run(() -> bus.leave(room, session.id()).thenApply(was -> {
            dropMember(lr, session.id());
            return was;
        }));
    }

    /**
     * Appends {@code message} to {@code room}'s log and sends it to every member, on every node.
     * Completes with its number in the room once the bus has it; delivery to members follows.
     */
    public CompletionStage<Long> publish(String room, String message) {
        return bus.publish(room, message);
    }

    /** Whether {@code session} is a member of {@code room} as far as this node knows (it joined or was adopted here). */
    public boolean isMember(String room, Session session) {
        LocalRoom lr = local.get(room);
        if (lr == null) {
            return false;
        }
        Member m = lr.members.get(session.id());
        return m != null && m.session == session;
    }

    /** The rooms {@code session} is a member of, as far as this node knows. */
    public List<String> roomsOf(Session session) {
        List<String> in = new ArrayList<>();
        local.forEach((name, lr) -> {
            if (!isInbox(name) && isMember(name, session)) {
                in.add(name);
            }
        });
        return in;
    }

    /** Stores {@code info} as the session's own (a nickname), for a node it moves to. */
    public CompletionStage<Void> describe(Session session, String info) {
        held.put(session.id(), session);
        return bus.describe(session.id(), info);
    }

    /**
     * The session's connection is up ({@code connected}) or not: updates its presence in its rooms.
     * Call it on resume and disconnect. When the session was not held here (it resumed here from
     * another node, or came back after moving away), its rooms are taken over first: completes with
     * its description ({@link #describe}) once that is done, or null when it has none.
     */
    public CompletionStage<@Nullable String> attach(Session session) {
        if (held.get(session.id()) == session) {
            return presenceOf(session, true).thenCompose(x -> bus.description(session.id()));
        }
        held.put(session.id(), session);
        return bus.roomsOf(session.id()).thenCompose(rooms -> {
            List<CompletableFuture<Void>> adopted = new ArrayList<>();
            for (String room : rooms) {
                adopted.add(adopt(room, session));
            }
            return CompletableFuture.allOf(adopted.toArray(CompletableFuture[]::new));
        }).thenCompose(x -> bus.description(session.id()));
    }

    /** The session's connection ended (it may resume): its presence turns offline in its rooms. */
    public CompletionStage<Void> detach(Session session) {
        return presenceOf(session, false);
    }

    /**
     * This node no longer holds the session (it moved to another node): nothing more is delivered
     * to it here; its rooms, cursors and presence are left to the node that has it now.
     */
    public void release(Session session) {
        held.remove(session.id(), session);
        for (LocalRoom lr : local.values()) {
            lr.queue.run(() -> {
                Member m = lr.members.get(session.id());
                if (m != null && m.session == session) {
                    dropMember(lr, session.id());
                }
                return CompletableFuture.completedFuture(null);
            });
        }
    }

    /** The session ended for good: it leaves every room. Completes with the rooms it was in. */
    public CompletionStage<Set<String>> forget(Session session) {
        held.remove(session.id(), session);
        return bus.forget(session.id()).thenApply(rooms -> {
            for (String room : rooms) {
                LocalRoom lr = local.get(room);
                if (lr != null) {
                    lr.queue.run(() -> {
                        dropMember(lr, session.id());
                        return CompletableFuture.completedFuture(null);
                    });
                }
            }
            return rooms;
        });
    }

    /** Messages a member's session refused (its replay buffer was full); each is logged with the room and seq. */
    public long undelivered() {
        return undelivered.get();
    }

    /** Messages that members held here missed because the room's log no longer had them. */
    public long gapsLost() {
        return gapsLost.get();
    }

    /** Messages sent again, flagged, to sessions taken over from another node. */
    public long resent() {
        return resent.get();
    }

    @Override
    public void close() {
        refresher.cancel(false);
        if (ownScheduler) {
            scheduler.shutdownNow();
        }
        bus.close();
    }

    private Set<String> liveNodes() {
        Set<String> live = liveNodes;
        if (!live.contains(node)) {
            live = new HashSet<>(live);
            live.add(node);
        }
        return live;
    }

    private CompletableFuture<Void> adopt(String room, Session session) {
        LocalRoom lr = local.computeIfAbsent(room, LocalRoom::new);
        return lr.queue.run(() -> bus.position(room, session.id()).thenCompose(position -> {
            if (position == null) {
                return CompletableFuture.completedFuture(null);
            }
            adoptIncarnation(lr, position.incarnation());
            Member m = new Member(session, position.cursor());
            lr.members.put(session.id(), m);
            CompletionStage<Void> caughtUp = catchUp(lr, m, position.incarnation(), position.lastSeq());
            return isInbox(room) ? caughtUp
                    : caughtUp.thenCompose(x -> bus.presence(room, session.id(), node, session.isConnected()));
        }));
    }

    /** Sends {@code m} what it missed up to {@code upTo}, flagged: its previous node may have stored some. */
    private CompletionStage<Void> catchUp(LocalRoom lr, Member m, String incarnation, long upTo) {
        if (m.cursor >= upTo) {
            return CompletableFuture.completedFuture(null);
        }
        long from = m.cursor;
        return bus.range(lr.name, incarnation, from, (int) Math.min(RANGE_MAX, upTo - from)).thenCompose(entries -> {
            noteGap(lr, from, entries, upTo);
            for (RoomBus.Entry e : entries) {
                if (e.seq() > m.cursor) {
                    resent.incrementAndGet();
                    track(lr, incarnation, m, e.seq(), m.session.resendText(e.payload()));
                    m.cursor = e.seq();
                }
            }
            if (entries.isEmpty() || m.cursor >= upTo || entries.size() < RANGE_MAX) {
                m.cursor = Math.max(m.cursor, upTo);
                return CompletableFuture.completedFuture(null);
            }
            return catchUp(lr, m, incarnation, upTo);
        });
    }

    private CompletionStage<Void> presenceOf(Session session, boolean online) {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String room : roomsOf(session)) {
            all.add(bus.presence(room, session.id(), node, online).toCompletableFuture());
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    private void adoptIncarnation(LocalRoom lr, String incarnation) {
        if (lr.incarnation != null && !lr.incarnation.equals(incarnation) && !lr.members.isEmpty()) {
            // The bus lost the room (Redis restarted empty): numbering starts again, so do the cursors.
            log.warn("room {}: the bus lost it (incarnation {} is now {}); {} members here start again from its first message",
                    lr.name, lr.incarnation, incarnation, lr.members.size());
            lr.members.values().forEach(m -> m.cursor = 0);
        }
        lr.incarnation = incarnation;
    }

    /** Message {@code seq} was published: deliver it, and first whatever this node missed before it. */
    private CompletionStage<Void> deliver(LocalRoom lr, String incarnation, long seq, @Nullable String payload) {
        if (lr.members.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        if (payload != null && lr.incarnation != null && !lr.incarnation.equals(incarnation)) {
            // Heard of another incarnation (a late message of a room deleted and made again, or the
            // room lost by Redis): only the room's status says which one is current.
            refreshRoom(lr);
            return CompletableFuture.completedFuture(null);
        }
        adoptIncarnation(lr, incarnation);
        long lo = lr.lowestCursor();
        if (seq <= lo) {
            return CompletableFuture.completedFuture(null);
        }
        long want = payload == null ? seq : seq - 1; // without a payload, read seq itself too
        if (lo < want) {
            return bus.range(lr.name, incarnation, lo, (int) Math.min(RANGE_MAX, want - lo)).thenCompose(entries -> {
                noteGap(lr, lo, entries, want);
                for (RoomBus.Entry e : entries) {
                    deliverOne(lr, incarnation, e.seq(), e.payload());
                }
                if (entries.size() == RANGE_MAX) {
                    return deliver(lr, incarnation, seq, payload); // more to read
                }
                skipTo(lr, want);
                if (payload != null) {
                    deliverOne(lr, incarnation, seq, payload);
                }
                return CompletableFuture.completedFuture(null);
            });
        }
        if (payload != null) {
            deliverOne(lr, incarnation, seq, payload);
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Members still below {@code seq} after a read of the log: what they lacked is gone; they go on from there. */
    private void skipTo(LocalRoom lr, long seq) {
        for (Member m : lr.members.values()) {
            m.cursor = Math.max(m.cursor, seq);
        }
    }

    private void noteGap(LocalRoom lr, long after, List<RoomBus.Entry> entries, long upTo) {
        long first = entries.isEmpty() ? upTo + 1 : entries.get(0).seq();
        if (first > after + 1) {
            long lost = first - after - 1;
            gapsLost.addAndGet(lost);
            log.error("room {}: messages {}..{} are no longer in the room's log; members held here miss them",
                    lr.name, after + 1, first - 1);
        }
    }

    private void deliverOne(LocalRoom lr, String incarnation, long seq, String payload) {
        // Encoded once for every member: their replay buffers (and stores) share the one array.
        EncodedText encoded = EncodedText.of(payload);
        for (Member m : List.copyOf(lr.members.values())) {
            if (m.cursor < seq) {
                m.cursor = seq;
                track(lr, incarnation, m, seq, m.session.sendText(encoded));
            }
        }
    }

    /** Once the member's session stored message {@code seq}, its cursor in the bus moves there. */
    private void track(LocalRoom lr, String incarnation, Member m, long seq, CompletionStage<Void> sent) {
        sent.whenComplete((ok, e) -> {
            if (e == null) {
                moveCursor(lr, incarnation, m.session.id(), seq);
                return;
            }
            Throwable cause = Stages.cause(e);
            if (cause instanceof BackpressureException) {
                undelivered.incrementAndGet();
                log.warn("room {}: message {} not delivered to session {}: {}", lr.name, seq, m.session.id(), cause.getMessage());
            } else {
                // The session ended here (expired, or moved to another node): its cursor stays
                // where it was, and the node that has it now continues from there.
                lr.queue.run(() -> {
                    Member now = lr.members.get(m.session.id());
                    if (now == m) {
                        dropMember(lr, m.session.id());
                    }
                    return CompletableFuture.completedFuture(null);
                });
            }
        });
    }

    /**
     * Notes a member's new cursor and writes the room's noted cursors to the bus in one call, one
     * call at a time: under load the cursors of every member and message since the last call go
     * together (a cursor lagging only widens what a takeover resends, flagged).
     */
    private void moveCursor(LocalRoom lr, String incarnation, String sessionId, long seq) {
        synchronized (lr.cursors) {
            if (!incarnation.equals(lr.cursorIncarnation)) {
                lr.cursors.clear(); // cursors in an incarnation that is gone are worth nothing
                lr.cursorIncarnation = incarnation;
            }
            lr.cursors.merge(sessionId, seq, Math::max);
            if (lr.advancing) {
                return;
            }
            lr.advancing = true;
        }
        flushCursors(lr);
    }

    private void flushCursors(LocalRoom lr) {
        Map<String, Long> batch;
        String incarnation;
        synchronized (lr.cursors) {
            if (lr.cursors.isEmpty() || lr.cursorIncarnation == null) {
                lr.advancing = false;
                return;
            }
            batch = Map.copyOf(lr.cursors);
            lr.cursors.clear();
            incarnation = lr.cursorIncarnation;
        }
        bus.advance(lr.name, incarnation, batch).whenComplete((x, f) -> {
            if (f != null) {
                log.debug("room {}: {} cursors not moved: {}", lr.name, batch.size(), f.toString());
            }
            flushCursors(lr);
        });
    }

    /**
     * The member is no longer held here. A room stays in {@link #local} even when empty: a join
     * may be on its way into its queue, and a room removed under it would never hear of messages;
     * an inbox, whose only member this was, goes.
     */
    private void dropMember(LocalRoom lr, String sessionId) {
        lr.members.remove(sessionId);
        if (isInbox(lr.name) && lr.members.isEmpty()) {
            // An inbox has one member: without it the room is done here (a register of a session
            // with this id that comes back makes a new one).
            local.remove(lr.name, lr);
        }
    }

    /** Rooms this node keeps state for (tests: inboxes do not pile up). */
    int localRooms() {
        return local.size();
    }

    /** Heartbeat to the bus, then each room held here: catch up and show changed presence. Scheduler thread (tests: theirs). */
    void refresh() {
        refresh(false);
    }

    /**
     * Inboxes ({@code withInboxes} false) are left out of the periodic refresh: one status read per
     * session per second would cost more than it saves; a message missed there is read from the log
     * with the next one, and all of them are refreshed after the bus reconnected.
     */
    private void refresh(boolean withInboxes) {
        heartbeatNow().whenComplete((live, e) -> {
            if (e != null) {
                // Go on with the nodes known alive last time: a room's catching up must not wait for it.
                log.debug("rooms heartbeat failed: {}", e.toString());
            }
            local.values().stream().filter(lr -> !lr.members.isEmpty() && (withInboxes || !isInbox(lr.name)))
                    .forEach(this::refreshRoom);
        });
    }

    /** Renews this node's lease in the bus and learns which nodes are alive. */
    CompletionStage<Set<String>> heartbeatNow() {
        long now = clock.millis();
        return bus.heartbeat(node, now + nodeLease.toMillis(), now).thenApply(live -> {
            liveNodes = Set.copyOf(live);
            return live;
        });
    }

    private void refreshRoom(LocalRoom lr) {
        lr.queue.run(() -> bus.status(lr.name, liveNodes()).thenCompose(status -> {
            showPresence(lr, status.members());
            if (lr.incarnation != null && !status.incarnation().equals(lr.incarnation)) {
                adoptIncarnation(lr, status.incarnation());
            }
            if (status.lastSeq() > 0 && !lr.members.isEmpty() && status.lastSeq() > lr.lowestCursor()) {
                return deliver(lr, status.incarnation(), status.lastSeq(), null);
            }
            return CompletableFuture.completedFuture(null);
        }));
    }

    /** Members in the order every list of them is given out: by info, then session id. */
    private static List<RoomBus.Member> sorted(List<RoomBus.Member> members) {
        return members.stream().sorted(BY_INFO).toList();
    }

    private void showPresence(LocalRoom lr, List<RoomBus.Member> members) {
        if (isInbox(lr.name)) {
            return;
        }
        List<RoomBus.Member> sorted = sorted(members);
        if (sorted.equals(lr.shown)) {
            return;
        }
        lr.shown = sorted;
        List<Session> here = lr.members.values().stream().map(m -> m.session).toList();
        try {
            presence.onPresence(lr.name, sorted, here);
        } catch (RuntimeException e) {
            log.warn("presence listener of room {} threw", lr.name, e);
        }
    }

    private final class BusListener implements RoomBus.Listener {
        @Override
        public void onMessage(String room, String incarnation, long seq, String payload) {
            LocalRoom lr = local.get(room);
            if (lr != null) {
                lr.queue.run(() -> deliver(lr, incarnation, seq, payload));
            }
        }

        @Override
        public void onMembersChanged(String room) {
            LocalRoom lr = local.get(room);
            if (lr != null) {
                refreshRoom(lr);
            }
        }

        @Override
        public void onReconnected() {
            scheduler.execute(() -> refresh(true));
        }
    }

    /** Settings of {@link Rooms}; every one has a default except the bus. */
    public static final class Builder {
        private final RoomBus.Factory bus;
        private String namespace = "/rooms";
        private RoomAuthorizer authorizer = RoomAuthorizer.OPEN;
        private int historySize = 50;
        private String node = UUID.randomUUID().toString();
        private Clock clock = Clock.systemUTC();
        private Duration refreshEvery = Duration.ofSeconds(1);
        private Duration nodeLease = Duration.ofSeconds(5);
        private PresenceListener presence = (room, members, here) -> { };
        private @Nullable ScheduledExecutorService scheduler;

        private Builder(RoomBus.Factory bus) {
            this.bus = Objects.requireNonNull(bus, "bus");
        }

        /** Which rooms: nodes with the same namespace share them (the endpoint's path). Default {@code /rooms}. */
        public Builder namespace(String namespace) {
            this.namespace = Objects.requireNonNull(namespace, "namespace");
            return this;
        }

        /** Who may join what; default {@link RoomAuthorizer#OPEN}. */
        public Builder authorizer(RoomAuthorizer authorizer) {
            this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
            return this;
        }

        /** Messages of a room shown to who joins, at most; default 50. */
        public Builder historySize(int historySize) {
            if (historySize < 0) {
                throw new IllegalArgumentException("historySize must not be negative, was " + historySize);
            }
            this.historySize = historySize;
            return this;
        }

        /** This node's name in the bus; default a random UUID (each run is a node of its own). */
        public Builder node(String node) {
            this.node = Objects.requireNonNull(node, "node");
            return this;
        }

        /** The wall clock of node leases; default UTC system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How often the node renews its lease, reads its rooms' state and catches up; default 1 s. */
        public Builder refreshEvery(Duration every) {
            this.refreshEvery = Durations.requirePositive(every, "refreshEvery");
            return this;
        }

        /** How long a node counts as alive after its last heartbeat (its members online); default 5 s. */
        public Builder nodeLease(Duration lease) {
            this.nodeLease = Durations.requirePositive(lease, "nodeLease");
            return this;
        }

        /** Who hears of member lists; default nobody. */
        public Builder presence(PresenceListener presence) {
            this.presence = Objects.requireNonNull(presence, "presence");
            return this;
        }

        /** Runs the refresh; default a daemon thread of its own, stopped by {@link Rooms#close}. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        public Rooms build() {
            if (nodeLease.compareTo(refreshEvery) <= 0) {
                throw new IllegalArgumentException("nodeLease (" + nodeLease + ") must be longer than refreshEvery ("
                        + refreshEvery + ")");
            }
            return new Rooms(this, bus);
        }
    }
}
