package io.tether.core;

/** RFC 6455 section 7.4.1 close codes that Tether sends or interprets. */
public final class CloseCodes {
    public static final int NORMAL = 1000;
    public static final int GOING_AWAY = 1001;
    public static final int PROTOCOL_ERROR = 1002;
    public static final int UNSUPPORTED_DATA = 1003;
    /** Never sent on the wire: "the close frame carried no status code". */
    public static final int NO_STATUS = 1005;
    /** Never sent on the wire: "the connection ended without a close frame". */
    public static final int ABNORMAL = 1006;
    public static final int INVALID_PAYLOAD = 1007;
    public static final int POLICY_VIOLATION = 1008;
    public static final int MESSAGE_TOO_BIG = 1009;
    public static final int INTERNAL_ERROR = 1011;
    public static final int SERVICE_RESTART = 1012;
    public static final int TRY_AGAIN_LATER = 1013;
    /**
     * Tether's own (private-use range): the credentials this connection was authenticated with
     * expired (and the grace after it passed). Tether's client reconnects at once with fresh
     * credentials from its supplier; a {@code tether.v1} session resumes on the new connection.
     */
    public static final int CREDENTIALS_EXPIRED = 4001;

    /** RFC 6455 5.5: a control frame carries at most 125 bytes, 2 of them the code. */
    public static final int MAX_REASON_BYTES = 123;

    private CloseCodes() {
    }

    /**
     * Checks a close code and reason an application asked for.
     *
     * @throws IllegalArgumentException when the code may not be sent or the reason is too long
     */
    public static void requireValid(int code, String reason) {
        if (!isSendable(code)) {
            throw new IllegalArgumentException("close code " + code + " may not be sent (RFC 6455 7.4)");
        }
        if (reason.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_REASON_BYTES) {
            throw new IllegalArgumentException("close reason longer than " + MAX_REASON_BYTES + " UTF-8 bytes");
        }
    }

    /**
     * {@code reason} cut to fit a Close frame (at most 123 UTF-8 bytes, never inside a character):
     * for Tether's own diagnostics, such as a protocol error's message, which may run longer.
     */
    public static String fitReason(String reason) {
        int bytes = 0;
        for (int i = 0; i < reason.length(); ) {
            int cp = reason.codePointAt(i);
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > MAX_REASON_BYTES) {
                return reason.substring(0, i);
            }
            bytes += size;
            i += Character.charCount(cp);
        }
        return reason;
    }

    /**
     * Whether {@code code} may be sent in a close frame (RFC 6455 7.4: 1000-1003, 1007-1014 and
     * 3000-4999; 1004, 1005, 1006 and 1015 are reserved and never on the wire).
     */
    public static boolean isSendable(int code) {
        return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014)
                || (code >= 3000 && code <= 4999);
    }
}
