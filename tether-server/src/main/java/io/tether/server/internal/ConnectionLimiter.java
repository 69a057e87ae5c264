package io.tether.server.internal;

import io.tether.core.HandshakeRequest;
import io.tether.core.internal.reconnect.TokenBucket;
import io.tether.server.Acceptance;
import io.tether.server.ConnectionLimits;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Enforces the handshake-time limits: handshakes per second per address ({@link ConnectionLimits})
 * and for the whole server ({@link io.tether.server.AdmissionConfig}), and connections open in
 * total and per client address (a slot is reserved when a handshake passes, and given back by
 * {@link #release} when its connection closes or the handshake is refused later). Thread-safe: the
 * server's event loops share one.
 */
final class ConnectionLimiter {
    /** Past this many per-address buckets, full ones are dropped (they would let the next handshake through anyway). */
    private static final int PRUNE_AT = 10_000;
    private static final int MAX_BUCKETS = 100_000;
    private static final long PRUNE_EVERY_NANOS = 1_000_000_000L;

    private final ConnectionLimits limits;
    /** The trusted proxies in {@link ClientAddress#normalize canonical form}. */
    private final java.util.Set<String> trustedProxies;
    /** When the buckets were last pruned (ticker nanoseconds): at most once a second. */
    private final java.util.concurrent.atomic.AtomicLong prunedAt = new java.util.concurrent.atomic.AtomicLong(Long.MIN_VALUE);
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<String, Integer> openPerAddress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TokenBucket> handshakeBuckets = new ConcurrentHashMap<>();

    private final java.util.concurrent.atomic.LongAdder rateLimited = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder admissionLimited = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder full = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder addressFull = new java.util.concurrent.atomic.LongAdder();

    /** The whole server's admission bucket, null when admission is unlimited. */
    private final @Nullable TokenBucket admission;

    ConnectionLimiter(ConnectionLimits limits, @Nullable TokenBucket admission) {
        this.limits = limits;
        this.admission = admission;
        this.trustedProxies = limits.trustedProxies().stream().map(ClientAddress::normalize)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** Whether the per-address limits need the client's address at all. */
    private boolean perAddress() {
        return limits.maxConnectionsPerAddress() > 0 || limits.handshakesPerSecondPerAddress() > 0;
    }

    /** The address {@code request} counts against, or null when no per-address limit is on. */
    @Nullable String addressOf(HandshakeRequest request) {
        return perAddress() ? ClientAddress.of(request, trustedProxies) : null;
    }

    /**
     * Reserves a connection slot for a handshake from {@code address} (null: no per-address
     * limit); returns null when reserved, else the refusal to answer (then nothing is reserved).
     */
    Acceptance.@Nullable Refused admit(@Nullable String address, long nowNanos) {
        if (address != null && limits.handshakesPerSecondPerAddress() > 0) {
            long wait = bucketOf(address, nowNanos).tryAcquire(nowNanos);
            if (wait > 0) {
                rateLimited.increment();
                long seconds = wholeSeconds(wait);
                return Acceptance.refuse(429, "too many handshakes from " + address + " (limit "
                        + limits.handshakesPerSecondPerAddress() + "/s); retry after " + seconds + " s")
                        .withHeader("Retry-After", Long.toString(seconds));
            }
        }
        if (admission != null) {
            // A crowd of reconnecting clients must not flatten a server that just came back.
            long wait = admission.tryAcquire(nowNanos);
            if (wait > 0) {
                admissionLimited.increment();
                long seconds = wholeSeconds(wait);
                return Acceptance.refuse(503, "too many new connections; retry after " + seconds + " s")
                        .withHeader("Retry-After", Long.toString(seconds));
            }
        }
        int max = limits.maxConnections();
        if (max > 0 && open.incrementAndGet() > max) {
            open.decrementAndGet();
            full.increment();
            return Acceptance.refuse(503, "server full: " + max + " connections open; retry after 5 s")
                    .withHeader("Retry-After", "5");
        }
        int maxPerAddress = limits.maxConnectionsPerAddress();
        if (address != null && maxPerAddress > 0) {
            // compute runs under the key's lock: no increment can slip past a removal.
            boolean[] over = new boolean[1];
            openPerAddress.compute(address, (a, count) -> {
                int n = count == null ? 0 : count;
                over[0] = n >= maxPerAddress;
                return over[0] ? count : n + 1;
            });
            if (over[0]) {
                if (max > 0) {
                    open.decrementAndGet();
                }
                addressFull.increment();
                return Acceptance.refuse(503, "too many connections from " + address + " (limit " + maxPerAddress
                        + "); retry after 5 s").withHeader("Retry-After", "5");
            }
        }
        return null;
    }

    /**
     * Handshakes refused so far for {@code reason}: {@code handshake_rate} (per address, 429),
     * {@code admission} (the server's new-connection rate, 503), {@code max_connections} and
     * {@code max_connections_per_address} (503).
     */
    long rejected(String reason) {
        return switch (reason) {
            case "handshake_rate" -> rateLimited.sum();
            case "admission" -> admissionLimited.sum();
            case "max_connections" -> full.sum();
            case "max_connections_per_address" -> addressFull.sum();
            default -> throw new IllegalArgumentException("no such rejection reason: " + reason);
        };
    }

    static final java.util.List<String> REJECTION_REASONS =
            java.util.List.of("handshake_rate", "admission", "max_connections", "max_connections_per_address");

    /** {@code Retry-After} for a wait: whole seconds, rounded up, at least 1. */
    private static long wholeSeconds(long waitNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + TimeUnit.SECONDS.toNanos(1) - 1));
    }

    /** Gives back the slot {@link #admit} reserved for a connection from {@code address}. */
    void release(@Nullable String address) {
        if (limits.maxConnections() > 0) {
            open.decrementAndGet();
        }
        if (address != null && limits.maxConnectionsPerAddress() > 0) {
            releaseAddress(address);
        }
    }

    private void releaseAddress(String address) {
        openPerAddress.computeIfPresent(address, (a, count) -> count <= 1 ? null : count - 1);
    }

    private TokenBucket bucketOf(String address, long nowNanos) {
        long last = prunedAt.get();
        if (handshakeBuckets.size() > PRUNE_AT && (last == Long.MIN_VALUE || nowNanos - last > PRUNE_EVERY_NANOS)
                && prunedAt.compareAndSet(last, nowNanos)) {
            // Full buckets let the next handshake through anyway: dropping them changes nothing.
            handshakeBuckets.values().removeIf(b -> b.isFull(nowNanos));
            if (handshakeBuckets.size() > MAX_BUCKETS) {
                // Addresses rotated faster than buckets refill (an attack from a large range): start
                // over rather than grow without bound; each address gets its burst again.
                handshakeBuckets.clear();
            }
        }
        return handshakeBuckets.computeIfAbsent(address, a -> new TokenBucket(limits.handshakesPerSecondPerAddress(),
                limits.handshakeBurstPerAddress(), nowNanos));
    }
}
