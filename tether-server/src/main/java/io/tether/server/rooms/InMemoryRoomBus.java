package io.tether.server.rooms;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * Rooms in this process's memory: the bus of a single server, and of several servers in one JVM
 * (tests) when they open their buses from one instance. Namespaces are kept apart. Listeners are
 * called on the publishing thread, under the room's lock, so in order. Every stage is complete when
 * returned. Each room keeps its last {@code logSize} messages. Thread-safe.
 */
public final class InMemoryRoomBus implements RoomBus.Factory {
    /** Messages kept per room when not told otherwise: history plus room for a member catching up. */
    public static final int DEFAULT_LOG_SIZE = 1000;

    private final int logSize;
    private final Map<String, Namespace> namespaces = new ConcurrentHashMap<>();

    public InMemoryRoomBus() {
        this(DEFAULT_LOG_SIZE);
    }

    /** @param logSize messages kept per room, at least 1 */
    public InMemoryRoomBus(int logSize) {
        if (logSize < 1) {
            throw new IllegalArgumentException("logSize must be at least 1, was " + logSize);
        }
        this.logSize = logSize;
    }

    @Override
    public RoomBus open(String namespace, RoomBus.Listener listener) {
        Namespace ns = namespaces.computeIfAbsent(Objects.requireNonNull(namespace, "namespace"), k -> new Namespace());
        Bus bus = new Bus(ns, Objects.requireNonNull(listener, "listener"));
        ns.listeners.add(bus);
        return bus;
    }

    private static final class Room {
        final String incarnation = UUID.randomUUID().toString();
        long lastSeq;
        final ArrayDeque<RoomBus.Entry> log = new ArrayDeque<>();
        final Map<String, String> info = new HashMap<>();
        final Map<String, Long> cursors = new HashMap<>();
        final Map<String, String> nodes = new HashMap<>();
        final Map<String, Boolean> online = new HashMap<>();
    }

    private static final class Namespace {
        final Map<String, Room> rooms = new ConcurrentHashMap<>();
        final Map<String, Set<String>> roomsOf = new ConcurrentHashMap<>();
        final Map<String, String> descriptions = new ConcurrentHashMap<>();
        final Map<String, Long> nodes = new ConcurrentHashMap<>();
        final List<Bus> listeners = new CopyOnWriteArrayList<>();
    }

    private final class Bus implements RoomBus {
        private final Namespace ns;
        private final Listener listener;
        private volatile boolean closed;

        Bus(Namespace ns, Listener listener) {
            this.ns = ns;
            this.listener = listener;
        }

        private Room room(String name) {
            return ns.rooms.computeIfAbsent(Objects.requireNonNull(name, "room"), k -> new Room());
        }

        private void membersChanged(String room) {
            for (Bus b : ns.listeners) {
                if (!b.closed) {
                    b.listener.onMembersChanged(room);
                }
            }
        }

        @Override
        public CompletionStage<Joined> join(String room, String sessionId, String info, String node, int historySize) {
            Room r = room(room);
            Joined joined;
            synchronized (r) {
                if (ns.rooms.get(room) != r) {
                    return join(room, sessionId, info, node, historySize); // emptied and forgotten meanwhile
                }
                r.info.put(sessionId, info);
                r.cursors.putIfAbsent(sessionId, r.lastSeq);
                r.nodes.put(sessionId, node);
                r.online.put(sessionId, true);
                ns.roomsOf.computeIfAbsent(sessionId, k -> ConcurrentHashMap.newKeySet()).add(room);
                List<Entry> all = new ArrayList<>(r.log);
                joined = new Joined(r.incarnation, r.lastSeq, all.subList(Math.max(0, all.size() - historySize), all.size()));
            }
            membersChanged(room);
            return CompletableFuture.completedFuture(joined);
        }

        @Override
        public CompletionStage<Boolean> leave(String room, String sessionId) {
            Room r = ns.rooms.get(room);
            boolean was = false;
            if (r != null) {
                synchronized (r) {
                    was = r.info.remove(sessionId) != null;
                    r.cursors.remove(sessionId);
                    r.nodes.remove(sessionId);
                    r.online.remove(sessionId);
                    if (r.info.isEmpty()) {
                        ns.rooms.remove(room, r); // an empty room is forgotten with its log
                    }
                }
            }
            Set<String> of = ns.roomsOf.get(sessionId);
            if (of != null) {
                of.remove(room);
            }
            if (was) {
                membersChanged(room);
            }
            return CompletableFuture.completedFuture(was);
        }

