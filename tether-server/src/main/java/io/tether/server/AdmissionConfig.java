package io.tether.server;

/**
 * Admission control for new WebSocket handshakes: a token bucket refilled at {@code ratePerSecond},
 * holding at most {@code burst}. A handshake that finds the bucket empty is answered 503 with a
 * {@code Retry-After} header (whole seconds until a token is due, at least 1) instead of being
 * upgraded, so a crowd of reconnecting clients cannot flatten a server that just came back.
 *
 * @param enabled false admits everything (the default)
 * @param ratePerSecond handshakes admitted per second, sustained
 * @param burst handshakes admitted at once after a quiet period
 */
public record AdmissionConfig(boolean enabled, double ratePerSecond, int burst) {
    public static final AdmissionConfig UNLIMITED = new AdmissionConfig(false, 1, 1);

    public AdmissionConfig {
        if (enabled && (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond))) {
            throw new IllegalArgumentException("admission ratePerSecond must be a positive number, was " + ratePerSecond);
        }
        if (enabled && burst < 1) {
            throw new IllegalArgumentException("admission burst must be at least 1, was " + burst);
        }
    }

    /** At most {@code ratePerSecond} handshakes a second on average, {@code burst} at once. */
    public static AdmissionConfig limit(double ratePerSecond, int burst) {
        return new AdmissionConfig(true, ratePerSecond, burst);
    }
}
