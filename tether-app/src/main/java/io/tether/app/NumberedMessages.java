package io.tether.app;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.BitSet;
import org.jspecify.annotations.Nullable;

/**
 * {@code tether connect --count N}: the numbered test messages it sends ({@code tether-seq:<n>},
 * 1 to N) and what came back of them, for an echo endpoint: each number received once, in order,
 * is the promise; the report says how many were lost, duplicated or out of order. Thread-safe.
 */
final class NumberedMessages {
    static final String PREFIX = "tether-seq:";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final int count;
    private final BitSet seen = new BitSet();
    private int received;
    private int duplicates;
    private int outOfOrder;
    private int highest;
    private final java.util.concurrent.CompletableFuture<Void> allReceived = new java.util.concurrent.CompletableFuture<>();

    NumberedMessages(int count) {
        this.count = count;
    }

    static String message(int n) {
        return PREFIX + n;
    }

    /** Counts {@code text} if it is one of ours (returns true), else leaves it to the caller. */
    synchronized boolean offer(String text) {
        Integer n = numberOf(text);
        if (n == null) {
            return false;
        }
        if (seen.get(n)) {
            duplicates++;
        } else {
            seen.set(n);
            received++;
            if (received == count) {
                allReceived.complete(null);
            }
            if (n < highest) {
                outOfOrder++;
            }
        }
        highest = Math.max(highest, n);
        return true;
    }

    private @Nullable Integer numberOf(String text) {
        if (!text.startsWith(PREFIX)) {
            return null;
        }
        try {
            int n = Integer.parseInt(text.substring(PREFIX.length()));
            return n >= 1 && n <= count ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Completes when every number came back once. */
    java.util.concurrent.CompletableFuture<Void> allReceived() {
        return allReceived;
    }

    /** Nothing lost, duplicated or out of order. */
    synchronized boolean clean() {
        return received == count && duplicates == 0 && outOfOrder == 0;
    }

    /** The report: a line for people, or one JSON object. */
    synchronized String report(boolean json) {
        int lost = count - received;
        if (json) {
            return JSON.createObjectNode().put("event", "report").put("sent", count).put("received", received)
                    .put("lost", lost).put("duplicates", duplicates).put("outOfOrder", outOfOrder).toString();
        }
        return "sent " + count + ", received " + received + ", lost " + lost + ", duplicated " + duplicates
                + ", out of order " + outOfOrder;
    }
}
