package io.tether.client.internal;

import io.tether.core.CloseCodes;
import io.tether.core.ConnectFailedException;
import io.tether.core.ConnectionResetException;
import io.tether.core.WebSocketConnection;
import io.tether.core.WebSocketListener;
import io.tether.core.internal.protocol.Frame;
import io.tether.core.internal.protocol.FrameCodec;
import io.tether.core.testing.StubConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * The far side of a {@link ReconnectingSocket} under test, in virtual time: a {@link Dialer} whose
 * attempts the test answers by hand (open, refuse), and connections whose traffic it reads and
 * whose end it decides. Single-threaded, like the {@code FakeScheduler} that drives it.
 */
final class FakeServer implements Dialer {
    final ArrayDeque<PendingDial> dials = new ArrayDeque<>();
    final List<Link> links = new ArrayList<>();
    /** Everything the server application received, over all connections and sessions, in order. */
    final List<String> received = new ArrayList<>();

    @Override
    public CompletionStage<WebSocketConnection> dial(WebSocketListener listener, boolean offerSessions,
            boolean credentialsRejected) {
        PendingDial d = new PendingDial(listener, offerSessions);
        dials.add(d);
        return d.result;
    }

    /** The oldest unanswered attempt; fails when there is none. */
    PendingDial nextDial() {
        PendingDial d = dials.poll();
        if (d == null) {
            throw new AssertionError("no connection attempt is pending");
        }
        return d;
    }

    int pendingDials() {
        return dials.size();
    }

    final class PendingDial {
        final WebSocketListener listener;
        final boolean offerSessions;
        final CompletableFuture<WebSocketConnection> result = new CompletableFuture<>();

        PendingDial(WebSocketListener listener, boolean offerSessions) {
            this.listener = listener;
            this.offerSessions = offerSessions;
        }

        /** Accepts: the handshake succeeds with {@code subprotocol} (null for none). */
        Link accept(@Nullable String subprotocol) {
            Link link = new Link(listener, subprotocol);
            links.add(link);
            listener.onOpen(link);
            result.complete(link);
            return link;
        }

        /** The attempt fails with {@code cause} (e.g. reset while the path was dead). */
        void fail(Throwable cause) {
            result.completeExceptionally(cause);
        }

        /** Nothing listens: the attempt fails as a refused TCP connect. */
        void refuse() {
            result.completeExceptionally(new ConnectFailedException("cannot connect",
                    new java.net.ConnectException("Connection refused")));
        }
    }

    /** One connection as the server sees it; frames the client wrote are decoded. */
    final class Link extends StubConnection {
        final WebSocketListener listener;
        final List<Frame> frames = new ArrayList<>();
        final List<String> texts = new ArrayList<>();
        @Nullable Integer closedWith;
        private long lastReceived;
        private long serverSeq;

        Link(WebSocketListener listener, @Nullable String subprotocol) {
            super("link" + links.size(), subprotocol);
            this.listener = listener;
        }

        // ---- what the test does as the server ----

        /** Answers the client's HELLO with WELCOME. */
        void welcome(boolean resumed, String sessionId, long lastReceived) {
            toClient(new Frame.Welcome(resumed, lastReceived, sessionId, "token-" + sessionId, 120_000));
        }

        void toClient(Frame frame) {
            listener.onBinary(this, FrameCodec.encode(frame).array());
        }

        /** A server application message in the session (numbered by this link). */
        void sendData(String text) {
            toClient(new Frame.Data(++serverSeq, lastReceived, false,
                    ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        }

        /** Acknowledges every DATA received on this link. */
        void ackAll() {
            toClient(new Frame.Ack(lastReceived));
        }

        void textToClient(String text) {
            listener.onText(this, text);
        }

        /** The connection dies without a close frame (RST). */
        void reset() {
            if (open) {
                open = false;
                listener.onFailure(this, new ConnectionResetException("connection reset",
                        new IOException("Connection reset by peer")));
                super.close(CloseCodes.ABNORMAL, "");
            }
        }

        /** The server closes with {@code code}. */
        void closeFromServer(int code, String reason) {
            if (open) {
                super.close(code, reason);
                listener.onClosed(this, code, reason);
            }
        }

        Frame.Hello hello() {
            return (Frame.Hello) frames.get(0);
        }

        // ---- the connection, as the client uses it ----

        @Override
        public CompletionStage<Void> sendText(CharSequence text) {
            if (!open) {
                return CompletableFuture.failedFuture(new io.tether.core.ConnectionClosedException(CloseCodes.ABNORMAL, ""));
            }
            texts.add(text.toString());
            received.add(text.toString());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> sendBinary(byte[] data) {
            if (open) {
                Frame f = FrameCodec.decode(ByteBuffer.wrap(data));
                frames.add(f);
                if (f instanceof Frame.Data d) {
                    lastReceived = d.seq();
                    byte[] payload = new byte[d.payload().remaining()];
                    d.payload().get(payload);
                    received.add(new String(payload, java.nio.charset.StandardCharsets.UTF_8)
                            + (d.possibleDuplicate() ? " (possible duplicate)" : ""));
                }
            }
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletionStage<Void> close(int code, String reason) {
            if (open) {
                closedWith = code;
                super.close(code, reason);
                listener.onClosed(this, code, reason); // the peer echoes the close at once
            }
            return closeFuture();
        }
    }
}
