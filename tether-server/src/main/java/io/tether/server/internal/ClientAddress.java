package io.tether.server.internal;

import io.tether.core.HandshakeRequest;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.Set;

/**
 * The address a per-client limit counts a handshake against: the TCP peer, or — when the peer is a
 * trusted proxy — the last {@code X-Forwarded-For} hop that is not itself a trusted proxy (the
 * nearest address no trusted party vouches for; hops further left may be forged by the client).
 */
final class ClientAddress {
    private ClientAddress() {
    }

    /**
     * @param trustedProxies as {@link #normalize} wrote them
     */
    static String of(HandshakeRequest request, Set<String> trustedProxies) {
        String peer = ip(request.remoteAddress());
        if (trustedProxies.isEmpty() || !trustedProxies.contains(peer)) {
            return peer;
        }
        List<String> lines = request.headerValues("X-Forwarded-For");
        String client = peer;
        for (int l = lines.size() - 1; l >= 0; l--) {
            String[] hops = lines.get(l).split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = normalize(hops[i].trim());
                if (hop.isEmpty()) {
                    continue;
                }
                client = hop;
                if (!trustedProxies.contains(hop)) {
                    return hop;
                }
            }
        }
        return client;
    }

    /**
     * An IP literal in one canonical form ({@code ::1} and {@code 0:0:0:0:0:0:0:1} alike), without
     * any DNS lookup; anything that is not an IP literal (a forged hop, a name) is kept as written,
     * so it never equals a trusted proxy's address.
     */
    static String normalize(String literal) {
        String s = literal.startsWith("[") && literal.endsWith("]") ? literal.substring(1, literal.length() - 1) : literal;
        boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = s.indexOf(':') >= 0 && s.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return literal;
        }
        try {
            // A literal is parsed, never looked up.
            return java.net.InetAddress.getByName(s).getHostAddress();
        } catch (java.net.UnknownHostException notAnAddress) {
            return literal;
        }
    }

    private static String ip(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
