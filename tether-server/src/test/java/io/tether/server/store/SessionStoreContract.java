package io.tether.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SessionStore} must do, run against each implementation: extend it and return
 * a fresh store (the in-memory one, Redis, Redis Cluster). Each test uses its own session ids, so a
 * store shared between tests is fine.
 */
public abstract class SessionStoreContract {
    private static final Duration TTL = Duration.ofMinutes(2);
    private static final long NOW = 1_800_000_000_000L;

    protected SessionStore store;

    /** A store to test; closed after each test. */
    protected abstract SessionStore newStore() throws Exception;

    /**
     * A token as the states read back by {@link SessionStore#load} and {@link SessionStore#takeExpired}
     * carry it: the token itself here; a store that keeps only a digest of each token (Redis keeps
     * SHA-256, so a reader of the store cannot resume sessions) overrides this with that digest.
     * {@link SessionStore#claim} returns the tokens it was given either way.
     */
    protected byte[] asStored(byte[] token) {
        return token;
    }

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    protected static <T> T join(CompletionStage<T> stage) {
        try {
            return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new CompletionException(e.getCause());
        } catch (Exception e) {
            throw new AssertionError("store did not answer within 10 s", e);
        }
    }

    private static String newId() {
        return "s-" + UUID.randomUUID();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private SessionState created(String id) {
        SessionState s = SessionState.created(id, bytes("t0"), "node-a", TTL);
        assertThat(join(store.create(s))).isTrue();
        return s;
    }

    private static StoredMessage text(long seq, String text) {
        return new StoredMessage(seq, false, false, text.getBytes(StandardCharsets.UTF_8));
    }

    private SessionState loaded(String id) {
        return join(store.load(id)).orElseThrow(() -> new AssertionError("session " + id + " is gone"));
    }

    private static Throwable failure(CompletionStage<?> stage) {
        try {
            join(stage);
        } catch (CompletionException e) {
            return e.getCause();
        }
        throw new AssertionError("the stage completed normally");
    }

    // ---- create and load ------------------------------------------------------------------------

    @Test
    void create_storesANewSession_andRefusesATakenId() {
        String id = newId();
        created(id);
        SessionState s = loaded(id);
        assertThat(s.id()).isEqualTo(id);
        assertThat(s.token()).isEqualTo(asStored(bytes("t0")));
        assertThat(s.previousToken()).isNull();
        assertThat(s.epoch()).isEqualTo(1);
        assertThat(s.owner()).isEqualTo("node-a");
        assertThat(s.ttl()).isEqualTo(TTL);
        assertThat(s.outboundLastSeq()).isZero();
        assertThat(s.outbound()).isEmpty();
        assertThat(join(store.create(SessionState.created(id, bytes("other"), "node-b", TTL)))).isFalse();
        assertThat(loaded(id).token()).as("the refused create changed nothing").isEqualTo(asStored(bytes("t0")));
    }

    @Test
    void load_ofAnUnknownId_isEmpty() {
        assertThat(join(store.load(newId()))).isEmpty();
    }

    // ---- claim: token compare-and-set with rotation ------------------------------------------------

    @Test
    void claim_withTheCurrentToken_rotatesIt_raisesTheEpoch_andRecordsTheOwner() {
        String id = newId();
        created(id);
        SessionState s = join(store.claim(id, bytes("t0"), bytes("t1"), "node-b")).orElseThrow();
        assertThat(s.token()).isEqualTo(bytes("t1"));
        assertThat(s.previousToken()).isEqualTo(bytes("t0"));
        assertThat(s.epoch()).isEqualTo(2);
        assertThat(s.owner()).isEqualTo("node-b");
        assertThat(loaded(id).epoch()).isEqualTo(2);
    }

    @Test
    void claim_withAWrongToken_isEmpty_andChangesNothing() {
        String id = newId();
        created(id);
        assertThat(join(store.claim(id, bytes("forged"), bytes("t1"), "node-b"))).isEmpty();
        SessionState s = loaded(id);
        assertThat(s.token()).isEqualTo(asStored(bytes("t0")));
        assertThat(s.epoch()).isEqualTo(1);
        assertThat(s.owner()).isEqualTo("node-a");
        assertThat(join(store.claim(newId(), bytes("t0"), bytes("t1"), "node-b"))).as("unknown id").isEmpty();
    }

    @Test
    void thePreviousToken_staysValid_untilConfirmed_andAnyOlderOneIsWorthless() {
        String id = newId();
        created(id);
        SessionState b = join(store.claim(id, bytes("t0"), bytes("t1"), "node-b")).orElseThrow();
        // The WELCOME carrying t1 was lost: the client comes back with t0 and must get its session.
        SessionState c = join(store.claim(id, bytes("t0"), bytes("t2"), "node-c")).orElseThrow();
        assertThat(c.epoch()).isEqualTo(b.epoch() + 1);
        assertThat(c.previousToken()).isEqualTo(bytes("t0"));
        join(store.confirmToken(id, c.epoch()));
        assertThat(loaded(id).previousToken()).isNull();
        assertThat(join(store.claim(id, bytes("t0"), bytes("t3"), "node-d"))).as("t0 after confirmation").isEmpty();
        assertThat(join(store.claim(id, bytes("t1"), bytes("t3"), "node-d"))).as("t1, never confirmed").isEmpty();
        assertThat(join(store.claim(id, bytes("t2"), bytes("t3"), "node-d"))).isPresent();
    }

    @Test
    void racingClaims_eachGetADistinctEpoch_andOnlyTheLastOneMayWrite() {
        String id = newId();
        created(id);
        List<CompletableFuture<Optional<SessionState>>> claims = IntStream.range(0, 8)
                .mapToObj(i -> store.claim(id, bytes("t0"), bytes("n" + i), "node-" + i).toCompletableFuture())
                .toList();
        List<Long> epochs = claims.stream().map(SessionStoreContract::join).flatMap(Optional::stream)
                .map(SessionState::epoch).sorted().toList();
        assertThat(epochs).as("all presented t0, current or previous: all win, one after the other")
                .containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        for (long stale = 1; stale < 9; stale++) {
            assertThat(failure(store.acknowledge(id, stale, 0))).isInstanceOf(SessionMovedException.class);
        }
        join(store.acknowledge(id, 9, 0));
    }

    // ---- outbound messages ------------------------------------------------------------------------

    @Test
    void append_keepsMessagesInOrder_andAcknowledgeDropsThem() {
        String id = newId();
        created(id);
        join(store.append(id, 1, List.of(text(1, "a"), text(2, "b"))));
        byte[] everyByte = new byte[256];
        for (int i = 0; i < 256; i++) {
            everyByte[i] = (byte) i;
        }
        join(store.append(id, 1, List.of(new StoredMessage(3, true, true, everyByte), new StoredMessage(4, true, false, new byte[0]))));
        SessionState s = loaded(id);
        assertThat(s.outboundLastSeq()).isEqualTo(4);
        assertThat(s.outbound()).extracting(StoredMessage::seq).containsExactly(1L, 2L, 3L, 4L);
        assertThat(new String(s.outbound().get(1).payload(), StandardCharsets.UTF_8)).isEqualTo("b");
        assertThat(s.outbound().get(2).payload()).isEqualTo(everyByte);
        assertThat(s.outbound().get(2).binary()).isTrue();
        assertThat(s.outbound().get(2).possibleDuplicate()).isTrue();
        assertThat(s.outbound().get(3).payload()).isEmpty();
        join(store.acknowledge(id, 1, 2));
        s = loaded(id);
        assertThat(s.outboundAcked()).isEqualTo(2);
        assertThat(s.outbound()).extracting(StoredMessage::seq).containsExactly(3L, 4L);
        join(store.acknowledge(id, 1, 1));
        assertThat(loaded(id).outboundAcked()).as("an older ack does not go back").isEqualTo(2);
    }

    @Test
    void append_refusesAGapOrARepeat_andAnAckBeyondTheLastSeq() {
        String id = newId();
        created(id);
        join(store.append(id, 1, List.of(text(1, "a"))));
        assertThat(failure(store.append(id, 1, List.of(text(3, "gap"))))).isInstanceOf(IllegalArgumentException.class);
        assertThat(failure(store.append(id, 1, List.of(text(1, "again"))))).isInstanceOf(IllegalArgumentException.class);
        assertThat(failure(store.acknowledge(id, 1, 2))).isInstanceOf(IllegalArgumentException.class);
        SessionState s = loaded(id);
        assertThat(s.outboundLastSeq()).isEqualTo(1);
        assertThat(s.outbound()).hasSize(1);
    }

    @Test
    void theStateSurvivesAClaim_forTheNextOwnerToReplay() {
        String id = newId();
        created(id);
        join(store.append(id, 1, List.of(text(1, "a"), text(2, "b"), text(3, "c"))));
        join(store.acknowledge(id, 1, 1));
        join(store.recordInbound(id, 1, 7, 5));
        SessionState b = join(store.claim(id, bytes("t0"), bytes("t1"), "node-b")).orElseThrow();
        assertThat(b.outboundLastSeq()).isEqualTo(3);
        assertThat(b.outboundAcked()).isEqualTo(1);
        assertThat(b.outbound()).extracting(StoredMessage::seq).containsExactly(2L, 3L);
        assertThat(b.inboundDelivering()).isEqualTo(7);
        assertThat(b.inboundDelivered()).isEqualTo(5);
        join(store.append(id, b.epoch(), List.of(text(4, "d"))));
        assertThat(loaded(id).outboundLastSeq()).isEqualTo(4);
    }

    // ---- inbound positions ----------------------------------------------------------------------

    @Test
    void recordInbound_neverGoesBackwards() {
        String id = newId();
        created(id);
        join(store.recordInbound(id, 1, 10, 4));
        join(store.recordInbound(id, 1, 8, 6));
        SessionState s = loaded(id);
        assertThat(s.inboundDelivering()).isEqualTo(10);
        assertThat(s.inboundDelivered()).isEqualTo(6);
    }

    // ---- fencing --------------------------------------------------------------------------------

    @Test
    void everyWriteWithAStaleEpoch_isRefused_andChangesNothing() {
        String id = newId();
        created(id);
        join(store.append(id, 1, List.of(text(1, "a"))));
        join(store.claim(id, bytes("t0"), bytes("t1"), "node-b"));
        List<CompletionStage<?>> stale = List.of(
                store.append(id, 1, List.of(text(2, "zombie"))),
                store.acknowledge(id, 1, 1),
                store.recordInbound(id, 1, 9, 9),
                store.detach(id, 1, NOW),
                store.confirmToken(id, 1));
        for (CompletionStage<?> write : stale) {
            assertThat(failure(write)).isInstanceOfSatisfying(SessionMovedException.class,
                    e -> assertThat(e.sessionId()).isEqualTo(id));
        }
        assertThat(join(store.remove(id, 1))).isFalse();
        SessionState s = loaded(id);
        assertThat(s.outboundLastSeq()).isEqualTo(1);
        assertThat(s.outboundAcked()).isZero();
        assertThat(s.inboundDelivering()).isZero();
        assertThat(s.previousToken()).isEqualTo(asStored(bytes("t0")));
        assertThat(join(store.takeExpired(NOW + TTL.toMillis(), 100))).extracting(SessionState::id).doesNotContain(id);
    }

    @Test
    void writesToAGoneSession_areRefused() {
        assertThat(failure(store.append(newId(), 1, List.of(text(1, "a"))))).isInstanceOf(SessionMovedException.class);
    }

    // ---- expiry ---------------------------------------------------------------------------------

    @Test
    void aDetachedSession_expiresAtItsDeadline_once() {
        String id = newId();
        created(id);
        join(store.append(id, 1, List.of(text(1, "unacked"))));
        join(store.detach(id, 1, NOW + 1000));
        assertThat(join(store.takeExpired(NOW + 999, 100))).extracting(SessionState::id).doesNotContain(id);
        List<SessionState> taken = join(store.takeExpired(NOW + 1000, 100));
        assertThat(taken).extracting(SessionState::id).contains(id);
        SessionState last = taken.stream().filter(s -> s.id().equals(id)).findFirst().orElseThrow();
        assertThat(last.outbound()).as("the expiry lists what was never acknowledged").extracting(StoredMessage::seq)
                .containsExactly(1L);
        assertThat(join(store.takeExpired(NOW + 5000, 100))).extracting(SessionState::id).doesNotContain(id);
        assertThat(join(store.load(id))).isEmpty();
        assertThat(join(store.claim(id, bytes("t0"), bytes("t1"), "node-b"))).isEmpty();
    }

    @Test
    void aClaimBeforeTheDeadline_cancelsTheExpiry() {
        String id = newId();
        created(id);
        join(store.detach(id, 1, NOW + 1000));
        join(store.claim(id, bytes("t0"), bytes("t1"), "node-b")).orElseThrow();
        assertThat(join(store.takeExpired(NOW + 10_000, 100))).extracting(SessionState::id).doesNotContain(id);
        assertThat(join(store.load(id))).isPresent();
    }

    @Test
    void concurrentExpirers_takeEachSessionExactlyOnce() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = newId();
            created(id);
            join(store.detach(id, 1, NOW));
            ids.add(id);
        }
        List<CompletableFuture<List<SessionState>>> takers = IntStream.range(0, 4)
                .mapToObj(i -> store.takeExpired(NOW, 1000).toCompletableFuture()).toList();
        List<String> taken = takers.stream().map(SessionStoreContract::join).flatMap(List::stream)
                .map(SessionState::id).filter(ids::contains).toList();
        List<String> more = join(store.takeExpired(NOW, 1000)).stream().map(SessionState::id).filter(ids::contains).toList();
        assertThat(new ArrayList<String>(taken) {{ addAll(more); }}).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void takeExpired_returnsAtMostMax() {
        for (int i = 0; i < 5; i++) {
            String id = newId();
            created(id);
            join(store.detach(id, 1, NOW - 10_000));
        }
        assertThat(join(store.takeExpired(NOW, 2))).hasSizeLessThanOrEqualTo(2);
    }

