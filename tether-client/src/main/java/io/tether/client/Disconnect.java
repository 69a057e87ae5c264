package io.tether.client;

import java.time.Duration;
import java.util.Optional;

/**
 * A lost connection, or a failed attempt, as told to {@link SocketListener#onDisconnected}.
 *
 * @param cause why: a {@link io.tether.core.ConnectionClosedException} with the server's close code,
 *     {@link io.tether.core.heartbeat.HeartbeatTimeoutException}, {@link io.tether.core.ConnectFailedException},
 *     {@link io.tether.core.HandshakeRejectedException}, ...
 * @param willRetry whether another attempt is scheduled
 * @param nextDelay the wait before it from now, when one is scheduled: the backoff delay less the
 *     time the failed attempt spent before it failed (zero when it took longer)
 * @param backoff the backoff's delay for that attempt, counted from the start of the attempt that
 *     failed (as in gRPC's connection backoff), or from now after a connection that opened; a
 *     server's retry hint is always counted from now. Empty when no attempt is scheduled
 * @param attempt the number of that next attempt within this outage (1 for the first retry)
 * @param why the retry rule's short explanation
 */
public record Disconnect(
        Throwable cause, boolean willRetry, Optional<Duration> nextDelay, Optional<Duration> backoff, int attempt, String why) {
}
