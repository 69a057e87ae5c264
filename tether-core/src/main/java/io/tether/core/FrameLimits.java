package io.tether.core;

/** The size limits both client and server configurations carry, validated in one place. */
public final class FrameLimits {
    /** RFC 6455 control frames may carry 125 bytes, so no frame limit may be smaller. */
    public static final int MIN_FRAME_SIZE = 125;

    private FrameLimits() {
    }

    /**
     * Throws {@link IllegalArgumentException}, naming the setting, unless
     * {@code MIN_FRAME_SIZE <= maxFrameSize <= maxMessageSize}.
     */
    public static void validate(int maxFrameSize, int maxMessageSize) {
        if (maxFrameSize < MIN_FRAME_SIZE) {
            throw new IllegalArgumentException("maxFrameSize must be at least " + MIN_FRAME_SIZE
                    + " bytes, was " + maxFrameSize);
        }
        if (maxMessageSize < maxFrameSize) {
            throw new IllegalArgumentException("maxMessageSize (" + maxMessageSize
                    + ") must be at least maxFrameSize (" + maxFrameSize + ")");
        }
    }
}