        @Override
        public CompletionStage<Long> publishIfMember(String room, String sessionId, String payload) {
            Room r = ns.rooms.get(room);
            if (r == null) {
                return CompletableFuture.completedFuture(0L);
            }
            synchronized (r) {
                if (!r.info.containsKey(sessionId) || ns.rooms.get(room) != r) {
                    return CompletableFuture.completedFuture(0L);
                }
                return publish(room, payload); // the lock is reentrant: one step
            }
        }

        @Override
        public CompletionStage<Long> publish(String room, String payload) {
            Room r = room(room);
            long seq;
            synchronized (r) {
                seq = ++r.lastSeq;
                r.log.addLast(new Entry(seq, payload));
                if (r.log.size() > logSize) {
                    r.log.removeFirst();
                }
                for (Bus b : ns.listeners) {
                    if (!b.closed) {
                        b.listener.onMessage(room, r.incarnation, seq, payload);
                    }
                }
            }
            return CompletableFuture.completedFuture(seq);
        }

        @Override
        public CompletionStage<List<Entry>> range(String room, String incarnation, long afterSeq, int max) {
            Room r = ns.rooms.get(room);
            List<Entry> out = new ArrayList<>();
            if (r != null) {
                synchronized (r) {
                    if (r.incarnation.equals(incarnation)) {
                        for (Entry e : r.log) {
                            if (e.seq() > afterSeq && out.size() < max) {
                                out.add(e);
                            }
                        }
                    }
                }
            }
            return CompletableFuture.completedFuture(out);
        }

        @Override
        public CompletionStage<Status> status(String room, Set<String> liveNodes) {
            Room r = room(room);
            synchronized (r) {
                List<Member> members = new ArrayList<>();
                r.info.forEach((id, info) -> members.add(new Member(id, info,
                        Boolean.TRUE.equals(r.online.get(id)) && liveNodes.contains(r.nodes.get(id)))));
                return CompletableFuture.completedFuture(new Status(r.incarnation, r.lastSeq, members));
            }
        }

        @Override
        public CompletionStage<@Nullable Position> position(String room, String sessionId) {
            Room r = ns.rooms.get(room);
            if (r == null) {
                return CompletableFuture.completedFuture(null);
            }
            synchronized (r) {
                Long cursor = r.cursors.get(sessionId);
                return CompletableFuture.completedFuture(cursor == null ? null : new Position(r.incarnation, cursor, r.lastSeq));
            }
        }

        @Override
        public CompletionStage<Void> advance(String room, String incarnation, Map<String, Long> cursors) {
            Room r = ns.rooms.get(room);
            if (r != null) {
                synchronized (r) {
                    if (r.incarnation.equals(incarnation)) {
                        cursors.forEach((id, seq) -> r.cursors.computeIfPresent(id, (k, old) -> Math.max(old, seq)));
                    }
                }
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> presence(String room, String sessionId, String node, boolean online) {
            Room r = ns.rooms.get(room);
            boolean changed = false;
            if (r != null) {
                synchronized (r) {
                    // Only the holder takes a member offline (see RoomBus#presence).
                    if (r.info.containsKey(sessionId) && (online || node.equals(r.nodes.get(sessionId)))) {
                        r.nodes.put(sessionId, node);
                        changed = !Boolean.valueOf(online).equals(r.online.put(sessionId, online));
                    }
                }
            }
            if (changed) {
                membersChanged(room);
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Set<String>> roomsOf(String sessionId) {
            Set<String> of = ns.roomsOf.get(sessionId);
            return CompletableFuture.completedFuture(of == null ? Set.of() : new LinkedHashSet<>(of));
        }

        @Override
        public CompletionStage<Void> describe(String sessionId, String info) {
            ns.descriptions.put(sessionId, info);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<@Nullable String> description(String sessionId) {
            return CompletableFuture.completedFuture(ns.descriptions.get(sessionId));
        }

        @Override
        public CompletionStage<Set<String>> forget(String sessionId) {
            Set<String> was = new HashSet<>(roomsOf(sessionId).toCompletableFuture().join());
            for (String room : was) {
                leave(room, sessionId);
            }
            ns.roomsOf.remove(sessionId);
            ns.descriptions.remove(sessionId);
            return CompletableFuture.completedFuture(was);
        }

        @Override
        public CompletionStage<Set<String>> heartbeat(String node, long untilMillis, long nowMillis) {
            ns.nodes.put(node, untilMillis);
            ns.nodes.values().removeIf(until -> until < nowMillis - 60_000);
            Set<String> live = new HashSet<>();
            ns.nodes.forEach((n, until) -> {
                if (until >= nowMillis) {
                    live.add(n);
                }
            });
            return CompletableFuture.completedFuture(live);
        }

        @Override
        public void close() {
            closed = true;
            ns.listeners.remove(this);
        }
    }
}