    // ---- node leases: the sessions of a node that died attached ------------------------------------

    private SessionState createdBy(String id, String node) {
        SessionState s = SessionState.created(id, bytes("t0"), node, TTL);
        assertThat(join(store.create(s))).isTrue();
        return s;
    }

    private List<String> expiredIds(long now) {
        return join(store.takeExpired(now, 1000)).stream().map(SessionState::id).toList();
    }

    @Test
    void aSessionAttachedOnANodeWhoseLeaseEnded_expiresTtlAfterTheLeaseEnd_once() {
        String node = "dead-" + UUID.randomUUID();
        join(store.renewLease(node, NOW));
        String id = newId();
        createdBy(id, node);
        join(store.append(id, 1, List.of(text(1, "unacked"))));
        assertThat(join(store.orphan(NOW, 100))).as("the lease ends at NOW: not yet ended").isZero();
        assertThat(expiredIds(NOW + 100 * TTL.toMillis())).as("attached: no deadline").doesNotContain(id);
        assertThat(join(store.orphan(NOW + 1, 100))).isEqualTo(1);
        assertThat(join(store.orphan(NOW + 2, 100))).as("its deadline is set once").isZero();
        assertThat(expiredIds(NOW + TTL.toMillis() - 1)).doesNotContain(id);
        List<SessionState> taken = join(store.takeExpired(NOW + TTL.toMillis(), 100));
        assertThat(taken).extracting(SessionState::id).containsExactly(id);
        assertThat(taken.get(0).outbound()).as("the expiry lists what was never acknowledged")
                .extracting(StoredMessage::seq).containsExactly(1L);
        assertThat(expiredIds(NOW + 100 * TTL.toMillis())).doesNotContain(id);
        assertThat(join(store.load(id))).isEmpty();
    }

