package io.tether.app.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tether.core.SessionExpiredException;
import io.tether.core.session.Delivery;
import io.tether.server.SerialQueue;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.rooms.InMemoryRoomBus;
import io.tether.server.rooms.RoomAuthorizer;
import io.tether.server.rooms.RoomBus;
import io.tether.server.rooms.Rooms;
import io.tether.server.store.SessionMovedException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The chat over {@code tether.v1} sessions. JSON messages, one per DATA frame (docs/chat.md):
 * the client says {@code hello} (nickname), {@code join}/{@code leave} rooms and {@code say}
 * things; the server answers {@code welcome}, {@code joined} (with history and members),
 * {@code left}, {@code msg}, {@code presence} and {@code error}. A member is online while its session
 * has a connection on a live node: the heartbeat's verdict, not only a clean close, turns it offline.
 *
 * <p>Rooms, nicknames and presence live in a {@link RoomBus}: with a shared one (Redis) the chat runs
 * on any number of nodes, and a session that resumes on another node keeps its nickname and rooms.
 * Each session's messages are handled one after another, in order, though handling waits for the bus.
 */
public final class ChatService implements SessionListener, AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Rooms rooms;
    private final Map<String, String> nicks = new ConcurrentHashMap<>();
    /** Per session, its messages and events, handled one after another. */
    private final Map<String, SerialQueue> queues = new ConcurrentHashMap<>();
    private final String node;

    /**
     * The chat's own room rules: public rooms for everyone, private rooms {@code dm:a+b} for the
     * principals {@code a} and {@code b} only.
     */
    public static final RoomAuthorizer ROOMS = ChatRules.ROOMS;

    /** A chat of one process (rooms in memory), the {@code /chat} namespace, node "local". */
    public ChatService(RoomAuthorizer authorizer, int historySize) {
        this(new InMemoryRoomBus(), "/chat", "local", authorizer, historySize);
    }

    /**
     * A chat whose rooms live in {@code bus}; nodes with the same bus and {@code namespace} share them.
     *
     * @param node this node's name, told to clients (welcome, and {@code node} after each resume)
     * @param historySize messages of each room replayed to members who join
     */
    public ChatService(RoomBus.Factory bus, String namespace, String node, RoomAuthorizer authorizer, int historySize) {
        this.node = node;
        // Each run is a node of its own in the bus: a node restarted with its name is not its previous run.
        String run = Long.toHexString(new java.security.SecureRandom().nextLong());
        this.rooms = Rooms.builder(bus).namespace(namespace).node(node + "#" + run).authorizer(authorizer)
                .historySize(historySize).presence(this::presence).build();
    }

    /** The rooms under the chat (for counters and tests). */
    public Rooms rooms() {
        return rooms;
    }

    @Override
    public void onText(Session session, String text, Delivery delivery) {
        // Handled (acknowledged to the client) once the bus has what it causes, not when queued:
        // a node dying meanwhile has the next one deliver it again, flagged.
        session.handledWhen(inOrder(session, () -> handle(session, text, delivery)));
    }

    private CompletionStage<?> handle(Session session, String text, Delivery delivery) {
        JsonNode in;
        try {
            in = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            return error(session, "not JSON", null);
        }
        String type = in.path("t").asText("");
        return switch (type) {
            case "hello" -> hello(session, in);
            case "join" -> join(session, in);
            case "leave" -> leave(session, in);
            case "say" -> say(session, in, delivery);
            default -> error(session, "unknown message type '" + type + "'", null);
        };
    }

    private CompletionStage<?> hello(Session session, JsonNode in) {
        String nick = in.path("nick").asText(null);
        String problem = ChatRules.nickProblem(nick);
        if (problem != null) {
            return error(session, problem, null);
        }
        String loggedInAs = session.principal().map(io.tether.core.Principal::name).orElse(null);
        if (loggedInAs != null && !loggedInAs.equals(nick)) {
            return error(session, "you are logged in as " + loggedInAs + ": that is your nickname", null);
        }
        nicks.put(session.id(), nick);
        return rooms.describe(session, nick).thenRun(() -> send(session, object("welcome").put("nick", nick).put("node", node)));
    }

    private CompletionStage<?> join(Session session, JsonNode in) {
        String room = in.path("room").asText(null);
        String nick = nicks.get(session.id());
        String problem = nick != null ? ChatRules.roomProblem(room) : "say hello with a nickname first";
        if (problem != null) {
            return error(session, problem, null);
        }
        return rooms.join(room, session, nick).thenAccept(joined -> {
            if (joined == null) {
                error(session, "you may not join " + room, null);
                return;
            }
            ObjectNode out = object("joined").put("room", room);
            ArrayNode h = out.putArray("history");
            for (String m : joined.history()) {
                h.add(parse(m));
            }
            out.set("members", members(joined.members()));
            send(session, out);
        });
    }

    private CompletionStage<?> leave(Session session, JsonNode in) {
        String room = in.path("room").asText("");
        return rooms.leave(room, session).thenAccept(was -> {
            if (was) {
                send(session, object("left").put("room", room));
            }
        });
    }

    private CompletionStage<?> say(Session session, JsonNode in, Delivery delivery) {
        String room = in.path("room").asText("");
        String text = in.path("text").asText(null);
        String cid = in.path("cid").asText(null);
        String problem = ChatRules.textProblem(text);
        if (problem == null && !rooms.isMember(room, session)) {
            problem = "join " + room + " before talking in it";
        }
        if (problem != null) {
            return error(session, problem, cid);
        }
        ObjectNode msg = object("msg").put("room", room).put("from", nicks.getOrDefault(session.id(), "?"))
                .put("text", text).put("ts", System.currentTimeMillis())
                // Stable across a redelivery (the same client message, again on another node): the
                // page drops a second copy by id.
                .put("id", session.id() + "-" + delivery.seq());
        if (cid != null) {
            msg.put("cid", cid);
        }
        return rooms.publish(room, msg.toString());
    }

    @Override
    public void onSessionDisconnected(Session session, Throwable cause) {
        if (cause instanceof SessionMovedException) {
            // Another node holds it now: forget it here, leave its presence to that node.
            rooms.release(session);
            nicks.remove(session.id());
            queues.remove(session.id());
            return;
        }
        inOrder(session, () -> rooms.detach(session));
    }

    @Override
    public void onSessionResumed(Session session) {
        // Maybe on another node than before: the rooms take the session over, and its nickname comes along.
        inOrder(session, () -> rooms.attach(session).thenAccept(nick -> {
            if (nick != null) {
                nicks.put(session.id(), nick);
            }
            send(session, object("node").put("node", node));
        }));
    }

    @Override
    public void onSessionExpired(Session session, SessionExpiredException reason) {
        inOrder(session, () -> rooms.forget(session).whenComplete((left, e) -> {
            nicks.remove(session.id());
            queues.remove(session.id());
        }));
    }

    /** Runs {@code step} after the session's previous steps; a failed step is answered with an error. */
    private CompletionStage<Void> inOrder(Session session, Supplier<CompletionStage<?>> step) {
        return queues.computeIfAbsent(session.id(), id -> new SerialQueue("chat session " + id))
                .run(() -> step.get().thenApply(x -> (Void) null))
                .whenComplete((x, e) -> {
                    if (e != null) {
                        error(session, "the server could not do that now; try again", null);
                    }
                });
    }

    private void presence(String room, List<RoomBus.Member> members, List<Session> here) {
        String message = object("presence").put("room", room).set("members", members(members)).toString();
        for (Session s : here) {
            s.sendText(message);
        }
    }

    private static ArrayNode members(List<RoomBus.Member> members) {
        ArrayNode list = JSON.createArrayNode();
        // Rooms gives members out sorted (by nickname, then session): the pages show them so.
        members.forEach(m -> list.addObject().put("nick", m.info()).put("online", m.online()));
        return list;
    }

    private static CompletionStage<Void> error(Session session, String error, @Nullable String cid) {
        ObjectNode e = object("error").put("error", error);
        if (cid != null) {
            e.put("cid", cid);
        }
        send(session, e);
        return CompletableFuture.completedFuture(null);
    }

    private static ObjectNode object(String type) {
        return JSON.createObjectNode().put("t", type);
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the chat's own history is JSON", e);
        }
    }

    private static void send(Session session, ObjectNode message) {
        session.sendText(message.toString());
    }

    /** Stops the rooms' refresh and closes the bus view. */
    @Override
    public void close() {
        rooms.close();
    }
}
