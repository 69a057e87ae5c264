package io.tether.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.HandshakeRequest;
import io.tether.core.session.SessionConfig;
import io.tether.core.testing.FakeScheduler;
import io.tether.server.SessionListener;
import io.tether.server.store.InMemorySessionStore;
import io.tether.server.store.SessionState;
import io.tether.server.store.SharedSessionStore;
import io.tether.server.store.StoreUnavailableException;
import io.tether.server.store.StoredMessage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A shared store that cannot be reached for a while, in virtual time: the session waits, then goes on or gives up. */
class ServerSessionOutageTest {
    private static final Duration OUTAGE_WAIT = Duration.ofSeconds(5);

    /** A shared store whose next {@code failing} appends fail as unreachable; with {@code applied}, after taking effect (a lost reply). */
    static final class FlakyStore extends SharedSessionStore {
        final AtomicInteger failing = new AtomicInteger();
        volatile boolean applied;
        final AtomicInteger appends = new AtomicInteger();

        FlakyStore() {
            super(new InMemorySessionStore());
        }

        @Override
        public CompletionStage<Void> append(String id, long epoch, List<StoredMessage> messages) {
            appends.incrementAndGet();
            if (failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                if (applied) {
                    state.append(id, epoch, messages).toCompletableFuture().join();
                }
                return CompletableFuture.failedFuture(new StoreUnavailableException("Redis did not answer within 500 ms",
                        new RuntimeException("timeout")));
            }
            return state.append(id, epoch, messages);
        }
    }

    private final FakeScheduler scheduler = new FakeScheduler();
    private final FlakyStore store = new FlakyStore();
    private final LocalSessions locals = new LocalSessions();

    private ServerSession session() {
        store.create(SessionState.created("s1", "token".getBytes(StandardCharsets.US_ASCII), "node-1",
                SessionConfig.DEFAULT.ttl())).toCompletableFuture().join();
        ServerSession s = new ServerSession("s1", 1, scheduler, SessionConfig.DEFAULT, new SessionListener() { }, locals,
                new EndpointTotals(), store, Clock.systemUTC(), OUTAGE_WAIT, HandshakeRequest.builder().path("/x").build(),
                Map.of(), null);
        locals.replace(s);
        return s;
    }

    private List<String> stored() {
        return store.state.load("s1").toCompletableFuture().join().orElseThrow().outbound().stream()
                .map(m -> new String(m.payload(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void aSendWaitsOutAnOutage_andCompletesWhenTheStoreAnswersAgain_tryingAt100_300_700ms() {
        ServerSession s = session();
        store.failing.set(3);
        CompletableFuture<Void> sent = s.sendText("m1").toCompletableFuture();
        assertThat(sent).isNotDone();
        scheduler.advanceMillis(699);
        assertThat(store.appends).as("tries at 0, 100, 300 ms").hasValue(3);
        assertThat(sent).isNotDone();
        scheduler.advanceMillis(1);
        assertThat(sent).isCompleted();
        assertThat(stored()).containsExactly("m1");
        assertThat(locals.find("s1")).as("still held here").isPresent();
    }

    @Test
    void anAppendThatTookEffectThoughItsReplyWasLost_isNotMadeTwice() {
        ServerSession s = session();
        store.failing.set(1);
        store.applied = true;
        CompletableFuture<Void> sent = s.sendText("m1").toCompletableFuture();
        scheduler.advanceMillis(100);
        assertThat(sent).isCompleted();
        assertThat(store.appends).as("the retry asked the store instead of appending again").hasValue(1);
        assertThat(stored()).containsExactly("m1");
        CompletableFuture<Void> next = s.sendText("m2").toCompletableFuture();
        assertThat(next).isCompleted();
        assertThat(stored()).containsExactly("m1", "m2");
    }

    @Test
    void aSessionLetGoDuringAnOutage_writesNothingMore_andItsMaybeStoredSendIsInDoubt() {
        ServerSession s = session();
        store.failing.set(1);
        store.applied = true; // the first attempt took effect; its reply was lost
        CompletableFuture<Void> sent = s.sendText("m1").toCompletableFuture();
        s.letGo(new StoreUnavailableException("detach failed", new RuntimeException()));
        assertThat(sent).isCompletedExceptionally();
        assertThat(sent.handle((v, e) -> e).join()).isInstanceOf(io.tether.core.InDoubtException.class);
        scheduler.advanceMillis(OUTAGE_WAIT.toMillis());
        assertThat(store.appends).as("no retry after the session was let go").hasValue(1);
    }

    @Test
    void anOutageLongerThanTheWait_failsTheSend_andLetsTheSessionGo() {
        ServerSession s = session();
        store.failing.set(Integer.MAX_VALUE);
        CompletableFuture<Void> sent = s.sendText("m1").toCompletableFuture();
        scheduler.advanceMillis(OUTAGE_WAIT.toMillis() - 1);
        assertThat(sent).isNotDone();
        assertThat(locals.find("s1")).isPresent();
        scheduler.advanceMillis(1);
        assertThat(sent).isCompletedExceptionally();
        assertThat(locals.find("s1")).as("let go").isEmpty();
    }
}
