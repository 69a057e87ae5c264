package io.tether.app.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tether.core.SessionExpiredException;
import io.tether.server.Session;
import io.tether.server.SessionListener;
import io.tether.server.rooms.RoomAuthorizer;
import io.tether.server.rooms.Rooms;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The chat over {@code tether.v1} sessions. JSON messages, one per DATA frame (docs/chat.md):
 * the client says {@code hello} (nickname), {@code join}/{@code leave} rooms and {@code say}
 * things; the server answers {@code welcome}, {@code joined} (with history and members),
 * {@code left}, {@code msg}, {@code presence} and {@code error}. A member is online while its session
 * has a connection: the heartbeat's verdict, not only a clean close, turns it offline.
 */
public final class ChatService implements SessionListener {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Rooms rooms;
    private final Map<Session, String> nicks = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /**
     * @param historySize messages of each room replayed to members who join
     */
    public ChatService(RoomAuthorizer authorizer, int historySize) {
        this.rooms = new Rooms(authorizer, historySize);
    }

    @Override
    public void onText(Session session, String text) {
        JsonNode in;
        try {
            in = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            error(session, "not JSON", null);
            return;
        }
        String type = in.path("t").asText("");
        switch (type) {
            case "hello" -> hello(session, in);
            case "join" -> join(session, in);
            case "leave" -> leave(session, in);
            case "say" -> say(session, in);
            default -> error(session, "unknown message type '" + type + "'", null);
        }
    }

    private void hello(Session session, JsonNode in) {
        String nick = in.path("nick").asText(null);
        String problem = ChatRules.nickProblem(nick);
        if (problem != null) {
            error(session, problem, null);
            return;
        }
        nicks.put(session, nick);
        send(session, object("welcome").put("nick", nick));
    }

    private void join(Session session, JsonNode in) {
        String room = in.path("room").asText(null);
        String problem = nicks.containsKey(session) ? ChatRules.roomProblem(room) : "say hello with a nickname first";
        if (problem != null) {
            error(session, problem, null);
            return;
        }
        List<String> history = rooms.join(room, session);
        if (history == null) {
            error(session, "you may not join " + room, null);
            return;
        }
        ObjectNode joined = object("joined").put("room", room);
        ArrayNode h = joined.putArray("history");
        for (String m : history) {
            h.add(parse(m));
        }
        joined.set("members", members(room));
        send(session, joined);
        presence(room);
    }

    private void leave(Session session, JsonNode in) {
        String room = in.path("room").asText("");
        if (rooms.leave(room, session)) {
            send(session, object("left").put("room", room));
            presence(room);
        }
    }

    private void say(Session session, JsonNode in) {
        String room = in.path("room").asText("");
        String text = in.path("text").asText(null);
        String cid = in.path("cid").asText(null);
        String problem = ChatRules.textProblem(text);
        if (problem == null && !rooms.members(room).contains(session)) {
            problem = "join " + room + " before talking in it";
        }
        if (problem != null) {
            error(session, problem, cid);
            return;
        }
        ObjectNode msg = object("msg").put("room", room).put("from", nicks.get(session)).put("text", text)
                .put("ts", System.currentTimeMillis()).put("id", ids.incrementAndGet());
        if (cid != null) {
            msg.put("cid", cid);
        }
        rooms.publish(room, msg.toString());
    }

    @Override
    public void onSessionDisconnected(Session session, Throwable cause) {
        rooms.roomsOf(session).forEach(this::presence);
    }

    @Override
    public void onSessionResumed(Session session) {
        rooms.roomsOf(session).forEach(this::presence);
    }

    @Override
    public void onSessionExpired(Session session, SessionExpiredException reason) {
        List<String> left = rooms.leaveAll(session);
        nicks.remove(session);
        left.forEach(this::presence);
    }

    private void presence(String room) {
        rooms.broadcast(room, object("presence").put("room", room).set("members", members(room)).toString());
    }

    private ArrayNode members(String room) {
        ArrayNode list = JSON.createArrayNode();
        rooms.members(room).stream()
                .sorted(Comparator.comparing((Session s) -> nicks.getOrDefault(s, "")).thenComparing(Session::id))
                .forEach(s -> list.addObject().put("nick", nicks.getOrDefault(s, "?")).put("online", s.isConnected()));
        return list;
    }

    private void error(Session session, String error, @Nullable String cid) {
        ObjectNode e = object("error").put("error", error);
        if (cid != null) {
            e.put("cid", cid);
        }
        send(session, e);
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
}
