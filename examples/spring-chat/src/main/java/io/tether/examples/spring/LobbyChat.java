package io.tether.examples.spring;

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
import io.tether.server.rooms.Rooms;
import io.tether.server.store.SessionMovedException;
import io.tether.spring.boot.TetherEndpoint;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * One room, "lobby", that every session joins: each text a client sends is said to everyone, as
 * {@code {"t":"msg","from":..,"text":..,"id":..}}. Sessions resume across reconnects (and across
 * restarts and nodes with tether.store=redis), so a member that was away gets what it missed.
 */
@Component
@TetherEndpoint("/chat")
class LobbyChat implements SessionListener {
    static final String LOBBY = "lobby";

    private final Rooms rooms;
    private final ObjectMapper json;
    /** A session's room steps run one after another: a resume must not overtake the detach before it. */
    private final Map<String, SerialQueue> queues = new ConcurrentHashMap<>();

    LobbyChat(Rooms rooms, ObjectMapper json) {
        this.rooms = rooms;
        this.json = json;
    }

    @Override
    public void onSessionCreated(Session session) {
        String nick = nick(session);
        inOrder(session, () -> rooms.describe(session, nick)
                .thenCompose(v -> rooms.join(LOBBY, session, nick))
                .thenAccept(joined -> {
                    ObjectNode welcome = json.createObjectNode().put("t", "welcome").put("nick", nick);
                    ArrayNode history = welcome.putArray("history");
                    joined.history().forEach(m -> history.add(parse(m)));
                    session.sendText(welcome.toString());
                }));
    }

    @Override
    public void onText(Session session, String text, Delivery delivery) {
        ObjectNode msg = json.createObjectNode().put("t", "msg").put("from", nick(session))
                .put("text", text)
                // The same id if a client's message is delivered again (flagged, after a node died):
                // pages drop the second copy.
                .put("id", session.id() + "-" + delivery.seq());
        // Acknowledged to the client once the room has it, not before: nothing said is lost.
        session.handledWhen(inOrder(session, () -> rooms.publish(LOBBY, msg.toString())));
    }

    @Override
    public void onSessionDisconnected(Session session, Throwable cause) {
        if (cause instanceof SessionMovedException) {
            rooms.release(session);
            queues.remove(session.id());
            return;
        }
        inOrder(session, () -> rooms.detach(session));
    }

    @Override
    public void onSessionResumed(Session session) {
        inOrder(session, () -> rooms.attach(session));
    }

    @Override
    public void onSessionExpired(Session session, SessionExpiredException reason) {
        inOrder(session, () -> rooms.forget(session)).whenComplete((v, e) -> queues.remove(session.id()));
    }

    /** A member's name, from its session id: the same on every node and after every resume. */
    private static String nick(Session session) {
        return "guest-" + session.id().substring(0, 6);
    }

    private CompletionStage<Void> inOrder(Session session, Supplier<CompletionStage<?>> step) {
        return queues.computeIfAbsent(session.id(), id -> new SerialQueue("lobby session " + id))
                .run(() -> step.get().thenApply(x -> (Void) null));
    }

    private JsonNode parse(String message) {
        try {
            return json.readTree(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the lobby's history is its own JSON", e);
        }
    }
}
