package io.tether.core.internal.protocol;

import java.nio.ByteBuffer;
import java.util.Objects;

/** One {@code tether.v1} frame, carried in one binary WebSocket message. See docs/protocol.md. */
public sealed interface Frame {

    /** Protocol version this implementation speaks in HELLO. */
    int VERSION = 1;

    /** The WebSocket subprotocol name negotiated with Sec-WebSocket-Protocol. */
    String SUBPROTOCOL = "tether.v1";

    /** Client → server, first frame of every connection. Empty session id asks for a new session. */
    record Hello(int version, long lastReceived, String sessionId, String token) implements Frame {
        public Hello {
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(token, "token");
        }
    }

    /**
     * Server → client, answer to HELLO. {@code resumed} false with a non-empty requested session
     * means the old session is gone (expired, unknown, or the token did not match — the server does
     * not say which): this is a new session, and the client must report a session reset.
     */
    record Welcome(boolean resumed, long lastReceived, String sessionId, String token, long ttlMillis) implements Frame {
        public Welcome {
            Objects.requireNonNull(sessionId, "sessionId");
            Objects.requireNonNull(token, "token");
        }
    }

    /**
     * An application message: sequence number, piggybacked cumulative ack, payload, and whether it
     * is a possible duplicate (resent after a session reset, see {@link FrameCodec#FLAG_POSSIBLE_DUPLICATE}).
     */
    record Data(long seq, long ack, boolean binary, boolean possibleDuplicate, ByteBuffer payload) implements Frame {
        public Data {
            Objects.requireNonNull(payload, "payload");
        }

        /** An ordinary message (not a possible duplicate). */
        public Data(long seq, long ack, boolean binary, ByteBuffer payload) {
            this(seq, ack, binary, false, payload);
        }
    }

    /** Cumulative acknowledgement: every message up to and including {@code ack} was received. */
    record Ack(long ack) implements Frame {
    }

    /** Application-level ping, for peers that cannot send WebSocket pings (browsers). */
    record Ping(long stamp) implements Frame {
    }

    /** Answer to {@link Ping}, echoing its stamp. */
    record Pong(long stamp) implements Frame {
    }

    /**
     * Client → server: the client's page went to the background ({@code hidden}) or came back. A
     * hidden browser tab's timers are throttled, so its pings may be late: the server stretches the
     * connection's liveness deadline while it is hidden.
     */
    record Background(boolean hidden) implements Frame {
    }

    /** Server → client: this connection is about to close; come back after the hint. */
    record GoAway(long retryAfterMillis, String reason) implements Frame {
        public GoAway {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
