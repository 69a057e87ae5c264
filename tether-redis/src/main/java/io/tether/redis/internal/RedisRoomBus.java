package io.tether.redis.internal;

import static io.tether.redis.internal.StateCodec.number;
import static io.tether.redis.internal.StateCodec.text;

import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.tether.server.rooms.RoomBus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One namespace's rooms on the shared {@link RedisLink} (layout in {@link Keys}): each room
 * operation is one script on the room's slot, which also publishes on the namespace's channel what
 * other nodes must hear (a message, a member change); a session's own rooms and description are a
 * set and a string on the session's slot. The channel is heard on a pub/sub connection of its own.
 * Thread-safe; stages complete on Lettuce's I/O threads, as do the listener's calls.
 */
public final class RedisRoomBus implements RoomBus {
    private static final Logger log = LoggerFactory.getLogger(RedisRoomBus.class);

    private final RedisLink link;
    private final Keys keys;
    private final byte[] channel;
    private final byte[] logSize;
    private final Listener listener;
    private volatile boolean closed;

    public RedisRoomBus(RedisLink link, String prefix, String namespace, int logSize, Listener listener) {
        this.link = link;
        this.keys = new Keys(prefix, namespace);
        this.channel = keys.roomChannel();
        this.logSize = number(logSize);
        this.listener = Objects.requireNonNull(listener, "listener");
        link.subscribe(channel, this::heard, () -> {
            if (!closed) {
                listener.onReconnected();
            }
        });
    }

    /** A message on the channel: {@code M<len>:<room><incarnation>\n<seq>\n<payload>} or {@code P<room>}. */
    private void heard(byte[] message) {
        if (closed || message.length == 0) {
            return;
        }
        try {
            if (message[0] == 'P') {
                listener.onMembersChanged(new String(message, 1, message.length - 1, StandardCharsets.UTF_8));
                return;
            }
            int colon = indexOf(message, (byte) ':', 1);
            int roomLength = Integer.parseInt(new String(message, 1, colon - 1, StandardCharsets.US_ASCII));
            int roomStart = colon + 1;
            String room = new String(message, roomStart, roomLength, StandardCharsets.UTF_8);
            int incStart = roomStart + roomLength;
            int incEnd = indexOf(message, (byte) '\n', incStart);
            int seqEnd = indexOf(message, (byte) '\n', incEnd + 1);
            String incarnation = new String(message, incStart, incEnd - incStart, StandardCharsets.US_ASCII);
            long seq = Long.parseLong(new String(message, incEnd + 1, seqEnd - incEnd - 1, StandardCharsets.US_ASCII));
            String payload = new String(message, seqEnd + 1, message.length - seqEnd - 1, StandardCharsets.UTF_8);
            listener.onMessage(room, incarnation, seq, payload);
        } catch (RuntimeException e) {
            log.warn("a message on {} that is not a room's: {}", new String(channel, StandardCharsets.UTF_8), e.toString());
        }
    }

    private static int indexOf(byte[] in, byte b, int from) {
        for (int i = from; i < in.length; i++) {
            if (in[i] == b) {
                return i;
            }
        }
        throw new IllegalArgumentException("no '" + (char) b + "' after " + from);
    }

    @Override
    public CompletionStage<Joined> join(String room, String sessionId, String info, String node, int historySize) {
        return run(redis -> redis.sadd(keys.roomsOf(sessionId), text(room)).toCompletableFuture()
                .thenCompose(x -> Scripts.ROOM_JOIN.<List<Object>>run(redis, keys.room(room), text(sessionId), text(info),
                        text(node), number(historySize), fresh(), channel, text(room))))
                .thenApply(reply -> {
                    List<Entry> history = entries(reply.get(2));
                    java.util.Collections.reverse(history);
                    return new Joined(string(reply.get(0)), number(reply.get(1)), history);
                });
    }

    @Override
    public CompletionStage<Boolean> leave(String room, String sessionId) {
        return run(redis -> Scripts.ROOM_LEAVE.<Long>run(redis, keys.room(room), text(sessionId), channel, text(room))
                .thenCompose(was -> redis.srem(keys.roomsOf(sessionId), text(room)).toCompletableFuture()
                        .thenApply(x -> was == 1)));
    }

    @Override
    public CompletionStage<Long> publish(String room, String payload) {
        return run(redis -> Scripts.ROOM_PUBLISH.run(redis, keys.room(room), text(payload), fresh(), logSize, channel,
                text(room)));
    }

    @Override
    public CompletionStage<Long> publishIfMember(String room, String sessionId, String payload) {
        return run(redis -> Scripts.ROOM_PUBLISH.run(redis, keys.room(room), text(payload), fresh(), logSize, channel,
                text(room), text(sessionId)));
    }

    @Override
    public CompletionStage<List<Entry>> range(String room, String incarnation, long afterSeq, int max) {
        return run(redis -> Scripts.ROOM_RANGE.<List<Object>>run(redis, keys.room(room), text(incarnation),
                number(afterSeq), number(max))).thenApply(RedisRoomBus::entries);
    }