    @Test
    void orphan_leavesLiveNodes_detachedAndClaimedSessions_andNodesWithoutALease() {
        String live = "live-" + UUID.randomUUID();
        String dead = "dead-" + UUID.randomUUID();
        join(store.renewLease(live, NOW + 10_000));
        join(store.renewLease(dead, NOW - 1));
        String onLive = newId();
        createdBy(onLive, live);
        String detached = newId();
        createdBy(detached, dead);
        join(store.detach(detached, 1, NOW + 500));
        String claimed = newId();
        createdBy(claimed, dead);
        join(store.claim(claimed, bytes("t0"), bytes("t1"), live)).orElseThrow();
        String leaseless = newId();
        createdBy(leaseless, "leaseless-" + UUID.randomUUID());
        assertThat(join(store.orphan(NOW, 100))).isZero();
        assertThat(expiredIds(NOW + 499)).doesNotContain(detached);
        assertThat(expiredIds(NOW + 100 * TTL.toMillis())).as("only the detached one had a deadline, its own")
                .containsExactly(detached);
        assertThat(join(store.load(onLive))).isPresent();
        assertThat(join(store.load(claimed))).isPresent();
        assertThat(join(store.load(leaseless))).isPresent();
    }

    @Test
    void orphan_setsEachDeadlineOnce_acrossConcurrentCallers_atMostMaxPerCall() {
        String dead = "dead-" + UUID.randomUUID();
        join(store.renewLease(dead, NOW - 1));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String id = newId();
            createdBy(id, dead);
            ids.add(id);
        }
        assertThat(join(store.orphan(NOW, 2))).isEqualTo(2);
        List<CompletableFuture<Integer>> callers = IntStream.range(0, 4)
                .mapToObj(i -> store.orphan(NOW, 100).toCompletableFuture()).toList();
        assertThat(callers.stream().mapToInt(SessionStoreContract::join).sum()).isEqualTo(3);
        assertThat(join(store.orphan(NOW, 100))).isZero();
        assertThat(expiredIds(NOW - 2 + TTL.toMillis())).isEmpty();
        assertThat(expiredIds(NOW - 1 + TTL.toMillis())).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void aLeaseRenewedAfterItsNodeWasOrphaned_isANewLease() {
        String node = "paused-" + UUID.randomUUID();
        join(store.renewLease(node, NOW - 1));
        String before = newId();
        createdBy(before, node);
        assertThat(join(store.orphan(NOW, 100))).isEqualTo(1);
        join(store.renewLease(node, NOW + 10_000));
        String after = newId();
        createdBy(after, node);
        assertThat(join(store.orphan(NOW + 5_000, 100))).isZero();
        assertThat(expiredIds(NOW + 100 * TTL.toMillis())).containsExactly(before);
        assertThat(join(store.orphan(NOW + 10_001, 100))).as("the new lease ended too").isEqualTo(1);
        assertThat(expiredIds(NOW + 10_000 + TTL.toMillis())).containsExactly(after);
    }

    // ---- remove and count -------------------------------------------------------------------------

    @Test
    void remove_needsTheCurrentEpoch() {
        String id = newId();
        created(id);
        long before = join(store.count());
        assertThat(join(store.remove(id, 2))).isFalse();
        assertThat(join(store.remove(id, 1))).isTrue();
        assertThat(join(store.load(id))).isEmpty();
        assertThat(join(store.count())).isEqualTo(before - 1);
        assertThat(join(store.remove(id, 1))).isFalse();
        assertThatThrownBy(() -> join(store.append(id, 1, List.of(text(1, "a")))))
                .hasCauseInstanceOf(SessionMovedException.class);
    }
}
