package io.tether.redis;

import static io.tether.redis.Sessions.NOW;
import static io.tether.redis.Sessions.bytes;
import static io.tether.redis.Sessions.created;
import static io.tether.redis.Sessions.join;
import static io.tether.redis.Sessions.newId;
import static io.tether.redis.Sessions.text;
import static org.assertj.core.api.Assertions.assertThat;

import io.tether.server.store.SessionMovedException;
import io.tether.server.store.SessionState;
import io.tether.server.store.SessionStore;
import io.tether.testkit.services.RedisServer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Two nodes, each with its own RedisSessionStores (its own connection), on one Redis. */
@Tag("integration")
class TwoNodesTest {
    private static RedisServer redis;
    private static RedisSessionStores nodeA;
    private static RedisSessionStores nodeB;
    private SessionStore a;
    private SessionStore b;

    @BeforeAll
    static void start() {
        redis = RedisServer.start();
        nodeA = RedisSessionStores.connect(redis.uri());
        nodeB = RedisSessionStores.connect(redis.uri());
    }

    @AfterAll
    static void stop() {
        nodeA.close();
        nodeB.close();
        redis.close();
    }

    @BeforeEach
    void open() {
        String namespace = "/two-" + UUID.randomUUID();
        a = nodeA.open(namespace);
        b = nodeB.open(namespace);
    }

    @Test
    void aClaimOnB_fencesOffEveryWriteOfA_andBContinuesFromAsState() {
        String id = newId();
        assertThat(join(a.create(created(id)))).isTrue();
        join(a.append(id, 1, text(1, "from a")));
        SessionState onB = join(b.claim(id, bytes("t0"), bytes("t1"), "node-b")).orElseThrow();
        assertThat(onB.epoch()).isEqualTo(2);
        assertThat(onB.outbound()).extracting(m -> new String(m.payload())).containsExactly("from a");

        for (CompletionStage<?> zombie : List.of(a.append(id, 1, text(2, "zombie")), a.acknowledge(id, 1, 1),
                a.recordInbound(id, 1, 5, 5), a.detach(id, 1, NOW), a.confirmToken(id, 1))) {
            assertThat(failure(zombie)).isInstanceOfSatisfying(SessionMovedException.class,
                    e -> assertThat(e).hasMessageContaining("node-b").hasMessageContaining("epoch 2"));
        }
        assertThat(join(a.remove(id, 1))).isFalse();
        join(b.append(id, 2, text(2, "from b")));
        SessionState seenByA = join(a.load(id)).orElseThrow();
        assertThat(seenByA.owner()).isEqualTo("node-b");
        assertThat(seenByA.outboundLastSeq()).isEqualTo(2);
    }

    @Test
    void sweepersOnBothNodes_takeEachExpiredSessionOnce() {
        List<String> ids = detachedAt(NOW, 40);
        List<String> taken = new ArrayList<>();
        for (int round = 0; round < 40; round++) {
            CompletableFuture<List<SessionState>> onA = a.takeExpired(NOW, 7).toCompletableFuture();
            CompletableFuture<List<SessionState>> onB = b.takeExpired(NOW, 7).toCompletableFuture();
            List<SessionState> both = new ArrayList<>(join(onA));
            assertThat(both).hasSizeLessThanOrEqualTo(7);
            assertThat(join(onB)).hasSizeLessThanOrEqualTo(7);
            both.addAll(join(onB));
            if (both.isEmpty()) {
                break;
            }
            both.forEach(s -> taken.add(s.id()));
        }
        assertThat(taken).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(join(a.count())).isZero();
    }

    @Test
    void aClaimRacingASweep_eitherResumesTheSessionOrItExpires_neverBoth() {
        List<String> ids = detachedAt(NOW, 30);
        List<CompletableFuture<Optional<SessionState>>> claims = new ArrayList<>();
        List<CompletableFuture<List<SessionState>>> sweeps = new ArrayList<>();
        for (String id : ids) {
            claims.add(a.claim(id, bytes("t0"), bytes("t1"), "node-a").toCompletableFuture());
            sweeps.add(b.takeExpired(NOW, 5).toCompletableFuture());
        }
        List<String> taken = new ArrayList<>();
        sweeps.forEach(s -> join(s).forEach(e -> taken.add(e.id())));
        List<String> resumed = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
            if (join(claims.get(i)).isPresent()) {
                resumed.add(ids.get(i));
            }
        }
        join(b.takeExpired(NOW, 100)).forEach(e -> taken.add(e.id()));
        assertThat(taken).doesNotHaveDuplicates().doesNotContainAnyElementsOf(resumed);
        List<String> all = new ArrayList<>(taken);
        all.addAll(resumed);
        assertThat(all).containsExactlyInAnyOrderElementsOf(ids);
        for (String id : resumed) {
            assertThat(join(a.load(id))).as("a resumed session stays").isPresent();
        }
    }

    private List<String> detachedAt(long deadline, int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String id = newId();
            assertThat(join(a.create(created(id)))).isTrue();
            join(a.detach(id, 1, deadline));
            ids.add(id);
        }
        return ids;
    }

    private static Throwable failure(CompletionStage<?> stage) {
        try {
            join(stage);
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("the stage completed normally");
    }
}