    @Override
    public CompletionStage<Status> status(String room, Set<String> liveNodes) {
        return run(redis -> Scripts.ROOM_STATUS.<List<Object>>run(redis, keys.room(room))).thenApply(reply -> {
            Map<String, String> info = pairs(reply.get(2));
            Map<String, String> presence = pairs(reply.get(3));
            List<Member> members = new ArrayList<>();
            info.forEach((id, i) -> {
                String p = presence.getOrDefault(id, "|0");
                int bar = p.lastIndexOf('|');
                boolean online = p.endsWith("|1") && liveNodes.contains(p.substring(0, bar));
                members.add(new Member(id, i, online));
            });
            return new Status(string(reply.get(0)), number(reply.get(1)), members);
        });
    }

    @Override
    public CompletionStage<@Nullable Position> position(String room, String sessionId) {
        return run(redis -> Scripts.ROOM_POSITION.<List<Object>>run(redis, keys.room(room), text(sessionId)))
                .thenApply(reply -> reply.isEmpty() ? null
                        : new Position(string(reply.get(0)), number(reply.get(1)), number(reply.get(2))));
    }

    @Override
    public CompletionStage<Void> advance(String room, String incarnation, Map<String, Long> cursors) {
        byte[][] args = new byte[1 + 2 * cursors.size()][];
        args[0] = text(incarnation);
        int i = 1;
        for (Map.Entry<String, Long> c : cursors.entrySet()) {
            args[i++] = text(c.getKey());
            args[i++] = number(c.getValue().longValue());
        }
        return run(redis -> Scripts.ROOM_ADVANCE.<Long>run(redis, keys.room(room), args)).thenApply(x -> null);
    }

    @Override
    public CompletionStage<Void> presence(String room, String sessionId, String node, boolean online) {
        return run(redis -> Scripts.ROOM_PRESENCE.<Long>run(redis, keys.room(room), text(sessionId),
                text(node + (online ? "|1" : "|0")), channel, text(room))).thenApply(x -> null);
    }

    @Override
    public CompletionStage<Set<String>> roomsOf(String sessionId) {
        return run(redis -> redis.smembers(keys.roomsOf(sessionId)).toCompletableFuture()).thenApply(members -> {
            Set<String> rooms = new LinkedHashSet<>();
            members.forEach(m -> rooms.add(new String(m, StandardCharsets.UTF_8)));
            return rooms;
        });
    }

    @Override
    public CompletionStage<Void> describe(String sessionId, String info) {
        return run(redis -> redis.set(keys.description(sessionId), text(info)).toCompletableFuture()).thenApply(x -> null);
    }

    @Override
    public CompletionStage<@Nullable String> description(String sessionId) {
        return run(redis -> redis.get(keys.description(sessionId)).toCompletableFuture())
                .thenApply(v -> v == null ? null : new String(v, StandardCharsets.UTF_8));
    }

    @Override
    public CompletionStage<Set<String>> forget(String sessionId) {
        return roomsOf(sessionId).thenCompose(rooms -> {
            List<CompletableFuture<Boolean>> left = new ArrayList<>();
            for (String room : rooms) {
                left.add(leave(room, sessionId).toCompletableFuture());
            }
            return CompletableFuture.allOf(left.toArray(CompletableFuture[]::new))
                    .thenCompose(x -> run(redis -> redis.del(keys.roomsOf(sessionId)).toCompletableFuture()
                            .thenCompose(y -> redis.del(keys.description(sessionId)).toCompletableFuture())))
                    .thenApply(x -> rooms);
        });
    }

    @Override
    public CompletionStage<Set<String>> heartbeat(String node, long untilMillis, long nowMillis) {
        return run(redis -> Scripts.ROOM_HEARTBEAT.<List<Object>>run(redis, new byte[][] {keys.roomNodes()}, text(node),
                number(untilMillis), number(nowMillis))).thenApply(reply -> {
                    Set<String> live = new LinkedHashSet<>();
                    reply.forEach(n -> live.add(string(n)));
                    return live;
                });
    }

    @Override
    public void close() {
        closed = true;
    }

    private <T> CompletableFuture<T> run(Function<RedisClusterAsyncCommands<byte[], byte[]>, CompletableFuture<T>> op) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the room bus is closed"));
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        link.run(op).whenComplete((v, e) -> {
            if (e != null) {
                result.completeExceptionally(Failures.map(e, null, 0, link.timeout()));
            } else {
                result.complete(v);
            }
        });
        return result;
    }

    /** A new incarnation, used by a script only if the room has none. */
    private static byte[] fresh() {
        return text(UUID.randomUUID().toString());
    }

    /** XRANGE/XREVRANGE replies: [[id, [field, value]], ...] with ids {@code 0-<seq>}. */
    private static List<Entry> entries(Object reply) {
        List<Entry> out = new ArrayList<>();
        for (Object e : (List<?>) reply) {
            List<?> entry = (List<?>) e;
            String id = string(entry.get(0));
            List<?> fields = (List<?>) entry.get(1);
            out.add(new Entry(Long.parseLong(id.substring(id.indexOf('-') + 1)), string(fields.get(1))));
        }
        return out;
    }

    private static Map<String, String> pairs(Object reply) {
        List<?> flat = (List<?>) reply;
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            out.put(string(flat.get(i)), string(flat.get(i + 1)));
        }
        return out;
    }

    private static String string(Object value) {
        return new String((byte[]) value, StandardCharsets.UTF_8);
    }
}
