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
                String hop = hops[i].trim();
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

    private static String ip(SocketAddress address) {
        if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(address);
    }
}
