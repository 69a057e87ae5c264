package io.tether.server.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tether.core.internal.session.Stages;
import io.tether.server.store.SessionMovedException;
import io.tether.server.store.SessionState;
import io.tether.server.store.SessionStore;
import io.tether.server.store.StoreUnavailableException;
import io.tether.server.store.StoredMessage;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A {@link SessionStore} that times every operation ({@code tether.store.operations}, by endpoint
 * and operation, failures included) and counts failures by kind ({@code tether.store.errors}:
 * {@code unavailable}, {@code moved} (fenced off), {@code other}). Time comes from the registry's
 * clock. The returned stages complete right after the delegate's, on the same thread, so the
 * store's ordering promise holds. Thread-safe.
 */
final class MeteredSessionStore implements SessionStore {
    private enum Op {
        CREATE, CLAIM, CONFIRM_TOKEN, APPEND, ACKNOWLEDGE, RECORD_INBOUND, DETACH, TAKE_EXPIRED, RENEW_LEASE, ORPHAN,
        LOAD, REMOVE, COUNT;

        final String tag = name().toLowerCase(java.util.Locale.ROOT);
    }

    private static final List<String> ERRORS = List.of("unavailable", "moved", "other");

    private final SessionStore delegate;
    private final io.micrometer.core.instrument.Clock clock;
    private final Map<Op, Timer> timers = new EnumMap<>(Op.class);
    private final Map<Op, Map<String, Counter>> errors = new EnumMap<>(Op.class);

    MeteredSessionStore(SessionStore delegate, MeterRegistry registry, String endpoint) {
        this.delegate = delegate;
        this.clock = registry.config().clock();
        for (Op op : Op.values()) {
            timers.put(op, Timer.builder("tether.store.operations").tag("endpoint", endpoint).tag("op", op.tag)
                    .description("session store operations, by operation, failed ones included")
                    .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(10)).register(registry));
            Map<String, Counter> byKind = new java.util.HashMap<>();
            for (String kind : ERRORS) {
                byKind.put(kind, Counter.builder("tether.store.errors").tag("endpoint", endpoint).tag("op", op.tag)
                        .tag("error", kind).description("session store operations that failed, by kind")
                        .register(registry));
            }
            errors.put(op, byKind);
        }
    }

    private <T> CompletionStage<T> timed(Op op, Supplier<CompletionStage<T>> call) {
        long start = clock.monotonicTime();
        return call.get().whenComplete((result, error) -> {
            timers.get(op).record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
            if (error != null) {
                Throwable cause = Stages.cause(error);
                String kind = cause instanceof StoreUnavailableException ? "unavailable"
                        : cause instanceof SessionMovedException ? "moved" : "other";
                errors.get(op).get(kind).increment();
            }
        });
    }

    @Override
    public CompletionStage<Boolean> create(SessionState session) {
        return timed(Op.CREATE, () -> delegate.create(session));
    }

    @Override
    public CompletionStage<Optional<SessionState>> claim(String id, byte[] presentedToken, byte[] newToken, String owner) {
        return timed(Op.CLAIM, () -> delegate.claim(id, presentedToken, newToken, owner));
    }

    @Override
    public CompletionStage<Void> confirmToken(String id, long epoch) {
        return timed(Op.CONFIRM_TOKEN, () -> delegate.confirmToken(id, epoch));
    }

    @Override
    public CompletionStage<Void> append(String id, long epoch, List<StoredMessage> messages) {
        return timed(Op.APPEND, () -> delegate.append(id, epoch, messages));
    }

    @Override
    public CompletionStage<Void> acknowledge(String id, long epoch, long upTo) {
        return timed(Op.ACKNOWLEDGE, () -> delegate.acknowledge(id, epoch, upTo));
    }

    @Override
    public CompletionStage<Void> recordInbound(String id, long epoch, long delivering, long delivered) {
        return timed(Op.RECORD_INBOUND, () -> delegate.recordInbound(id, epoch, delivering, delivered));
    }

    @Override
    public CompletionStage<Void> detach(String id, long epoch, long expiresAtMillis) {
        return timed(Op.DETACH, () -> delegate.detach(id, epoch, expiresAtMillis));
    }

    @Override
    public CompletionStage<List<SessionState>> takeExpired(long nowMillis, int max) {
        return timed(Op.TAKE_EXPIRED, () -> delegate.takeExpired(nowMillis, max));
    }

    @Override
    public CompletionStage<Void> renewLease(String node, long expiresAtMillis) {
        return timed(Op.RENEW_LEASE, () -> delegate.renewLease(node, expiresAtMillis));
    }

    @Override
    public CompletionStage<Integer> orphan(long nowMillis, int max) {
        return timed(Op.ORPHAN, () -> delegate.orphan(nowMillis, max));
    }

    @Override
    public CompletionStage<Optional<SessionState>> load(String id) {
        return timed(Op.LOAD, () -> delegate.load(id));
    }

    @Override
    public CompletionStage<Boolean> remove(String id, long epoch) {
        return timed(Op.REMOVE, () -> delegate.remove(id, epoch));
    }

    @Override
    public CompletionStage<Long> count() {
        return timed(Op.COUNT, delegate::count);
    }

    @Override
    public boolean shared() {
        return delegate.shared();
    }

    @Override
    public void close() {
        delegate.close();
    }

    @Override
    public String toString() {
        return "Metered" + delegate;
    }
}
