package io.tether.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * A deliberately low-level WebSocket peer for tests: it writes whatever bytes and frames it is told
 * to, valid or not, so tests can check how Tether answers bad input. Blocking; every read has a
 * socket timeout so a test never hangs.
 */
public final class RawWebSocket implements AutoCloseable {
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CONTINUATION = 0x0;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private String handshakeResponse = "";

    /** One received frame. */
    public record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
        /** A frame as most tests see it: reserved bits clear. */
        public Frame(boolean fin, int opcode, byte[] payload) {
            this(fin, 0, opcode, payload);
        }

        /** The close code of a close frame, or 1005 when it has none. */
        public int closeCode() {
            return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005;
        }

        /** The reason of a close frame (after its 2-byte code), "" when it has none. */
        public String closeReason() {
            return payload.length > 2 ? new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8) : "";
        }

        public String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private RawWebSocket(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** Opens a TCP connection to 127.0.0.1:{@code port} without any handshake. */
    public static RawWebSocket open(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        return new RawWebSocket(socket);
    }

    /** Opens a connection and completes a valid handshake on {@code path}; fails unless answered 101. */
    public static RawWebSocket connect(int port, String path) throws IOException {
        return connect(port, path, "");
    }

    /**
     * As {@link #connect(int, String)}, sending {@code extraHeaders} (whole lines, each ending in
     * CRLF, e.g. {@code "Sec-WebSocket-Extensions: permessage-deflate\r\n"}) with the request;
     * {@link #handshakeResponse()} has the answer.
     */
    public static RawWebSocket connect(int port, String path, String extraHeaders) throws IOException {
        RawWebSocket ws = open(port);
        String key = Base64.getEncoder().encodeToString(randomBytes(16));
        ws.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n"
                + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        String head = ws.readHttpHead();
        if (!head.startsWith("HTTP/1.1 101") || !head.contains(accept(key))) {
            ws.close();
            throw new IOException("handshake failed: " + head);
        }
        ws.handshakeResponse = head;
        return ws;
    }

    /** The server's 101 answer (status line and headers) when opened with {@code connect}; else empty. */
    public String handshakeResponse() {
        return handshakeResponse;
    }

    /** The value of the answer's header {@code name} (any case), or null. */
    public @Nullable String responseHeader(String name) {
        return handshakeResponse.lines().filter(l -> l.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                .map(l -> l.substring(name.length() + 1).trim()).findFirst().orElse(null);
    }

    /**
     * Sends an upgrade request for {@code pathAndQuery} with {@code Host: 127.0.0.1:<port>}, a fresh
     * key and each of {@code extraHeaderLines} ({@code "Name: value"}), and returns the response
     * head as read; after a 101 the connection carries frames.
     */
    public String requestUpgrade(String pathAndQuery, String... extraHeaderLines) throws IOException {
        StringBuilder request = new StringBuilder("GET " + pathAndQuery + " HTTP/1.1\r\nHost: 127.0.0.1:"
                + socket.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: "
                + Base64.getEncoder().encodeToString(randomBytes(16)) + "\r\nSec-WebSocket-Version: 13\r\n");
        for (String line : extraHeaderLines) {
            request.append(line).append("\r\n");
        }
        write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        return readHttpHead();
    }

    /**
     * Accepts one connection on {@code server} and answers its upgrade request with 101, as a
     * server would; then frames can be written with {@link #sendServerFrame} (unmasked).
     */
    public static RawWebSocket accept(java.net.ServerSocket server) throws IOException {
        RawWebSocket ws = wrap(server.accept());
        ws.acceptUpgrade(ws.readHttpHead());
        return ws;
    }

    /**
     * Wraps a connection that a test's own server accepted (10 s read timeout), so it can read the
     * request with {@link #readHttpHead}, then answer it with {@link #acceptUpgrade} or {@link #write}.
     */
    public static RawWebSocket wrap(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        socket.setTcpNoDelay(true);
        return new RawWebSocket(socket);
    }

    /** Answers the upgrade request {@code head} (as {@link #readHttpHead} read it) with 101. */
    public void acceptUpgrade(String head) throws IOException {
        acceptUpgrade(head, "");
    }

    /** As {@link #acceptUpgrade(String)}, with {@code extraHeaders} (whole CRLF-ended lines) in the answer. */
    public void acceptUpgrade(String head, String extraHeaders) throws IOException {
        String key = head.lines().filter(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst()
                .orElseThrow(() -> new IOException("no Sec-WebSocket-Key in " + head));
        write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept(key) + "\r\n" + extraHeaders + "\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    }

    /** Sends an unmasked frame, as a server must. */
    public void sendServerFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        write(frame(fin, 0, opcode, payload, false));
    }

    /** Writes raw bytes. */
    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** Reads an HTTP head, a response's or a request's (up to the blank line). */
    public String readHttpHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("connection closed inside the HTTP head: " + head);
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads everything until the peer closes (for HTTP error responses), at most 64 KiB. */
    public String readUntilClosed() throws IOException {
        return new String(in.readNBytes(65536), StandardCharsets.UTF_8);
    }

    /** Reads everything until the peer closes, however long (a scrape, a page). */
    public String readToEnd() throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** Sends a masked frame, as a client must. */
    public void sendFrame(boolean fin, int opcode, byte[] payload) throws IOException {
        write(frame(fin, 0, opcode, payload, true));
    }

    /** Encodes one frame with any flags: {@code rsv} is the three reserved bits (0-7). */
    public static byte[] frame(boolean fin, int rsv, int opcode, byte[] payload, boolean masked) {
        ByteBuffer buf = ByteBuffer.allocate(14 + payload.length);
        buf.put((byte) ((fin ? 0x80 : 0) | (rsv << 4) | opcode));
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            buf.put((byte) (maskBit | payload.length));
        } else if (payload.length < 65536) {
            buf.put((byte) (maskBit | 126)).putShort((short) payload.length);
        } else {
            buf.put((byte) (maskBit | 127)).putLong(payload.length);
        }
        byte[] mask = masked ? randomBytes(4) : new byte[4];
        if (masked) {
            buf.put(mask);
        }
        for (int i = 0; i < payload.length; i++) {
            buf.put((byte) (payload[i] ^ mask[i % 4]));
        }
        byte[] bytes = new byte[buf.position()];
        buf.flip().get(bytes);
        return bytes;
    }

    /** Reads one frame from the server (unmasked). */
    public Frame readFrame() throws IOException {
        int b0 = in.readUnsignedByte();
        int b1 = in.readUnsignedByte();
        long length = b1 & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = in.readLong();
        }
        byte[] mask = null;
        if ((b1 & 0x80) != 0) {
            mask = in.readNBytes(4);
        }
        byte[] payload = in.readNBytes((int) length);
        if (mask != null) {
            for (int i = 0; i < payload.length; i++) {
                payload[i] ^= mask[i % 4];
            }
        }
        return new Frame((b0 & 0x80) != 0, (b0 >> 4) & 0x7, b0 & 0x0f, payload);
    }

    /** Reads frames until a close frame arrives (skipping pings), and returns it. */
    public Frame readCloseFrame() throws IOException {
        while (true) {
            Frame f = readFrame();
            if (f.opcode() == CLOSE) {
                return f;
            }
        }
    }

    /** How long a read waits before it fails with {@link java.net.SocketTimeoutException} (10 s by default). */
    public void setReadTimeout(java.time.Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    }

    /** True once the peer has closed the TCP connection (reads EOF within the socket timeout). */
    public boolean awaitEof() throws IOException {
        try {
            InputStream raw = socket.getInputStream();
            while (raw.read() >= 0) {
                // drain whatever else the peer sent before closing
            }
            return true;
        } catch (java.net.SocketException e) {
            return true; // reset also means closed
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static byte[] randomBytes(int n) {
        byte[] bytes = new byte[n];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    private static String accept(String key) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            byte[] digest = sha1.digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JVM", e);
        }
    }
}
