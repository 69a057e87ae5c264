package io.tether.core;

/**
 * permessage-deflate (RFC 7692) settings of one side of a connection. Immutable; build with
 * {@link #builder()}. Off by default ({@link #DISABLED}): compression costs CPU on every message and
 * zlib memory on every connection that has sent or received a compressed message, see
 * {@code docs/compression.md}.
 *
 * <p>The two no-context-takeover settings mean the same on either side: that compressor resets its
 * dictionary after every message (worse ratio on small similar messages, and its ~256 KiB of zlib
 * state is freed between messages instead of kept per connection). A server volunteers
 * {@code server_no_context_takeover}, accepts a client's request for it whatever this says, and asks
 * the client for {@code client_no_context_takeover}; a client offers both as requests to the server.
 *
 * <p>Window sizes below 15 bits ({@code server_max_window_bits=9}) need zlib options the JDK does not
 * have: a server declines such an offer (and takes the next one, or none: the connection goes on
 * uncompressed), a client never offers them.
 *
 * @param enabled whether to offer (client) or accept (server) permessage-deflate
 * @param level deflate level, 0 (store) to 9 (smallest); 1 is fastest
 * @param minMessageSize messages shorter than this many bytes (UTF-8 bytes for text) are sent
 *     uncompressed: below a few hundred bytes the deflate block overhead eats most of the gain
 * @param serverNoContextTakeover the server's compressor starts afresh with every message
 * @param clientNoContextTakeover the client's compressor starts afresh with every message
 */
public record CompressionConfig(boolean enabled, int level, int minMessageSize, boolean serverNoContextTakeover,
        boolean clientNoContextTakeover) {

    /** zlib's own default: most of level 9's ratio at about half its CPU. */
    public static final int DEFAULT_LEVEL = 6;
    /** 256 bytes: chat-sized messages compress, heartbeat-sized ones don't bother. */
    public static final int DEFAULT_MIN_MESSAGE_SIZE = 256;
    /** Compression off (the library default). */
    public static final CompressionConfig DISABLED = new CompressionConfig(false, DEFAULT_LEVEL,
            DEFAULT_MIN_MESSAGE_SIZE, false, false);
    /** Compression on, with the defaults above and context takeover on both sides. */
    public static final CompressionConfig ENABLED = DISABLED.toBuilder().enabled(true).build();

    public CompressionConfig {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("level must be between 0 and 9, was " + level);
        }
        if (minMessageSize < 0) {
            throw new IllegalArgumentException("minMessageSize must not be negative, was " + minMessageSize);
        }
    }

    /** A builder starting from {@link #DISABLED}. */
    public static Builder builder() {
        return DISABLED.toBuilder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Builder; {@link #build()} validates, naming the setting. */
    public static final class Builder {
        private boolean enabled;
        private int level;
        private int minMessageSize;
        private boolean serverNoContextTakeover;
        private boolean clientNoContextTakeover;

        private Builder(CompressionConfig from) {
            enabled = from.enabled;
            level = from.level;
            minMessageSize = from.minMessageSize;
            serverNoContextTakeover = from.serverNoContextTakeover;
            clientNoContextTakeover = from.clientNoContextTakeover;
        }

        public Builder enabled(boolean value) {
            enabled = value;
            return this;
        }

        public Builder level(int value) {
            level = value;
            return this;
        }

        /** In bytes; 0 compresses every message. */
        public Builder minMessageSize(int value) {
            minMessageSize = value;
            return this;
        }

        public Builder serverNoContextTakeover(boolean value) {
            serverNoContextTakeover = value;
            return this;
        }

        public Builder clientNoContextTakeover(boolean value) {
            clientNoContextTakeover = value;
            return this;
        }

        public CompressionConfig build() {
            return new CompressionConfig(enabled, level, minMessageSize, serverNoContextTakeover,
                    clientNoContextTakeover);
        }
    }
}
