package io.tether.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tether.client.ClientConfig;
import io.tether.client.SocketListener;
import io.tether.client.TetherClient;
import io.tether.client.TetherSocket;
import io.tether.core.heartbeat.HeartbeatConfig;
import io.tether.core.reconnect.Backoff;
import io.tether.core.reconnect.ReconnectPolicy;
import io.tether.core.session.Delivery;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The chat unchanged on three {@code tether serve --store redis://…} processes behind nginx (round
 * robin, no stickiness): alice and bob on different nodes talk in one room; bob's node is SIGKILLed
 * while both keep talking; bob resumes on another node with his nickname and room, and both see every
 * message once (a repeat only flagged, with the id of its first copy), in the same order.
 */
@Tag("integration")
class ClusterChatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** A chat user: what arrived, in order, with how it arrived. */
    static final class User implements SocketListener {
        record In(JsonNode json, boolean flagged) {
        }

        final List<In> inbox = new CopyOnWriteArrayList<>();
        TetherSocket socket;

        @Override
        public void onText(TetherSocket socket, String text, Delivery delivery) {
            try {
                inbox.add(new In(JSON.readTree(text), delivery.possibleDuplicate()));
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        }

        void send(String json) {
            socket.sendText(json);
        }

        List<In> of(String type) {
            return inbox.stream().filter(i -> i.json.path("t").asText().equals(type)).toList();
        }

        /** The node named by the last welcome or node message. */
        String node() {
            List<In> nodes = inbox.stream().filter(i -> i.json.has("node")).toList();
            return nodes.isEmpty() ? "" : nodes.get(nodes.size() - 1).json.path("node").asText();
        }

        /** Room messages by id, first copies, in arrival order: "from:text". */
        Map<String, String> conversation() {
            Map<String, String> byId = new LinkedHashMap<>();
            for (In i : of("msg")) {
                byId.putIfAbsent(i.json.path("id").asText(), i.json.path("from").asText() + ":" + i.json.path("text").asText());
            }
            return byId;
        }

        /** Ids that arrived more than once without the flag on the repeat. */
        List<String> unflaggedRepeats() {
            List<String> seen = new ArrayList<>();
            List<String> bad = new ArrayList<>();
            for (In i : of("msg")) {
                String id = i.json.path("id").asText();
                if (seen.contains(id) && !i.flagged) {
                    bad.add(id);
                }
                seen.add(id);
            }
            return bad;
        }

        long repeats() {
            return of("msg").size() - conversation().size();
        }

        boolean sees(String nick, boolean online) {
            List<In> presence = of("presence");
            if (presence.isEmpty()) {
                return false;
            }
            for (JsonNode m : presence.get(presence.size() - 1).json.path("members")) {
                if (m.path("nick").asText().equals(nick)) {
                    return m.path("online").asBoolean() == online;
                }
            }
            return false;
        }
    }

    private static User hello(TetherClient client, URI uri, String nick) {
        User u = new User();
        u.socket = client.open(uri, u);
        u.send("{\"t\":\"hello\",\"nick\":\"" + nick + "\"}");
        await().atMost(WAIT).until(() -> !u.node().isEmpty());
        return u;
    }

    @Test
    void aliceAndBobOnDifferentNodes_bobsNodeKilled_bothSeeEveryMessageOnce_inOneOrder() throws Exception {
        try (ChatNodes cluster = ChatNodes.start(3, Duration.ofMillis(500));
                TetherClient client = TetherClient.create(ClientConfig.builder().resumable(true)
                        .heartbeat(HeartbeatConfig.builder().pingInterval(Duration.ofMillis(500))
                                .pingTimeout(Duration.ofMillis(500)).build())
                        .reconnect(ReconnectPolicy.builder().backoff(Backoff.exponential(Duration.ofMillis(100),
                                Duration.ofMillis(500))).build())
                        .build())) {
            URI chat = URI.create(cluster.wsUrl() + "/chat");
            User alice = hello(client, chat, "alice");
            User bob = hello(client, chat, "bob");
            for (int tries = 0; bob.node().equals(alice.node()) && tries < 6; tries++) {
                bob.socket.close();
                bob = hello(client, chat, "bob"); // round robin: the next connection goes to the next node
            }
            assertThat(bob.node()).as("bob on another node than alice").isNotEqualTo(alice.node());
            User b = bob;
            alice.send("{\"t\":\"join\",\"room\":\"lobby\"}");
            b.send("{\"t\":\"join\",\"room\":\"lobby\"}");
            await().atMost(WAIT).until(() -> alice.sees("bob", true) && b.sees("alice", true));

            List<String> expected = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                alice.send(say("a" + i));
                b.send(say("b" + i));
                expected.add("alice:a" + i);
                expected.add("bob:b" + i);
            }
            await().atMost(WAIT).until(() -> alice.conversation().size() == 10 && b.conversation().size() == 10);

            String bobsNode = b.node();
            cluster.kill(bobsNode);
            for (int i = 6; i <= 10; i++) {
                alice.send(say("a" + i)); // while bob's session is on no live node
                b.send(say("b" + i)); // queued by bob's client until it resumes
                expected.add("alice:a" + i);
                expected.add("bob:b" + i);
            }
            await().atMost(WAIT).until(() -> !b.node().equals(bobsNode));
            await().atMost(WAIT).until(() -> alice.conversation().size() == 20 && b.conversation().size() == 20);
            await().atMost(WAIT).until(() -> alice.sees("bob", true));

            assertThat(b.of("error")).as("bob's node changed, his nickname and room came along").isEmpty();
            assertThat(alice.of("error")).isEmpty();
            List<String> aliceSaw = List.copyOf(alice.conversation().values());
            List<String> bobSaw = List.copyOf(b.conversation().values());
            assertThat(bobSaw).as("one order for the room").isEqualTo(aliceSaw);
            assertThat(aliceSaw).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(aliceSaw.stream().filter(s -> s.startsWith("alice:")).toList()).as("alice's in her order")
                    .isEqualTo(expected.stream().filter(s -> s.startsWith("alice:")).toList());
            assertThat(aliceSaw.stream().filter(s -> s.startsWith("bob:")).toList()).as("bob's in his order")
                    .isEqualTo(expected.stream().filter(s -> s.startsWith("bob:")).toList());
            assertThat(alice.unflaggedRepeats()).isEmpty();
            assertThat(b.unflaggedRepeats()).isEmpty();
            System.out.println("ClusterChatTest: bob moved " + bobsNode + " -> " + b.node() + "; repeats (flagged): alice "
                    + alice.repeats() + ", bob " + b.repeats());
        }
    }

    private static String say(String text) {
        return "{\"t\":\"say\",\"room\":\"lobby\",\"text\":\"" + text + "\"}";
    }
}
