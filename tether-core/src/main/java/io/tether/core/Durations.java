package io.tether.core;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses and prints durations the way people write them on a command line: 500ms, 2s, 1m, 1h. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(ns|us|ms|s|m|h)");

    private Durations() {
    }

    /**
     * Parses {@code text} such as {@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h} (also
     * {@code ns} and {@code us}); a bare {@code 0} is zero.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms when it does not parse
     */
    public static Duration parse(String text) {
        Objects.requireNonNull(text, "text");
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        if (trimmed.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = FORMAT.matcher(trimmed);
        if (!m.matches()) {
            throw new IllegalArgumentException("cannot read duration '" + text
                    + "': write a whole number and a unit, e.g. 500ms, 2s, 1m, 1h (units ns, us, ms, s, m, h)");
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("duration '" + text + "' is too large", e);
        }
        return switch (m.group(2)) {
            case "ns" -> Duration.ofNanos(amount);
            case "us" -> Duration.ofNanos(Math.multiplyExact(amount, 1000L));
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        };
    }

    /** Prints {@code d} in the largest unit that keeps it whole, the inverse of {@link #parse}. */
    public static String format(Duration d) {
        Objects.requireNonNull(d, "d");
        long nanos = d.toNanos();
        if (nanos == 0) {
            return "0";
        }
        long[] sizes = {3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L};
        String[] units = {"h", "m", "s", "ms", "us", "ns"};
        for (int i = 0; i < sizes.length; i++) {
            if (nanos % sizes[i] == 0) {
                return nanos / sizes[i] + units[i];
            }
        }
        throw new AssertionError("unreachable: every duration is a whole number of nanoseconds");
    }

    /** Throws, naming {@code setting}, unless {@code d} is strictly positive. */
    public static Duration requirePositive(Duration d, String setting) {
        Objects.requireNonNull(d, setting);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(setting + " must be positive, was " + format(d));
        }
        return d;
    }
}
